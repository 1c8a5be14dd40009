#include "callagent/ca_config.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "callagent/number_rule.hpp"
#include "common/config/reader.hpp"
#include "proto/mgcp/endpoint_name.hpp"

namespace tandem::callagent {

namespace {

using config::config_errors;
using config::node;
using std::chrono::milliseconds;

constexpr milliseconds one_day{86'400'000};

gateway_config load_gateway(const node& n) {
  n.check_known({"name", "address", "port", "domain", "endpoint_pattern", "keepalive_ms"});
  gateway_config g;
  g.name = n.require_string("name").value_or("");
  g.address = n.get_string("address", g.address);
  if (g.address.empty()) n.error("address", "empty (an IP address or a host name)");
  g.port = static_cast<std::uint16_t>(n.get_int("port", g.port, 1, 65535));
  g.domain = n.get_string("domain", g.name);
  if (!mgcp::parse_domain_name(g.domain)) n.error("domain", "not a valid MGCP domain name (RFC 3435 §2.1.1)");
  g.endpoint_pattern = n.get_string("endpoint_pattern", g.endpoint_pattern);
  if (g.endpoint_pattern.find("{channel}") == std::string::npos)
    n.error("endpoint_pattern", "must contain {channel}");
  g.keepalive = n.get_ms("keepalive_ms", g.keepalive, milliseconds{0}, one_day);
  return g;
}

trunk_group_config load_trunk_group(const node& n) {
  n.check_known({"name", "gateway", "hunting", "spans", "signalling", "switch_type"});
  trunk_group_config t;
  t.name = n.require_string("name").value_or("");
  t.gateway = n.require_string("gateway").value_or("");
  t.hunting = n.get_enum<hunting>("hunting",
                                  {{"ascending", hunting::ascending},
                                   {"descending", hunting::descending},
                                   {"round_robin", hunting::round_robin},
                                   {"least_used", hunting::least_used}},
                                  t.hunting);
  t.signalling = n.get_enum<trunk_signalling>(
      "signalling", {{"pri", trunk_signalling::pri}, {"none", trunk_signalling::none}}, t.signalling);
  t.switch_kind = n.get_enum<isdn::switch_type>(
      "switch_type", {{"euroisdn_e1", isdn::switch_type::euroisdn_e1}, {"ni2", isdn::switch_type::ni2}},
      t.switch_kind);
  if (!n.has("spans")) n.error("spans", "missing (a list of { span = N; channels = \"1-15,17-31\"; })");
  for (const node& s : n.groups("spans")) {
    s.check_known({"span", "channels"});
    span_channels sc;
    sc.span = static_cast<unsigned>(s.require_int("span", 1, 255).value_or(1));
    const auto text = s.require_string("channels");
    if (text) {
      // E1 has timeslots 1-31, T1 channels 1-24: 31 bounds both.
      auto list = parse_channel_list(*text, 31);
      if (!list) {
        s.error("channels", fmt::format("{} at offset {}", list.error().reason, list.error().position));
      } else {
        sc.channels = std::move(*list);
      }
    }
    t.spans.push_back(std::move(sc));
  }
  return t;
}

/// Reads `prefix` or `pattern` (exactly one).
void load_match(const node& n, match_kind& kind, std::string& match) {
  const bool has_prefix = n.has("prefix");
  const bool has_pattern = n.has("pattern");
  if (has_prefix == has_pattern) {
    n.error("needs exactly one of prefix or pattern");
    return;
  }
  if (has_prefix) {
    kind = match_kind::prefix;
    match = n.get_string("prefix", "");
    if (!is_dialable(match)) n.error("prefix", "expected digits 0-9, * or #");
  } else {
    kind = match_kind::pattern;
    match = n.get_string("pattern", "");
    if (auto e = check_pattern(match))
      n.error("pattern", fmt::format("{} at offset {}", e->reason, e->position));
  }
}

number_edit load_edit(const node& n, std::string_view strip, std::string_view prepend) {
  number_edit e;
  e.strip = static_cast<unsigned>(n.get_int(strip, 0, 0, 32));
  e.prepend = n.get_string(prepend, "");
  if (!is_dialable(e.prepend)) n.error(prepend, "expected digits 0-9, * or #");
  return e;
}

route_target load_target(const node& n) {
  n.check_known({"trunk_group", "sip_peer", "user"});
  route_target t;
  int count = 0;
  for (auto [key, kind] : {std::pair{"trunk_group", target_kind::trunk_group},
                           std::pair{"sip_peer", target_kind::sip_peer},
                           std::pair{"user", target_kind::user}}) {
    if (n.has(key)) {
      ++count;
      t.kind = kind;
      t.name = n.get_string(key, "");
    }
  }
  if (count != 1) n.error("needs exactly one of trunk_group, sip_peer or user");
  return t;
}

route_config load_route(const node& n) {
  n.check_known({"name", "prefix", "pattern", "strip", "prepend", "calling_strip",
                 "calling_prepend", "targets", "codecs"});
  route_config r;
  r.name = n.require_string("name").value_or("");
  load_match(n, r.kind, r.match);
  r.called = load_edit(n, "strip", "prepend");
  r.calling = load_edit(n, "calling_strip", "calling_prepend");
  if (!n.has("targets")) n.error("targets", "missing (a list of { trunk_group = \"...\"; })");
  for (const node& t : n.groups("targets")) r.targets.push_back(load_target(t));
  if (n.has("targets") && r.targets.empty()) n.error("targets", "empty");
  if (n.has("codecs")) {
    r.codecs = n.strings("codecs");
    if (r.codecs.empty()) n.error("codecs", "empty (leave it out for the default PCMA)");
  }
  return r;
}

sip_config load_sip(const node& n) {
  n.check_known({"address", "port", "realm", "options_interval_ms", "max_expires_s", "peers", "users"});
  sip_config s;
  s.enabled = true;
  s.address = n.get_string("address", s.address);
  if (s.address.empty()) n.error("address", "empty (an IP address to bind)");
  s.port = static_cast<std::uint16_t>(n.get_int("port", s.port, 1, 65535));
  s.realm = n.get_string("realm", s.realm);
  if (s.realm.empty() || s.realm.find('"') != std::string::npos) n.error("realm", "empty or holds a quote");
  s.options_interval = n.get_ms("options_interval_ms", s.options_interval, milliseconds{1'000}, one_day);
  s.max_expires = std::chrono::seconds(n.get_int("max_expires_s", static_cast<int>(s.max_expires.count()), 60, 86'400));
  for (const node& p : n.groups("peers")) {
    p.check_known({"name", "host", "port", "transport", "keepalive"});
    sip_peer_config peer;
    peer.name = p.require_string("name").value_or("");
    peer.host = p.require_string("host").value_or("");
    if (peer.host.find_first_of(" <>;@\"") != std::string::npos) p.error("host", "not a host name or address");
    peer.port = static_cast<std::uint16_t>(p.get_int("port", 0, 0, 65535));
    peer.transport = p.get_string("transport", peer.transport);
    if (peer.transport != "udp" && peer.transport != "tcp") p.error("transport", "expected \"udp\" or \"tcp\"");
    peer.keepalive = p.get_bool("keepalive", peer.keepalive);
    s.peers.push_back(std::move(peer));
  }
  for (const node& u : n.groups("users")) {
    u.check_known({"name", "password"});
    sip_user_config user;
    user.name = u.require_string("name").value_or("");
    if (user.name.empty() || user.name.find_first_of(" :@<>;\"") != std::string::npos)
      u.error("name", "empty or not a SIP user part");
    user.password = u.require_string("password").value_or("");
    s.users.push_back(std::move(user));
  }
  return s;
}

expected<ca_config, config_errors> load(config::document& doc) {
  ca_config cfg;
  node root = doc.root();
  root.check_known({"callagent"});
  auto top = root.group("callagent");
  if (!top) {
    if (!root.has("callagent")) root.error("callagent", "missing (the file must hold callagent = { ... })");
    return make_unexpected(doc.errors());
  }
  const node& c = *top;
  c.check_known({"notified_entity", "mgcp_address", "mgcp_port", "backhaul", "cdr", "timers", "gateways", "trunk_groups",
                 "normalise", "routes", "sip", "metrics", "control", "log"});
  cfg.notified_entity = c.get_string("notified_entity", cfg.notified_entity);
  // RFC 3435 §3.2.2 NotifiedEntity: [local@]domain[:port].
  if (!mgcp::parse_notified_entity(cfg.notified_entity))
    c.error("notified_entity", "expected [name@]host[:port], e.g. \"ca@127.0.0.1:2727\"");
  cfg.mgcp_address = c.get_string("mgcp_address", cfg.mgcp_address);
  if (cfg.mgcp_address.empty()) c.error("mgcp_address", "empty (an IP address to bind)");
  cfg.mgcp_port = static_cast<std::uint16_t>(c.get_int("mgcp_port", cfg.mgcp_port, 0, 65535));
  if (auto b = c.group("backhaul")) {
    b->check_known({"address", "port"});
    cfg.backhaul.address = b->get_string("address", cfg.backhaul.address);
    if (cfg.backhaul.address.empty()) b->error("address", "empty (an IP address to listen on)");
    cfg.backhaul.port = static_cast<std::uint16_t>(b->get_int("port", cfg.backhaul.port, 0, 65535));
  }
  if (auto cdr = c.group("cdr")) {
    cdr->check_known({"path", "fsync"});
    cfg.cdr.path = cdr->get_string("path", "");
    cfg.cdr.fsync = cdr->get_bool("fsync", false);
  }
  if (auto t = c.group("timers")) {
    t->check_known({"no_answer_ms", "graceful_drain_ms"});
    cfg.timers.no_answer = t->get_ms("no_answer_ms", cfg.timers.no_answer, milliseconds{1'000}, one_day);
    cfg.timers.graceful_drain =
        t->get_ms("graceful_drain_ms", cfg.timers.graceful_drain, milliseconds{0}, one_day);
  }
  if (auto sip = c.group("sip")) cfg.sip = load_sip(*sip);
  cfg.ops = ops::read_ops_config(c);
  if (auto l = c.group("log")) {
    l->check_known({"sink", "path", "ident", "levels"});
    cfg.log.sink = l->get_string("sink", cfg.log.sink);
    cfg.log.levels = l->get_string("levels", "");
    auto settings = log::parse_settings(cfg.log.sink, l->get_string("path", ""), l->get_string("ident", ""),
                                        cfg.log.levels);
    if (settings) cfg.log.settings = std::move(*settings);
    else l->error(settings.error().first, settings.error().second);
  }
  std::map<std::string, int> lines;  // path -> line, for cross-field errors
  for (const node& g : c.groups("gateways")) {
    cfg.gateways.push_back(load_gateway(g));
    lines[fmt::format("gateways.[{}]", cfg.gateways.size() - 1)] = g.line();
  }
  for (const node& t : c.groups("trunk_groups")) {
    cfg.trunk_groups.push_back(load_trunk_group(t));
    lines[fmt::format("trunk_groups.[{}]", cfg.trunk_groups.size() - 1)] = t.line();
  }
  for (const node& n : c.groups("normalise")) {
    n.check_known({"prefix", "pattern", "strip", "prepend"});
    normalise_rule r;
    load_match(n, r.kind, r.match);
    r.edit = load_edit(n, "strip", "prepend");
    cfg.normalise.push_back(std::move(r));
  }
  for (const node& r : c.groups("routes")) {
    cfg.routes.push_back(load_route(r));
    lines[fmt::format("routes.[{}]", cfg.routes.size() - 1)] = r.line();
  }
  config_errors errors = doc.errors();
  for (auto e : validate(cfg)) {
    // validate() names paths relative to "callagent"; add the line where we know it.
    const auto dot = e.path.find('.', e.path.find(']'));
    const std::string owner = dot == std::string::npos ? e.path : e.path.substr(0, dot);
    if (auto it = lines.find(owner); it != lines.end()) e.line = it->second;
    e.path = "callagent." + e.path;
    errors.push_back(std::move(e));
  }
  if (!errors.empty()) return make_unexpected(std::move(errors));
  return cfg;
}

}  // namespace

config_errors validate(const ca_config& cfg) {
  config_errors errors;
  auto add = [&](std::string path, std::string message) {
    errors.push_back(config::config_error{std::move(path), 0, std::move(message)});
  };
  std::set<std::string> gateways;
  for (std::size_t i = 0; i < cfg.gateways.size(); ++i) {
    if (!gateways.insert(cfg.gateways[i].name).second)
      add(fmt::format("gateways.[{}].name", i), fmt::format("duplicate gateway \"{}\"", cfg.gateways[i].name));
  }
  std::set<std::string> groups;
  std::set<std::tuple<std::string, unsigned, unsigned>> circuits;
  for (std::size_t i = 0; i < cfg.trunk_groups.size(); ++i) {
    const auto& t = cfg.trunk_groups[i];
    if (!groups.insert(t.name).second)
      add(fmt::format("trunk_groups.[{}].name", i), fmt::format("duplicate trunk group \"{}\"", t.name));
    if (!gateways.contains(t.gateway))
      add(fmt::format("trunk_groups.[{}].gateway", i), fmt::format("unknown gateway \"{}\"", t.gateway));
    for (std::size_t s = 0; s < t.spans.size(); ++s)
      for (unsigned ch : t.spans[s].channels)
        if (!circuits.insert({t.gateway, t.spans[s].span, ch}).second)
          add(fmt::format("trunk_groups.[{}].spans.[{}].channels", i, s),
              fmt::format("span {} channel {} of gateway \"{}\" is already in a trunk group",
                          t.spans[s].span, ch, t.gateway));
  }
  std::set<std::string> peers;
  for (std::size_t i = 0; i < cfg.sip.peers.size(); ++i)
    if (!peers.insert(cfg.sip.peers[i].name).second)
      add(fmt::format("sip.peers.[{}].name", i), fmt::format("duplicate SIP peer \"{}\"", cfg.sip.peers[i].name));
  std::set<std::string> users;
  for (std::size_t i = 0; i < cfg.sip.users.size(); ++i)
    if (!users.insert(cfg.sip.users[i].name).second)
      add(fmt::format("sip.users.[{}].name", i), fmt::format("duplicate SIP user \"{}\"", cfg.sip.users[i].name));
  static const std::set<std::string> known_codecs{"PCMA", "PCMU", "G729", "G723", "G722", "G726-32", "GSM"};
  for (std::size_t i = 0; i < cfg.routes.size(); ++i) {
    const auto& r = cfg.routes[i];
    for (std::size_t t = 0; t < r.targets.size(); ++t)
      if (r.targets[t].kind == target_kind::trunk_group && !groups.contains(r.targets[t].name))
        add(fmt::format("routes.[{}].targets.[{}].trunk_group", i, t),
            fmt::format("unknown trunk group \"{}\"", r.targets[t].name));
      else if (r.targets[t].kind == target_kind::sip_peer && !peers.contains(r.targets[t].name))
        add(fmt::format("routes.[{}].targets.[{}].sip_peer", i, t),
            fmt::format("unknown SIP peer \"{}\" (sip.peers)", r.targets[t].name));
      else if (r.targets[t].kind == target_kind::user && !users.contains(r.targets[t].name))
        add(fmt::format("routes.[{}].targets.[{}].user", i, t),
            fmt::format("unknown SIP user \"{}\" (sip.users)", r.targets[t].name));
    for (std::size_t c = 0; c < r.codecs.size(); ++c)
      if (!known_codecs.contains(r.codecs[c]))
        add(fmt::format("routes.[{}].codecs.[{}]", i, c),
            fmt::format("unknown codec \"{}\" (PCMA, PCMU, G729, G723, G722, G726-32, GSM)", r.codecs[c]));
  }
  return errors;
}

expected<ca_config, config_errors> load_ca_config_file(const std::string& path) {
  auto doc = config::document::load_file(path);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc);
}

expected<ca_config, config_errors> load_ca_config_string(std::string_view text) {
  auto doc = config::document::load_string(text);
  if (!doc) return make_unexpected(doc.error());
  return load(*doc);
}

}  // namespace tandem::callagent
