#include "callagent/app/config_dump.hpp"

#include <fmt/format.h>

namespace tandem::callagent::app {

namespace {

std::string_view hunting_name(hunting h) {
  switch (h) {
    case hunting::ascending: return "ascending";
    case hunting::descending: return "descending";
    case hunting::round_robin: return "round_robin";
    case hunting::least_used: return "least_used";
  }
  return "ascending";
}

/// "1-15,17-31" from the channel list, runs collapsed.
std::string channel_list(const std::vector<unsigned>& channels) {
  std::string out;
  for (std::size_t i = 0; i < channels.size();) {
    std::size_t j = i;
    while (j + 1 < channels.size() && channels[j + 1] == channels[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j > i ? fmt::format("{}-{}", channels[i], channels[j]) : fmt::format("{}", channels[i]);
    i = j + 1;
  }
  return out;
}

std::string match_of(match_kind k, const std::string& m) {
  return fmt::format("{} = \"{}\";", k == match_kind::prefix ? "prefix" : "pattern", m);
}

std::string target_of(const route_target& t) {
  std::string_view key = t.kind == target_kind::trunk_group ? "trunk_group"
                         : t.kind == target_kind::sip_peer  ? "sip_peer"
                                                            : "user";
  return fmt::format("{{ {} = \"{}\"; }}", key, t.name);
}

template <class T, class F>
std::string joined(const std::vector<T>& items, F&& f, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += f(items[i]);
  }
  return out;
}

}  // namespace

std::string dump_config(const ca_config& c) {
  std::string out = "callagent = {\n";
  out += fmt::format("  notified_entity = \"{}\";\n", c.notified_entity);
  out += fmt::format("  mgcp_address = \"{}\";\n  mgcp_port = {};\n", c.mgcp_address, c.mgcp_port);
  out += fmt::format("  backhaul = {{ address = \"{}\"; port = {}; }};\n", c.backhaul.address, c.backhaul.port);
  out += fmt::format("  cdr = {{ path = \"{}\"; fsync = {}; }};\n", c.cdr.path, c.cdr.fsync ? "true" : "false");
  out += fmt::format("  timers = {{ no_answer_ms = {}; graceful_drain_ms = {}; }};\n", c.timers.no_answer.count(),
                     c.timers.graceful_drain.count());
  out += "  gateways = (\n";
  out += joined(c.gateways, [](const gateway_config& g) {
    return fmt::format("    {{ name = \"{}\"; address = \"{}\"; port = {}; domain = \"{}\"; endpoint_pattern = \"{}\"; "
                       "keepalive_ms = {}; }}",
                       g.name, g.address, g.port, g.domain, g.endpoint_pattern, g.keepalive.count());
  }, ",\n");
  out += "\n  );\n  trunk_groups = (\n";
  out += joined(c.trunk_groups, [](const trunk_group_config& t) {
    std::string spans = joined(t.spans, [](const span_channels& s) {
      return fmt::format("{{ span = {}; channels = \"{}\"; }}", s.span, channel_list(s.channels));
    }, ", ");
    return fmt::format("    {{ name = \"{}\"; gateway = \"{}\"; hunting = \"{}\"; signalling = \"{}\"; switch_type = \"{}\";\n"
                       "      spans = ( {} ); }}",
                       t.name, t.gateway, hunting_name(t.hunting), t.signalling == trunk_signalling::pri ? "pri" : "none",
                       isdn::to_string(t.switch_kind), spans);
  }, ",\n");
  out += "\n  );\n  normalise = (\n";
  out += joined(c.normalise, [](const normalise_rule& n) {
    return fmt::format("    {{ {} strip = {}; prepend = \"{}\"; }}", match_of(n.kind, n.match), n.edit.strip,
                       n.edit.prepend);
  }, ",\n");
  out += "\n  );\n  routes = (\n";
  out += joined(c.routes, [](const route_config& r) {
    std::string codecs = joined(r.codecs, [](const std::string& s) { return fmt::format("\"{}\"", s); }, ", ");
    std::string targets = joined(r.targets, target_of, ", ");
    return fmt::format("    {{ name = \"{}\"; {} strip = {}; prepend = \"{}\"; calling_strip = {}; calling_prepend = \"{}\";\n"
                       "      codecs = [ {} ]; targets = ( {} ); }}",
                       r.name, match_of(r.kind, r.match), r.called.strip, r.called.prepend, r.calling.strip,
                       r.calling.prepend, codecs, targets);
  }, ",\n");
  out += "\n  );\n";
  if (c.sip.enabled) {
    const sip_config& s = c.sip;
    out += fmt::format("  sip = {{ address = \"{}\"; port = {}; realm = \"{}\"; options_interval_ms = {}; "
                       "max_expires_s = {};\n    peers = (\n",
                       s.address, s.port, s.realm, s.options_interval.count(), s.max_expires.count());
    out += joined(s.peers, [](const sip_peer_config& p) {
      return fmt::format("      {{ name = \"{}\"; host = \"{}\"; port = {}; transport = \"{}\"; keepalive = {}; }}", p.name,
                         p.host, p.port, p.transport, p.keepalive ? "true" : "false");
    }, ",\n");
    // Passwords are not printed back.
    out += "\n    );\n    users = (\n";
    out += joined(s.users, [](const sip_user_config& u) {
      return fmt::format("      {{ name = \"{}\"; password = \"***\"; }}", u.name);
    }, ",\n");
    out += "\n    );\n  };\n";
  }
  if (const auto& m = c.ops.metrics)
    out += fmt::format("  metrics = {{ address = \"{}\"; port = {}; max_request_bytes = {}; timeout_ms = {}; "
                       "max_connections = {}; }};\n",
                       m->address, m->port, m->max_request_bytes, m->timeout.count(), m->max_connections);
  if (const auto& k = c.ops.control)
    out += fmt::format("  control = {{ socket = \"{}\"; mode = \"{:04o}\"; max_line = {}; max_clients = {}; }};\n",
                       k->path, k->mode, k->max_line, k->max_clients);
  out += fmt::format("  log = {{ sink = \"{}\";", c.log.sink);
  if (!c.log.settings.path.empty()) out += fmt::format(" path = \"{}\";", c.log.settings.path);
  if (!c.log.settings.ident.empty()) out += fmt::format(" ident = \"{}\";", c.log.settings.ident);
  if (!c.log.levels.empty()) out += fmt::format(" levels = \"{}\";", c.log.levels);
  out += " };\n";
  out += "};\n";
  return out;
}

}  // namespace tandem::callagent::app
