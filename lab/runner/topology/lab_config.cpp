#include "lab/runner/topology/lab_config.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "common/config/reader.hpp"

namespace tandem::lab::runner {

std::string_view to_string(node_kind k) {
  switch (k) {
    case node_kind::exchange: return "exchange";
    case node_kind::gateway: return "gateway";
    case node_kind::call_agent: return "call agent";
    case node_kind::sip_ua: return "SIP user agent";
  }
  return "?";
}

const exchange_node* lab_config::exchange(std::string_view n) const {
  for (const auto& e : exchanges)
    if (e.name == n) return &e;
  return nullptr;
}

std::vector<std::string> lab_config::node_names() const {
  std::vector<std::string> out;
  for (const auto& e : exchanges) out.push_back(e.name);
  return out;
}

namespace {

using config::node;
using std::chrono::milliseconds;
constexpr milliseconds one_hour{3'600'000};

pstn::subscriber_config load_subscriber(const node& n) {
  n.check_known({"number", "behaviour", "answer_after_ms", "no_answer_after_ms", "cause", "media", "tone_hz",
                 "tone_dbm0"});
  pstn::subscriber_config s;
  s.number = n.require_string("number").value_or("");
  if (!s.number.empty() && s.number.find_first_not_of("0123456789*#") != std::string::npos)
    n.error("number", "expected digits 0-9, * or #");
  using b = pstn::subscriber_behaviour;
  s.behaviour = n.get_enum<b>("behaviour",
                              {{"answer", b::answer}, {"busy", b::busy}, {"no_answer", b::no_answer},
                               {"reject", b::reject}, {"manual", b::manual}},
                              s.behaviour);
  s.answer_after = n.get_ms("answer_after_ms", s.answer_after, milliseconds{0}, one_hour);
  s.no_answer_after = n.get_ms("no_answer_after_ms", s.no_answer_after, milliseconds{0}, one_hour);
  s.cause = static_cast<int>(n.get_int("cause", s.cause, 1, 127));  // Q.850 §2.2.5
  using m = pstn::answer_media;
  s.media = n.get_enum<m>("media", {{"none", m::none}, {"echo", m::echo}, {"tone", m::tone}}, s.media);
  s.tone_hz = n.get_number("tone_hz", s.tone_hz, 50.0, 3900.0);
  s.tone_dbm0 = n.get_number("tone_dbm0", s.tone_dbm0, -60.0, 3.0);
  return s;
}

exchange_node load_exchange(const node& n) {
  n.check_known({"name", "mode", "record_seconds", "subscribers"});
  exchange_node e;
  e.name = n.require_string("name").value_or("");
  for (char c : e.name)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
      n.error("name", "may hold letters, digits, - and _ only");
      break;
    }
  e.side = n.get_enum<pstn::interface_side>(
      "mode", {{"network", pstn::interface_side::network}, {"cpe", pstn::interface_side::cpe}}, e.side);
  e.record_seconds = static_cast<unsigned>(n.get_int("record_seconds", e.record_seconds, 1, 600));
  std::set<std::string> numbers;
  for (const auto& s : n.groups("subscribers")) {
    auto sub = load_subscriber(s);
    if (!sub.number.empty() && !numbers.insert(sub.number).second)
      s.error("number", fmt::format("subscriber {} is defined twice", sub.number));
    e.subscribers.push_back(std::move(sub));
  }
  return e;
}

expected<lab_config, config::config_errors> load(config::document& doc, const std::string& base_dir) {
  lab_config cfg;
  node root = doc.root();
  root.check_known({"lab"});
  auto top = root.group("lab");
  if (!top) {
    if (!root.has("lab")) root.error("lab", "missing (the file must hold a group lab = { ... })");
    return make_unexpected(doc.errors());
  }
  top->check_known({"name", "exchanges", "spans", "media", "link_up_timeout_ms", "gateways", "call_agent",
                    "sip_peers"});
  cfg.name = top->get_string("name", "lab");
  cfg.link_up_timeout = top->get_ms("link_up_timeout_ms", cfg.link_up_timeout, milliseconds{100}, milliseconds{120'000});
  // The sections of the later node kinds: recognised, refused with a clear word.
  for (const char* later : {"gateways", "call_agent", "sip_peers"})
    if (top->has(later))
      top->error(later, "not available yet: this version of tandem-lab starts exchanges only (docs/lab.md)");

  std::set<std::string> names;
  for (const auto& x : top->groups("exchanges")) {
    auto e = load_exchange(x);
    if (!e.name.empty() && !names.insert(e.name).second)
      x.error("name", fmt::format("node \"{}\" is defined twice", e.name));
    cfg.exchanges.push_back(std::move(e));
  }
  if (cfg.exchanges.empty()) top->error("exchanges", "missing (a lab needs at least one exchange)");

  for (const auto& s : top->groups("spans")) {
    s.check_known({"master", "slave", "type", "tick_ms"});
    span_link l;
    l.line = s.line();
    l.master = s.require_string("master").value_or("");
    l.slave = s.require_string("slave").value_or("");
    l.type = s.get_enum<tdm::span_type>("type", {{"e1", tdm::span_type::e1}, {"t1", tdm::span_type::t1}}, l.type);
    l.tick = s.get_ms("tick_ms", l.tick, milliseconds{1}, milliseconds{20});  // sim span limits
    for (const auto* end : {&l.master, &l.slave})
      if (!end->empty() && !names.contains(*end))
        s.error(end == &l.master ? "master" : "slave", fmt::format("no node named \"{}\"", *end));
    if (!l.master.empty() && l.master == l.slave) s.error("slave", "a span joins two different nodes");
    // The master keeps the clock: a CPE-mode exchange follows, it never leads.
    if (const auto* m = cfg.exchange(l.master); m != nullptr && m->side == pstn::interface_side::cpe)
      s.error("master", fmt::format("\"{}\" is in cpe mode: the network side is the clock master", l.master));
    if (const auto* m = cfg.exchange(l.master), *sl = cfg.exchange(l.slave);
        m != nullptr && sl != nullptr && m->side == sl->side)
      s.error("slave", "two exchanges back to back need one in network mode and one in cpe mode");
    cfg.spans.push_back(l);
  }

  std::set<std::string> media_names;
  for (const auto& m : top->groups("media")) {
    m.check_known({"name", "file"});
    pstn::media_file_config f;
    f.name = m.require_string("name").value_or("");
    f.file = m.require_string("file").value_or("");
    if (f.name == "marker") m.error("name", "\"marker\" is the built-in delay marker; pick another name");
    if (!f.name.empty() && !media_names.insert(f.name).second)
      m.error("name", fmt::format("media \"{}\" is defined twice", f.name));
    if (!f.file.empty() && std::filesystem::path(f.file).is_relative())
      f.file = (std::filesystem::absolute(base_dir) / f.file).lexically_normal().string();
    if (!f.file.empty() && !std::filesystem::exists(f.file)) m.error("file", fmt::format("{} does not exist", f.file));
    cfg.media.push_back(std::move(f));
  }
  if (!doc.ok()) return make_unexpected(doc.errors());
  return cfg;
}

}  // namespace

expected<lab_config, config::config_errors> parse_lab_config(std::string_view text, const std::string& base_dir) {
  auto doc = config::document::load_string(text);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc, base_dir);
}

expected<lab_config, config::config_errors> load_lab_config(const std::string& file) {
  auto doc = config::document::load_file(file);
  if (!doc) return make_unexpected(doc.error());
  auto dir = std::filesystem::path(file).parent_path().string();
  auto cfg = load(*doc, dir.empty() ? "." : dir);
  if (cfg) cfg->file = file;
  return cfg;
}

}  // namespace tandem::lab::runner
