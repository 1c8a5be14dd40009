/// DeleteConnection, from the call agent (RFC 3435 §2.3.7, §2.3.9) and from the gateway
/// (§2.3.8).
#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;
using m::detail::iequals;

m::connection_parameters agent::drop_connection(endpoint& e, const m::connection_id& id) {
  connection* c = e.find(id);
  if (c == nullptr) return {};
  auto stats = media_.delete_connection({e.address, c->id});
  if (c->joined) {
    // The other half of a Z2 pair stays, but is no longer bridged to this one.
    auto partner = endpoints_.find(c->joined->endpoint);
    if (partner != endpoints_.end())
      if (connection* other = partner->second.find(c->joined->id)) other->joined.reset();
  }
  std::erase_if(e.connections, [&](const connection& x) { return iequals(x.id.value(), id.value()); });
  if (e.connections.empty() && e.state == endpoint_state::connected) set_state(e, endpoint_state::idle);
  counters_.get("connections.deleted").add();
  return stats;
}

m::response agent::dlcx(const m::command& cmd) {
  const auto& p = cmd.params;
  auto resolved = resolve(cmd.endpoint, wildcards::all_of);
  if (!resolved) return reject(cmd, resolved.error());
  const bool wildcard = cmd.endpoint.has_wildcard();
  const bool has_request = p.request || p.requested_events || p.signal_requests || p.digits;
  if (wildcard && (!p.connections.empty() || has_request))
    return reject(cmd, {failure::unexpected_parameter, "I:, X:, R:, S: need one endpoint"});

  // Validate: find every connection the command designates.
  std::vector<std::pair<endpoint*, m::connection_id>> victims;
  if (!p.connections.empty()) {
    endpoint& ep = *resolved->front();
    const connection* c = ep.find(p.connections.front());
    if (c == nullptr) return reject(cmd, {failure::unknown_connection, "no such connection"});
    if (p.call && !iequals(p.call->value(), c->call.value()))
      return reject(cmd, {failure::call_id_mismatch, "C: does not match the connection's call"});
    victims.emplace_back(&ep, c->id);
  } else {
    for (endpoint* ep : *resolved)
      for (const auto& c : ep->connections)
        if (!p.call || iequals(p.call->value(), c.call.value())) victims.emplace_back(ep, c.id);
    if (p.call && victims.empty()) return reject(cmd, {failure::unknown_call, "no connection of that call"});
  }
  if (has_request) {
    if (auto ok_request = check_request(cmd, *resolved->front(), false); !ok_request)
      return reject(cmd, ok_request.error());
  }

  // ---- validated: change state ----
  m::connection_parameters last_stats;
  for (auto& [ep, id] : victims) {
    log::get("mgcp")->info("DLCX {} {}: connection {} deleted", cmd.id.value(), ep->address.local_name(), id.value());
    last_stats = drop_connection(*ep, id);
  }
  // RFC 3435 §2.3.7: 250 when connections were deleted; P: when exactly one was.
  m::response r = ok(cmd, victims.empty() ? m::return_code::ok : m::return_code::connection_deleted);
  if (victims.size() == 1) r.params.connection_stats = last_stats;
  if (has_request) apply_request(*resolved->front(), cmd, std::nullopt);
  return r;
}

bool agent::delete_connection(const endpoint_address& a, const m::connection_id& id, m::reason_code reason) {
  auto it = endpoints_.find(a);
  if (it == endpoints_.end()) return false;
  endpoint& ep = it->second;
  const connection* c = ep.find(id);
  if (c == nullptr) return false;
  m::command cmd;
  cmd.verb = m::verb::dlcx;
  cmd.id = m::transaction_id{0};
  cmd.endpoint = name_of(a);
  cmd.params.call = c->call;
  cmd.params.connections.push_back(c->id);
  const auto to = peer_of(c->notified ? c->notified : ep.notify.notified);
  cmd.params.reason = reason;
  ep.last_reason = reason;
  cmd.params.connection_stats = drop_connection(ep, id);
  counters_.get("connections.gateway_deleted").add();
  counters_.get("tx.dlcx").add();
  log::get("mgcp")->info("DLCX to {} for {} connection {}: reason {}", to, a.local_name(), id.value(), reason.code);
  const auto txid = notifier_.send_command(to, cmd);
  outgoing_[txid.value()] = outgoing{m::verb::dlcx, a};
  return true;
}

}  // namespace tandem::gateway::mgcp
