/// AuditEndpoint, AuditConnection (RFC 3435 §2.3.10, §2.3.11) and EndpointConfiguration
/// (§2.3.2).
#include <fmt/format.h>

#include "gateway/mgcp/agent.hpp"
#include "gateway/mgcp/packages.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;
using code = m::parameter_code;
using m::detail::iequals;

namespace {

/// RFC 3435 §3.2.2 MaxMGCPDatagram: what we accept (the transport's receive buffer).
constexpr std::uint32_t max_datagram = 4000;

m::local_connection_options options_of(const connection& c) {
  m::local_connection_options o;
  for (const auto& codec : c.media.codecs) o.codecs.push_back(codec.encoding);
  const auto p = static_cast<std::uint32_t>(c.media.ptime.count());
  o.packetization_ms = m::value_range{p, p};
  o.echo_cancellation = c.media.echo_cancellation;
  o.silence_suppression = c.media.silence_suppression;
  o.type_of_service = c.media.type_of_service;
  return o;
}

}  // namespace

std::vector<m::capability_set> agent::capability_lines() const {
  // RFC 3435 §2.3.10: one A: line per codec, each with what goes with it.
  std::vector<m::capability_set> out;
  for (const auto& c : caps_) {
    m::capability_set a;
    a.codecs.push_back(c.encoding);
    a.packetization_ms = m::value_range{static_cast<std::uint32_t>(c.min_ptime.count()),
                                        static_cast<std::uint32_t>(c.max_ptime.count())};
    a.bandwidth_kbps = m::value_range{c.bit_rate_kbps, c.bit_rate_kbps};
    a.echo_cancellation = true;
    a.silence_suppression = c.has_vad;
    a.network_types.push_back("IN");
    for (const auto& p : supported_packages()) a.packages.emplace_back(p.name);
    using k = m::connection_mode_kind;
    for (auto mode : {k::sendonly, k::recvonly, k::sendrecv, k::inactive, k::loopback, k::conttest, k::netwloop,
                      k::netwtest, k::confrnce})
      a.modes.push_back(m::connection_mode{mode, {}});
    out.push_back(std::move(a));
  }
  return out;
}

m::response agent::auep(const m::command& cmd) {
  auto resolved = resolve(cmd.endpoint, wildcards::all_of);
  if (!resolved) return reject(cmd, resolved.error());
  if (cmd.endpoint.has_wildcard()) {
    // RFC 3435 §2.3.10: a wildcard audit lists the endpoints (Z:), nothing else.
    if (resolved->size() > config_.max_audit_endpoints)
      return reject(cmd, {failure::too_many_endpoints, "too many endpoints"});
    m::response r = ok(cmd);
    for (const endpoint* e : *resolved) r.params.specific_endpoints.push_back(name_of(e->address));
    return r;
  }
  const endpoint& e = *resolved->front();
  const auto requested = cmd.params.info.value_or(m::requested_info{});
  for (auto c : requested.codes) {
    switch (c) {
      case code::requested_events: case code::digit_map: case code::signal_requests: case code::request_id:
      case code::quarantine_handling: case code::notified_entity: case code::connection_id:
      case code::detect_events: case code::observed_events: case code::event_states:
      case code::bearer_information: case code::restart_method: case code::restart_delay:
      case code::reason_code: case code::max_mgcp_datagram: case code::capabilities: case code::package_list:
        break;
      default:
        return reject(cmd, {failure::unexpected_parameter, fmt::format("F: {} is not audited by AUEP", m::code_text(c))});
    }
  }
  if (!requested.extensions.empty()) return reject(cmd, {failure::unexpected_parameter, "F: extension not supported"});

  m::response r = ok(cmd);
  auto& p = r.params;
  const auto& n = e.notify;
  for (auto c : requested.codes) {
    switch (c) {
      case code::requested_events: p.requested_events = n.events; break;
      case code::digit_map: p.digits = n.digits.value_or(m::digit_map{}); break;
      case code::signal_requests: {
        std::vector<m::signal_request> active;
        for (const auto& s : n.signals) active.push_back(s.request);
        p.signal_requests = active;
        break;
      }
      case code::request_id: p.request = n.request; break;
      case code::quarantine_handling:
        // The defaults written out (RFC 3435 §3.2.2: process, step), so the audit says what holds.
        p.quarantine = m::quarantine_handling{n.quarantine.disposition.value_or(m::quarantine_disposition::process),
                                              n.quarantine.mode.value_or(m::quarantine_mode::step)};
        break;
      case code::notified_entity: p.notified = n.notified ? *n.notified : default_notified(); break;
      case code::connection_id:
        for (const auto& conn : e.connections) p.connections.push_back(conn.id);
        break;
      case code::detect_events: p.detect_events = n.detect; break;
      case code::observed_events: p.observed_events = n.observed; break;
      // Trunk endpoints keep no event state (no hook, no line state): an empty ES:.
      case code::event_states: p.event_states = std::vector<m::observed_event>{}; break;
      case code::bearer_information:
        if (e.address.is_bearer()) {
          // Until EPCF says otherwise, the span's own law: A-law on E1, µ-law on T1 (G.711).
          const auto law = e.address.kind == endpoint_kind::t1 ? m::bearer_encoding::mu_law : m::bearer_encoding::a_law;
          p.bearer = m::bearer_information{e.bearer.value_or(law), {}};
        }
        break;
      case code::restart_method: p.restart = e.last_restart; break;
      case code::restart_delay: p.restart_delay_s = e.last_restart_delay_s; break;
      case code::reason_code: p.reason = e.last_reason; break;
      case code::max_mgcp_datagram: p.max_datagram = max_datagram; break;
      case code::capabilities: p.capabilities = capability_lines(); break;
      case code::package_list: {
        std::vector<m::package_version> list;
        for (const auto& pkg : supported_packages()) list.push_back({std::string(pkg.name), pkg.version});
        p.packages = list;
        break;
      }
      default: break;
    }
  }
  return r;
}

