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

const gateway_node* lab_config::gateway(std::string_view n) const {
  for (const auto& g : gateways)
    if (g.name == n) return &g;
  return nullptr;
}

const sip_ua_node* lab_config::sip_peer(std::string_view n) const {
  for (const auto& p : sip_peers)
    if (p.name == n) return &p;
  return nullptr;
}

std::vector<const span_link*> lab_config::gateway_spans(std::string_view g) const {
  std::vector<const span_link*> out;
  for (const auto& l : spans)
    if (l.slave == g) out.push_back(&l);
  return out;
}

std::vector<std::string> lab_config::node_names() const {
  std::vector<std::string> out;
  for (const auto& e : exchanges) out.push_back(e.name);
  for (const auto& g : gateways) out.push_back(g.name);
  for (const auto& p : sip_peers) out.push_back(p.name);
  if (call_agent) out.push_back(call_agent->name);
  return out;
}

namespace {

using config::node;
using std::chrono::milliseconds;
constexpr milliseconds one_hour{3'600'000};

bool valid_name(const std::string& name) {
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
  return true;
}

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
  if (!valid_name(e.name)) n.error("name", "may hold letters, digits, - and _ only");
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

/// Codec names as the call agent and the gateways write them in `L: a:` (docs/callagent.md).
const std::set<std::string>& known_codecs() {
  static const std::set<std::string> codecs{"PCMA", "PCMU", "G729", "G723", "G722", "G726-32", "GSM"};
  return codecs;
}

void check_codecs(const node& n, const std::vector<std::string>& codecs) {
  for (const auto& c : codecs)
    if (!known_codecs().contains(c)) {
      n.error("codecs", fmt::format("unknown codec \"{}\" (PCMA, PCMU, G729, G723, G722, G726-32, GSM)", c));
      return;
    }
}

gateway_node load_gateway(const node& n) {
  n.check_known({"name", "codecs", "dtmf_relay", "echo_cancellation", "log_level"});
  gateway_node g;
  g.line = n.line();
  g.name = n.require_string("name").value_or("");
  if (!valid_name(g.name)) n.error("name", "may hold letters, digits, - and _ only");
  if (n.has("codecs")) {
    g.codecs = n.strings("codecs");
    if (g.codecs.empty()) n.error("codecs", "a gateway needs at least one codec");
    check_codecs(n, g.codecs);
  }
  g.dtmf_relay = n.get_bool("dtmf_relay", g.dtmf_relay);
  g.echo_cancellation = n.get_bool("echo_cancellation", g.echo_cancellation);
  g.log_level = n.get_enum<std::string>(
      "log_level", {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"error", "error"}},
      g.log_level);
  return g;
}

