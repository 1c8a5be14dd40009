#include "gateway/app/mgw_config.hpp"

#include <arpa/inet.h>

#include <set>

#include <fmt/format.h>

#include "common/config/reader.hpp"

namespace tandem::gateway::app {

namespace {

using config::config_errors;
using config::node;
using std::chrono::milliseconds;
using mgcp_kind = tandem::mgcp::restart_method_kind;

void load_mgcp(const node& n, mgw_config& c) {
  n.check_known({"bind", "port", "domain", "domain_aliases", "call_agent", "allowed_call_agents", "restart",
                 "digit_map", "persistent_events", "max_connections_bearer", "max_connections_rtp",
                 "max_audit_endpoints", "transactions"});
  auto& a = c.agent;
  c.mgcp_bind_address = n.get_string("bind", c.mgcp_bind_address);
  c.mgcp_port = static_cast<std::uint16_t>(n.get_int("port", c.mgcp_port, 0, 65535));  // 0: any (tests)
  a.domain = n.get_string("domain", a.domain);
  if (a.domain.empty()) n.error("domain", "must not be empty");
  a.domain_aliases = n.strings("domain_aliases");
  if (auto ca = n.group("call_agent")) {
    ca->check_known({"address", "port", "name"});
    a.call_agent.address = ca->get_string("address", a.call_agent.address);
    a.call_agent.port = static_cast<std::uint16_t>(ca->get_int("port", a.call_agent.port, 1, 65535));
    a.call_agent_name = ca->get_string("name", a.call_agent_name);
  }
  for (const auto& p : n.groups("allowed_call_agents")) {
    p.check_known({"address", "port"});
    mgcp::allowed_peer peer;
    peer.address = p.require_string("address").value_or("");
    peer.port = static_cast<std::uint16_t>(p.get_int("port", 0, 0, 65535));
    a.allowed_call_agents.push_back(peer);
  }
  if (auto r = n.group("restart")) {
    r->check_known({"method", "delay_s", "max_wait_ms"});
    a.restart_method = r->get_enum<mgcp_kind>(
        "method", {{"restart", mgcp_kind::restart}, {"graceful", mgcp_kind::graceful}, {"forced", mgcp_kind::forced}},
        a.restart_method);
    a.restart_delay = std::chrono::seconds(r->get_int("delay_s", a.restart_delay.count(), 0, 86400));
    a.max_restart_wait = r->get_ms("max_wait_ms", a.max_restart_wait, milliseconds{0}, milliseconds{600'000});
  }
  if (auto d = n.group("digit_map")) {
    d->check_known({"short_timer_ms", "long_timer_ms"});
    a.digit_map_short_timer = d->get_ms("short_timer_ms", a.digit_map_short_timer, milliseconds{100}, milliseconds{60'000});
    a.digit_map_long_timer = d->get_ms("long_timer_ms", a.digit_map_long_timer, milliseconds{100}, milliseconds{600'000});
  }
  a.persistent_events = n.strings("persistent_events");
  a.max_connections_bearer = static_cast<unsigned>(n.get_int("max_connections_bearer", a.max_connections_bearer, 1, 64));
  a.max_connections_rtp = static_cast<unsigned>(n.get_int("max_connections_rtp", a.max_connections_rtp, 2, 64));
  a.max_audit_endpoints = static_cast<unsigned>(n.get_int("max_audit_endpoints", a.max_audit_endpoints, 1, 100000));
  if (auto t = n.group("transactions")) {
    t->check_known({"initial_rto_ms", "max_rto_ms", "max1", "max2", "tdinit_ms", "tdmin_ms", "tdmax_ms"});
    auto& x = c.transactions;
    x.initial_rto = t->get_ms("initial_rto_ms", x.initial_rto, milliseconds{20}, milliseconds{10'000});
    x.max_rto = t->get_ms("max_rto_ms", x.max_rto, milliseconds{20}, milliseconds{60'000});
    x.max1 = static_cast<unsigned>(t->get_int("max1", x.max1, 1, 20));
    x.max2 = static_cast<unsigned>(t->get_int("max2", x.max2, 1, 20));
    // RFC 3435 §4.4.6: the first wait is drawn from [1 s, tdinit].
    x.tdinit = t->get_ms("tdinit_ms", x.tdinit, milliseconds{1000}, milliseconds{600'000});
    x.tdmin = t->get_ms("tdmin_ms", x.tdmin, milliseconds{100}, milliseconds{600'000});
    x.tdmax = t->get_ms("tdmax_ms", x.tdmax, milliseconds{100}, milliseconds{3'600'000});
    if (x.max1 > x.max2) t->error("max1", "above max2 (a peer is suspect before it is disconnected)");
    if (x.initial_rto > x.max_rto) t->error("initial_rto_ms", "above max_rto_ms");
    if (x.tdmin > x.tdmax) t->error("tdmin_ms", "above tdmax_ms");
  }
}

void load_codecs(const node& n, mgw_config& c) {
  n.check_known({"enabled", "dtmf_relay", "telephone_event_payload_type", "default_ptime_ms", "echo_cancellation"});
  auto& a = c.agent;
  if (n.has("enabled")) a.codecs = n.strings("enabled");
  if (a.codecs.empty()) n.error("enabled", "at least one codec");
  a.dtmf_relay = n.get_bool("dtmf_relay", a.dtmf_relay);
  // RFC 3551 §3: dynamic payload types are 96-127.
  a.telephone_event_payload_type =
      static_cast<unsigned>(n.get_int("telephone_event_payload_type", a.telephone_event_payload_type, 96, 127));
  a.default_ptime = n.get_ms("default_ptime_ms", a.default_ptime, milliseconds{10}, milliseconds{200});
  a.echo_cancellation_default = n.get_bool("echo_cancellation", a.echo_cancellation_default);
}

void load_span(const node& n, mgw_config& c) {
  n.check_known({"number", "type", "backend", "socket", "device", "mode", "clock", "tick_ms", "alarm_hold_ms"});
  mgcp::span_config s;
  span_link_config link;
  s.number = static_cast<unsigned>(n.require_int("number", 1, 9999).value_or(1));
  s.t1 = n.get_enum<bool>("type", {{"e1", false}, {"t1", true}}, false);
  link.number = s.number;
  link.backend = n.get_enum<span_backend>("backend", {{"sim", span_backend::sim}, {"dahdi", span_backend::dahdi}},
                                          span_backend::sim);
  link.device = n.get_string(link.backend == span_backend::sim ? "socket" : "device", "");
  if (link.device.empty()) n.error(link.backend == span_backend::sim ? "socket" : "device", "missing");
  link.listen = n.get_enum<bool>("mode", {{"connect", false}, {"listen", true}}, false);
  link.clock_master = n.get_enum<bool>("clock", {{"slave", false}, {"master", true}}, false);
  link.tick = n.get_ms("tick_ms", link.tick, milliseconds{1}, milliseconds{20});
  link.alarm_hold = n.get_ms("alarm_hold_ms", link.alarm_hold, milliseconds{0}, milliseconds{60'000});
  // sockaddr_un::sun_path holds 108 octets with the terminating NUL.
  if (link.backend == span_backend::sim && link.device.size() > 107) n.error("socket", "longer than 107 octets");
  c.agent.spans.push_back(s);
  c.span_links.push_back(link);
}

void validate(const node& root, mgw_config& c) {
  std::set<unsigned> numbers;
  for (const auto& s : c.agent.spans)
    if (!numbers.insert(s.number).second) root.error("spans", fmt::format("span {} is defined twice", s.number));
  if (c.rtp.port_min > c.rtp.port_max) root.error("rtp", "port_min is above port_max");
  if (c.agent.spans.empty() && c.agent.rtp_endpoints == 0)
    root.error("spans", "no endpoints: give spans or virtual_endpoints");
  if (c.backhaul.enabled) {
    in6_addr buffer{};
    if (inet_pton(AF_INET, c.backhaul.address.c_str(), &buffer) != 1 &&
        inet_pton(AF_INET6, c.backhaul.address.c_str(), &buffer) != 1)
      root.error("backhaul", fmt::format("address \"{}\" is not an IPv4 or IPv6 literal", c.backhaul.address));
  }
  if (!c.agent.allowed_call_agents.empty()) {
    bool listed = false;
    for (const auto& p : c.agent.allowed_call_agents) listed = listed || p.address == c.agent.call_agent.address;
    if (!listed) root.error("mgcp", "call_agent.address is not among allowed_call_agents");
  }
}

expected<mgw_config, config_errors> load(config::document& doc) {
  mgw_config c;
  node root = doc.root();
  root.check_known({"mgw"});
  auto top = root.group("mgw");
  if (!top) {
    if (!root.has("mgw")) root.error("mgw", "missing (the file must hold a group mgw = { ... })");
    return make_unexpected(doc.errors());
  }
  top->check_known({"mgcp", "rtp", "codecs", "spans", "virtual_endpoints", "backhaul", "log", "metrics", "control", "h248"});
  if (auto m = top->group("mgcp")) load_mgcp(*m, c);
  if (auto r = top->group("rtp")) {
    r->check_known({"bind", "port_min", "port_max"});
    c.rtp.bind_address = r->get_string("bind", c.rtp.bind_address);
    c.rtp.port_min = static_cast<std::uint16_t>(r->get_int("port_min", c.rtp.port_min, 1024, 65534));
    c.rtp.port_max = static_cast<std::uint16_t>(r->get_int("port_max", c.rtp.port_max, 1025, 65535));
  }
  if (auto k = top->group("codecs")) load_codecs(*k, c);
  for (const auto& s : top->groups("spans")) load_span(s, c);
  c.agent.rtp_endpoints = static_cast<unsigned>(top->get_int("virtual_endpoints", 0, 0, 10000));
  if (auto b = top->group("backhaul")) {
    b->check_known({"address", "port", "keepalive_ms", "backoff_max_ms"});
    c.backhaul.enabled = true;
    if (auto a = b->require_string("address")) c.backhaul.address = *a;
    c.backhaul.port = static_cast<std::uint16_t>(b->get_int("port", c.backhaul.port, 1, 65535));
    c.backhaul.keepalive = b->get_ms("keepalive_ms", c.backhaul.keepalive, milliseconds{100}, milliseconds{60'000});
    c.backhaul.backoff_max =
        b->get_ms("backoff_max_ms", c.backhaul.backoff_max, milliseconds{100}, milliseconds{600'000});
  }
  if (auto l = top->group("log")) {
    l->check_known({"level", "sink", "path", "ident", "levels"});
    c.log_level = l->get_enum<std::string>("level",
                                           {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"},
                                            {"warn", "warn"}, {"error", "error"}, {"off", "off"}},
                                           c.log_level);
    c.log_sink = l->get_string("sink", c.log_sink);
    c.log_path = l->get_string("path", "");
    c.log_ident = l->get_string("ident", "");
    c.log_levels = l->get_string("levels", "");
    auto settings = tandem::log::parse_settings(c.log_sink, c.log_path, c.log_ident, c.log_levels);
    if (settings) c.log_settings = std::move(*settings);
    else l->error(settings.error().first, settings.error().second);
  }
  c.ops = tandem::ops::read_ops_config(*top);
  if (auto h = top->group("h248")) {
    h248::load_h248(*h, c.h248);
    h248::share_gateway_settings(c.h248, c.agent);
  }
  validate(*top, c);
  if (!doc.ok()) return make_unexpected(doc.errors());
  return c;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += fmt::format("{}\"{}\"", i ? ", " : " ", v[i]);
  return out + (v.empty() ? "]" : " ]");
}

std::string_view method_name(mgcp_kind k) {
  switch (k) {
    case mgcp_kind::graceful: return "graceful";
    case mgcp_kind::forced: return "forced";
    default: return "restart";
  }
}

}  // namespace

expected<mgw_config, config_errors> load_mgw_config_file(const std::string& path) {
  auto doc = config::document::load_file(path);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc);
}

expected<mgw_config, config_errors> load_mgw_config_string(std::string_view text) {
  auto doc = config::document::load_string(text);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc);
}

std::string dump_config(const mgw_config& c) {
  const auto& a = c.agent;
  std::string out = "mgw = {\n  mgcp = {\n";
  auto it = std::back_inserter(out);
  fmt::format_to(it, "    bind = \"{}\";\n    port = {};\n    domain = \"{}\";\n    domain_aliases = {};\n",
                 c.mgcp_bind_address, c.mgcp_port, a.domain, quoted_list(a.domain_aliases));
  fmt::format_to(it, "    call_agent = {{ address = \"{}\"; port = {}; name = \"{}\"; }};\n", a.call_agent.address,
                 a.call_agent.port, a.call_agent_name);
  out += "    allowed_call_agents = (";
  for (std::size_t i = 0; i < a.allowed_call_agents.size(); ++i)
    fmt::format_to(it, "{}\n      {{ address = \"{}\"; port = {}; }}", i ? "," : "", a.allowed_call_agents[i].address,
                   a.allowed_call_agents[i].port);
  out += a.allowed_call_agents.empty() ? ");\n" : "\n    );\n";
  fmt::format_to(it, "    restart = {{ method = \"{}\"; delay_s = {}; max_wait_ms = {}; }};\n",
                 method_name(a.restart_method), a.restart_delay.count(), a.max_restart_wait.count());
  fmt::format_to(it, "    digit_map = {{ short_timer_ms = {}; long_timer_ms = {}; }};\n",
                 a.digit_map_short_timer.count(), a.digit_map_long_timer.count());
  fmt::format_to(it, "    persistent_events = {};\n", quoted_list(a.persistent_events));
  fmt::format_to(it, "    max_connections_bearer = {};\n    max_connections_rtp = {};\n    max_audit_endpoints = {};\n",
                 a.max_connections_bearer, a.max_connections_rtp, a.max_audit_endpoints);
  const auto& x = c.transactions;
  fmt::format_to(it,
                 "    transactions = {{ initial_rto_ms = {}; max_rto_ms = {}; max1 = {}; max2 = {}; tdinit_ms = {}; "
                 "tdmin_ms = {}; tdmax_ms = {}; }};\n  }};\n",
                 x.initial_rto.count(), x.max_rto.count(), x.max1, x.max2, x.tdinit.count(), x.tdmin.count(),
                 x.tdmax.count());
  fmt::format_to(it, "  rtp = {{ bind = \"{}\"; port_min = {}; port_max = {}; }};\n", c.rtp.bind_address,
                 c.rtp.port_min, c.rtp.port_max);
  fmt::format_to(it,
                 "  codecs = {{\n    enabled = {};\n    dtmf_relay = {};\n    telephone_event_payload_type = {};\n"
                 "    default_ptime_ms = {};\n    echo_cancellation = {};\n  }};\n",
                 quoted_list(a.codecs), a.dtmf_relay, a.telephone_event_payload_type, a.default_ptime.count(),
                 a.echo_cancellation_default);
  out += "  spans = (";
  for (std::size_t i = 0; i < a.spans.size(); ++i) {
    const auto& s = a.spans[i];
    const auto& l = c.span_links[i];
    fmt::format_to(it, "{}\n    {{ number = {}; type = \"{}\"; backend = \"{}\"; {} = \"{}\";", i ? "," : "",
                   s.number, s.t1 ? "t1" : "e1", l.backend == span_backend::sim ? "sim" : "dahdi",
                   l.backend == span_backend::sim ? "socket" : "device", l.device);
    if (l.backend == span_backend::sim)
      fmt::format_to(it, " mode = \"{}\"; clock = \"{}\"; tick_ms = {};", l.listen ? "listen" : "connect",
                     l.clock_master ? "master" : "slave", l.tick.count());
    fmt::format_to(it, " alarm_hold_ms = {}; }}", l.alarm_hold.count());
  }
  out += a.spans.empty() ? ");\n" : "\n  );\n";
  if (c.backhaul.enabled)
    fmt::format_to(it, "  backhaul = {{ address = \"{}\"; port = {}; keepalive_ms = {}; backoff_max_ms = {}; }};\n",
                   c.backhaul.address, c.backhaul.port, c.backhaul.keepalive.count(), c.backhaul.backoff_max.count());
  if (const auto& m = c.ops.metrics)
    fmt::format_to(it, "  metrics = {{ address = \"{}\"; port = {}; }};\n", m->address, m->port);
  if (const auto& k = c.ops.control)
    fmt::format_to(it, "  control = {{ socket = \"{}\"; mode = \"{:04o}\"; }};\n", k->path, k->mode);
  if (c.h248.enabled) out += h248::dump_h248(c.h248);
  fmt::format_to(it, "  virtual_endpoints = {};\n  log = {{ level = \"{}\"; sink = \"{}\";", a.rtp_endpoints, c.log_level,
                 c.log_sink);
  if (!c.log_path.empty()) fmt::format_to(it, " path = \"{}\";", c.log_path);
  if (!c.log_ident.empty()) fmt::format_to(it, " ident = \"{}\";", c.log_ident);
  if (!c.log_levels.empty()) fmt::format_to(it, " levels = \"{}\";", c.log_levels);
  out += " };\n};\n";
  return out;
}

}  // namespace tandem::gateway::app