m::response agent::aucx(const m::command& cmd) {
  const auto& params = cmd.params;
  if (params.connections.empty()) return reject(cmd, {failure::missing_connection_id, "I: missing"});
  auto resolved = resolve(cmd.endpoint, wildcards::none);
  if (!resolved) return reject(cmd, resolved.error());
  const endpoint& e = *resolved->front();
  const connection* c = e.find(params.connections.front());
  if (c == nullptr) return reject(cmd, {failure::unknown_connection, "no such connection"});
  const auto requested = params.info.value_or(m::requested_info{});
  for (auto k : requested.codes) {
    switch (k) {
      case code::call_id: case code::notified_entity: case code::local_connection_options:
      case code::connection_mode: case code::remote_connection_descriptor: case code::local_connection_descriptor:
      case code::connection_parameters:
        break;
      default:
        return reject(cmd, {failure::unexpected_parameter, fmt::format("F: {} is not audited by AUCX", m::code_text(k))});
    }
  }
  if (!requested.extensions.empty()) return reject(cmd, {failure::unexpected_parameter, "F: extension not supported"});
  m::response r = ok(cmd);
  auto& p = r.params;
  bool want_lc = false, want_rc = false;
  for (auto k : requested.codes) {
    switch (k) {
      case code::call_id: p.call = c->call; break;
      case code::notified_entity: p.notified = c->notified ? *c->notified : default_notified(); break;
      case code::local_connection_options: p.options = options_of(*c); break;
      case code::connection_mode: p.mode = c->mode; break;
      case code::connection_parameters: p.connection_stats = media_.statistics({e.address, c->id}); break;
      case code::local_connection_descriptor: want_lc = true; break;
      case code::remote_connection_descriptor: want_rc = true; break;
      default: break;
    }
  }
  // RFC 3435 §2.3.11: LocalConnectionDescriptor first, then the remote one.
  if (want_lc && !c->local_sdp.empty()) r.sessions.push_back(c->local_sdp);
  if (want_rc && c->remote_sdp) r.sessions.push_back(*c->remote_sdp);
  return r;
}

m::response agent::epcf(const m::command& cmd) {
  if (!cmd.params.bearer || !cmd.params.bearer->encoding)
    return reject(cmd, {failure::missing_bearer, "B: e: missing"});
  auto resolved = resolve(cmd.endpoint, wildcards::all_of);
  if (!resolved) return reject(cmd, resolved.error());
  for (const endpoint* e : *resolved)
    if (!e->address.is_bearer())
      return reject(cmd, {failure::bearer_not_applicable, "a virtual endpoint has no bearer"});
  for (endpoint* e : *resolved) {
    e->bearer = cmd.params.bearer->encoding;
    media_.set_bearer_encoding(e->address, *e->bearer);
  }
  return ok(cmd);
}

}  // namespace tandem::gateway::mgcp
