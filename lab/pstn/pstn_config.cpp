#include "lab/pstn/pstn_config.hpp"

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/config/reader.hpp"

namespace tandem::lab::pstn {

namespace {

using config::config_errors;
using config::node;
using std::chrono::milliseconds;

constexpr milliseconds one_hour{3'600'000};

subscriber_config load_subscriber(const node& n) {
  n.check_known({"number", "behaviour", "answer_after_ms", "no_answer_after_ms", "cause", "media",
                 "tone_hz", "tone_dbm0"});
  subscriber_config s;
  s.number = n.require_string("number").value_or("");
  if (s.number.empty() == false &&
      s.number.find_first_not_of("0123456789*#") != std::string::npos) {
    n.error("number", "expected digits 0-9, * or #");
  }
  s.behaviour = n.get_enum<subscriber_behaviour>("behaviour",
                                                 {{"answer", subscriber_behaviour::answer},
                                                  {"busy", subscriber_behaviour::busy},
                                                  {"no_answer", subscriber_behaviour::no_answer},
                                                  {"reject", subscriber_behaviour::reject},
                                                  {"manual", subscriber_behaviour::manual}},
                                                 s.behaviour);
  s.answer_after = n.get_ms("answer_after_ms", s.answer_after, milliseconds{0}, one_hour);
  s.no_answer_after = n.get_ms("no_answer_after_ms", s.no_answer_after, milliseconds{0}, one_hour);
  // Q.850 §2.2.5: cause values are 7 bits; 0 is not a cause.
  s.cause = static_cast<int>(n.get_int("cause", s.cause, 1, 127));
  s.media = n.get_enum<answer_media>(
      "media", {{"none", answer_media::none}, {"echo", answer_media::echo}, {"tone", answer_media::tone}},
      s.media);
  s.tone_hz = n.get_number("tone_hz", s.tone_hz, 50.0, 3900.0);
  s.tone_dbm0 = n.get_number("tone_dbm0", s.tone_dbm0, -60.0, 3.0);
  return s;
}

span_config load_span(const node& n, interface_side side, std::map<std::string, int>& lines) {
  n.check_known({"number", "type", "switch", "socket", "role", "clock", "tick_ms", "los_hold_ms", "subscribers"});
  span_config s;
  s.number = static_cast<unsigned>(n.require_int("number", 1, 255).value_or(1));
  s.type = n.get_enum<tdm::span_type>("type", {{"e1", tdm::span_type::e1}, {"t1", tdm::span_type::t1}},
                                      s.type);
  // The dialect follows the span type unless given: EuroISDN on E1, NI-2 on T1.
  s.switch_kind = s.type == tdm::span_type::e1 ? switch_type::euroisdn_e1 : switch_type::ni2;
  s.switch_kind = n.get_enum<switch_type>(
      "switch", {{"euroisdn", switch_type::euroisdn_e1}, {"ni2", switch_type::ni2}}, s.switch_kind);
  s.socket_path = n.require_string("socket").value_or("");
  s.role = n.get_enum<socket_role>("role", {{"listen", socket_role::listen}, {"connect", socket_role::connect}},
                                   s.role);
  s.clock = side == interface_side::network ? clock_role::master : clock_role::slave;
  s.clock = n.get_enum<clock_role>("clock", {{"master", clock_role::master}, {"slave", clock_role::slave}},
                                   s.clock);
  // The sim span accepts 1..20 ms ticks (tdm/sim/sim_span.hpp).
  s.tick = n.get_ms("tick_ms", s.tick, milliseconds{1}, milliseconds{20});
  s.los_hold = n.get_ms("los_hold_ms", s.los_hold, milliseconds{0}, milliseconds{60'000});
  for (const auto& sub : n.groups("subscribers")) {
    lines[sub.path()] = sub.line();
    s.subscribers.push_back(load_subscriber(sub));
  }
  return s;
}

expected<pstn_config, config_errors> load(config::document& doc, const std::string& base_dir) {
  pstn_config cfg;
  node root = doc.root();
  root.check_known({"pstn"});
  auto top = root.group("pstn");
  if (!top) {
    if (!root.has("pstn")) root.error("pstn", "missing (the file must hold a group pstn = { ... })");
    return make_unexpected(doc.errors());
  }
  std::map<std::string, int> lines;
  top->check_known({"mode", "record_seconds", "control", "spans", "media", "metrics", "ops_control"});
  cfg.ops = tandem::ops::read_ops_config(*top, "ops_control");
  cfg.side = top->get_enum<interface_side>(
      "mode", {{"network", interface_side::network}, {"cpe", interface_side::cpe}}, cfg.side);
  cfg.record_seconds = static_cast<unsigned>(top->get_int("record_seconds", cfg.record_seconds, 1, 600));
  if (auto ctl = top->group("control")) {
    ctl->check_known({"address", "port"});
    cfg.control.address = ctl->get_string("address", cfg.control.address);
    cfg.control.port = static_cast<unsigned>(ctl->get_int("port", cfg.control.port, 0, 65535));
  }
  for (const auto& m : top->groups("media")) {
    m.check_known({"name", "file"});
    lines[m.path()] = m.line();
    media_file_config f;
    f.name = m.require_string("name").value_or("");
    f.file = m.require_string("file").value_or("");
    if (!f.file.empty() && std::filesystem::path(f.file).is_relative())
      f.file = (std::filesystem::path(base_dir) / f.file).lexically_normal().string();
    cfg.media.push_back(std::move(f));
  }
  auto spans = top->groups("spans");
  if (spans.empty() && !top->has("spans")) top->error("spans", "missing (at least one span is required)");
  for (const auto& s : spans) {
    lines[s.path()] = s.line();
    cfg.spans.push_back(load_span(s, cfg.side, lines));
  }
  config_errors errors = doc.errors();
  for (auto e : validate(cfg)) {
    // The validator knows paths only; lines come from the settings the loader visited.
    auto prefix = e.path.substr(0, e.path.rfind('.'));
    for (const auto& key : {e.path, prefix})
      if (auto it = lines.find(key); it != lines.end() && e.line == 0) e.line = it->second;
    errors.push_back(std::move(e));
  }
  if (!errors.empty()) return make_unexpected(errors);
  return cfg;
}

}  // namespace

config_errors validate(const pstn_config& cfg) {
  config_errors errors;
  std::set<unsigned> numbers;
  std::set<std::string> sockets;
  for (std::size_t i = 0; i < cfg.spans.size(); ++i) {
    const auto& s = cfg.spans[i];
    auto path = fmt::format("pstn.spans.[{}]", i);
    if (!numbers.insert(s.number).second)
      errors.push_back({path + ".number", 0, fmt::format("span {} is defined twice", s.number)});
    if (!s.socket_path.empty() && !sockets.insert(s.socket_path).second)
      errors.push_back({path + ".socket", 0, fmt::format("socket {} is used by two spans", s.socket_path)});
    if (s.type == tdm::span_type::e1 && s.switch_kind == switch_type::ni2)
      errors.push_back({path + ".switch", 0, "\"ni2\" runs on T1 spans only"});
    std::set<std::string> subs;
    for (std::size_t j = 0; j < s.subscribers.size(); ++j) {
      const auto& sub = s.subscribers[j];
      auto sub_path = fmt::format("{}.subscribers.[{}]", path, j);
      if (!sub.number.empty() && !subs.insert(sub.number).second)
        errors.push_back({sub_path + ".number", 0, fmt::format("subscriber {} is defined twice", sub.number)});
      if (sub.behaviour != subscriber_behaviour::answer && sub.behaviour != subscriber_behaviour::manual &&
          sub.media != answer_media::none)
        errors.push_back({sub_path + ".media", 0, "media applies to answering subscribers only"});
    }
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < cfg.media.size(); ++i) {
    const auto& m = cfg.media[i];
    if (!m.name.empty() && !names.insert(m.name).second)
      errors.push_back({fmt::format("pstn.media.[{}].name", i), 0,
                        fmt::format("media \"{}\" is defined twice", m.name)});
  }
  return errors;
}

expected<pstn_config, config::config_errors> parse_pstn_config(std::string_view text,
                                                               const std::string& base_dir) {
  auto doc = config::document::load_string(text);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc, base_dir);
}

expected<pstn_config, config::config_errors> load_pstn_config(const std::string& file) {
  auto doc = config::document::load_file(file);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc, std::filesystem::path(file).parent_path().string());
}

}  // namespace tandem::lab::pstn