sip_ua_node load_sip_peer(const node& n) {
  n.check_known({"name", "behaviour", "status", "answer_after_ms", "codec"});
  sip_ua_node p;
  p.line = n.line();
  p.name = n.require_string("name").value_or("");
  if (!valid_name(p.name)) n.error("name", "may hold letters, digits, - and _ only");
  p.behaviour = n.get_enum<sip_behaviour>("behaviour", {{"answer", sip_behaviour::answer}, {"reject", sip_behaviour::reject}},
                                          p.behaviour);
  p.status = static_cast<int>(n.get_int("status", p.status, 300, 699));  // RFC 3261 §21: final, not 2xx
  p.answer_after = n.get_ms("answer_after_ms", p.answer_after, milliseconds{0}, milliseconds{60'000});
  p.codec = n.get_enum<std::string>("codec", {{"PCMA", "PCMA"}, {"PCMU", "PCMU"}}, p.codec);
  return p;
}

call_agent_node load_call_agent(const node& n) {
  n.check_known({"name", "routes", "no_answer_ms"});
  call_agent_node ca;
  ca.line = n.line();
  ca.name = n.get_string("name", ca.name);
  if (!valid_name(ca.name)) n.error("name", "may hold letters, digits, - and _ only");
  ca.no_answer = n.get_ms("no_answer_ms", ca.no_answer, milliseconds{1000}, one_hour);
  std::set<std::string> names;
  for (const auto& r : n.groups("routes")) {
    r.check_known({"name", "prefix", "strip", "prepend", "to", "codecs"});
    ca_route route;
    route.line = r.line();
    route.prefix = r.require_string("prefix").value_or("");
    if (route.prefix.find_first_not_of("0123456789*#") != std::string::npos)
      r.error("prefix", "expected digits 0-9, * or #");
    route.name = r.get_string("name", fmt::format("route-{}", route.prefix));
    if (!valid_name(route.name)) r.error("name", "may hold letters, digits, - and _ only");
    if (!names.insert(route.name).second) r.error("name", fmt::format("route \"{}\" is defined twice", route.name));
    route.strip = static_cast<unsigned>(r.get_int("strip", 0, 0, 32));
    route.prepend = r.get_string("prepend", "");
    if (route.prepend.find_first_not_of("0123456789*#") != std::string::npos)
      r.error("prepend", "expected digits 0-9, * or #");
    route.to = r.require_string("to").value_or("");
    if (r.has("codecs")) {
      route.codecs = r.strings("codecs");
      if (route.codecs.empty()) r.error("codecs", "a route needs at least one codec");
      check_codecs(r, route.codecs);
    }
    ca.routes.push_back(std::move(route));
  }
  if (ca.routes.empty()) n.error("routes", "missing (a call agent needs at least one route)");
  return ca;
}

/// Checks that need every node: spans, the call agent's routes.
void check_links(const node& top, lab_config& cfg, const std::vector<node>& span_nodes,
                 const std::optional<node>& ca_node) {
  for (std::size_t i = 0; i < cfg.spans.size(); ++i) {
    const auto& l = cfg.spans[i];
    const auto& s = span_nodes[i];
    const auto* master_ex = cfg.exchange(l.master);
    if (cfg.gateway(l.master) != nullptr)
      s.error("master", fmt::format("\"{}\" is a gateway: the exchange keeps the clock and is the master", l.master));
    if (cfg.call_agent && (l.master == cfg.call_agent->name || l.slave == cfg.call_agent->name))
      s.error(l.master == cfg.call_agent->name ? "master" : "slave", "the call agent has no spans");
    if (const auto* g = cfg.gateway(l.slave); g != nullptr && master_ex != nullptr &&
                                              master_ex->side != pstn::interface_side::network)
      s.error("master", fmt::format("\"{}\" faces gateway {}: it must be in network mode (the call agent is "
                                    "the user side)",
                                    l.master, g->name));
  }
  for (const auto& g : cfg.gateways) {
    const auto spans = cfg.gateway_spans(g.name);
    for (const auto* l : spans)
      if (l->type != spans.front()->type) {
        span_nodes[static_cast<std::size_t>(l - cfg.spans.data())].error(
            "type", fmt::format("gateway {} has E1 and T1 spans: the spans of one gateway share one type", g.name));
        break;
      }
  }
  for (const auto& g : cfg.gateways)
    if (cfg.gateway_spans(g.name).empty())
      top.error("gateways", fmt::format("gateway {} is on no span (line {}): add a span with slave = \"{}\"", g.name,
                                        g.line, g.name));
  if (!cfg.gateways.empty() && !cfg.call_agent)
    top.error("call_agent", "missing: gateways need a call agent to control them");
  if (cfg.call_agent && cfg.gateways.empty())
    top.error("gateways", "missing: a call agent needs at least one gateway");
  if (!cfg.sip_peers.empty() && !cfg.call_agent)
    top.error("call_agent", "missing: SIP user agents talk to the call agent");
  for (std::size_t i = 0; i < cfg.spans.size(); ++i)
    for (const auto* end : {&cfg.spans[i].master, &cfg.spans[i].slave})
      if (cfg.sip_peer(*end) != nullptr)
        span_nodes[i].error(end == &cfg.spans[i].master ? "master" : "slave",
                            fmt::format("\"{}\" is a SIP user agent: it has no spans", *end));
  if (!cfg.call_agent || !ca_node) return;
  const auto routes = ca_node->groups("routes");
  for (std::size_t i = 0; i < cfg.call_agent->routes.size() && i < routes.size(); ++i) {
    const auto& r = cfg.call_agent->routes[i];
    if (r.to.empty()) continue;
    if (cfg.sip_peer(r.to) != nullptr) continue;  // a SIP trunk peer of the call agent
    if (cfg.exchange(r.to) == nullptr) {
      routes[i].error("to", fmt::format("no exchange or SIP user agent named \"{}\"", r.to));
      continue;
    }
    bool reached = false;
    for (const auto& l : cfg.spans) reached = reached || (l.master == r.to && cfg.gateway(l.slave) != nullptr);
    if (!reached) routes[i].error("to", fmt::format("exchange {} has no span to a gateway", r.to));
  }
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

  std::set<std::string> names;
  for (const auto& x : top->groups("exchanges")) {
    auto e = load_exchange(x);
    if (!e.name.empty() && !names.insert(e.name).second)
      x.error("name", fmt::format("node \"{}\" is defined twice", e.name));
    cfg.exchanges.push_back(std::move(e));
  }
  if (cfg.exchanges.empty()) top->error("exchanges", "missing (a lab needs at least one exchange)");
  for (const auto& x : top->groups("gateways")) {
    auto g = load_gateway(x);
    if (!g.name.empty() && !names.insert(g.name).second)
      x.error("name", fmt::format("node \"{}\" is defined twice", g.name));
    cfg.gateways.push_back(std::move(g));
  }
  for (const auto& x : top->groups("sip_peers")) {
    auto p = load_sip_peer(x);
    if (!p.name.empty() && !names.insert(p.name).second)
      x.error("name", fmt::format("node \"{}\" is defined twice", p.name));
    cfg.sip_peers.push_back(std::move(p));
  }
  auto ca_node = top->group("call_agent");
  if (ca_node) {
    cfg.call_agent = load_call_agent(*ca_node);
    if (!names.insert(cfg.call_agent->name).second)
      ca_node->error("name", fmt::format("node \"{}\" is defined twice", cfg.call_agent->name));
  }

  const auto span_nodes = top->groups("spans");
  for (const auto& s : span_nodes) {
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
  check_links(*top, cfg, span_nodes, ca_node);

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
