/// Gateways: RSIP (RFC 3435 §2.3.12, §4.4), audits (§2.3.10), keep-alive, lost gateways
/// (§4.3), and the commands a gateway sends to the call agent: NTFY (§2.3.4) and DLCX (§2.3.7).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "callagent/call_agent.hpp"
#include "callagent/link_port.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::callagent {

namespace {

/// RFC 3435 §2.1.2: does the (possibly wildcarded) local name cover `local`? "*" as a term
/// covers any one term; a lone "*" covers every endpoint; "$" and ranges count as "*" here.
bool covers(std::string_view pattern, std::string_view local) {
  if (pattern == "*") return true;
  auto next = [](std::string_view& s) {
    const auto slash = s.find('/');
    std::string_view term = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash + 1);
    return term;
  };
  while (!pattern.empty() || !local.empty()) {
    if (pattern.empty() || local.empty()) return false;
    const std::string_view p = next(pattern);
    const std::string_view l = next(local);
    if (p == "*" || p == "$" || (!p.empty() && p.front() == '[')) continue;
    if (!mgcp::detail::iequals(p, l)) return false;
  }
  return true;
}

std::string_view method_name(mgcp::restart_method_kind k) {
  switch (k) {
    case mgcp::restart_method_kind::graceful: return "graceful";
    case mgcp::restart_method_kind::forced: return "forced";
    case mgcp::restart_method_kind::restart: return "restart";
    case mgcp::restart_method_kind::disconnected: return "disconnected";
    case mgcp::restart_method_kind::cancel_graceful: return "cancel_graceful";
    case mgcp::restart_method_kind::extension: return "extension";
  }
  return "?";
}

}  // namespace

gateway* call_agent::find_gateway(const mgcp::peer& p, const mgcp::endpoint_name& endpoint) {
  for (auto& [name, gw] : gateways_)
    if (mgcp::detail::iequals(gw.client.domain(), endpoint.domain.host)) return &gw;
  for (auto& [name, gw] : gateways_)
    if (gw.client.peer() == p) return &gw;
  return nullptr;
}

bool call_agent::gateway_transition(gateway& gw, gateway_event event) {
  auto next = next_state(gw.state, event);
  if (!next) {
    counters_.get("gateway.illegal_event").add();
    log_->warn("gateway {}: illegal event '{}' in state {}", gw.config.name, to_string(event), to_string(gw.state));
    return false;
  }
  log_->info("gateway {}: {} -> {} on {}", gw.config.name, to_string(gw.state), to_string(*next), to_string(event));
  gw.state = *next;
  return true;
}

void call_agent::on_gateway_command(const mgcp::peer& from, const mgcp::command& command) {
  counters_.get(fmt::format("mgcp.rx.{}", mgcp::detail::to_lower_copy(mgcp::verb_text(command.verb)))).add();
  gateway* gw = find_gateway(from, command.endpoint);
  if (command.verb == mgcp::verb::rsip && gw == nullptr) {
    // A gateway not in the configuration: known from now on (it has no trunk groups, so it
    // carries no calls until configured).
    gateway_config c;
    c.name = command.endpoint.domain.host;
    c.domain = command.endpoint.domain.host;
    c.address = from.address;
    c.port = from.port;
    gateway learnt(std::move(c), mgcp_client(mgcp_, command.endpoint.domain.host, from));
    learnt.from_config = false;
    counters_.get("gateways.learnt").add();
    log_->info("gateway {}: learnt from its RSIP ({})", learnt.config.name, from);
    gw = &gateways_.emplace(learnt.config.name, std::move(learnt)).first->second;
  }
  if (gw == nullptr) {
    counters_.get("mgcp.rx_unknown_gateway").add();
    log_->warn("mgcp: {} from unknown gateway {} ({}): 500", mgcp::verb_text(command.verb),
               mgcp::to_string(command.endpoint), from);
    return mgcp_.respond(from, command.id, mgcp::return_code::endpoint_unknown);
  }
  switch (command.verb) {
    case mgcp::verb::rsip: return handle_rsip(*gw, from, command);
    case mgcp::verb::dlcx: return handle_gateway_dlcx(*gw, from, command);
    case mgcp::verb::ntfy: return handle_ntfy(*gw, from, command);
    default:
      // RFC 3435 §2.3: a call agent receives NTFY, DLCX and RSIP only.
      counters_.get("mgcp.rx_unsupported").add();
      return mgcp_.respond(from, command.id, mgcp::return_code::unknown_command);
  }
}

void call_agent::handle_rsip(gateway& gw, const mgcp::peer& from, const mgcp::command& command) {
  const auto method = command.params.restart.value_or(mgcp::restart_method{}).kind;
  if (method == mgcp::restart_method_kind::extension) {
    counters_.get("gateways.rsip.unknown_method").add();
    return mgcp_.respond(from, command.id, mgcp::return_code::unknown_restart_method);
  }
  counters_.get(fmt::format("gateways.rsip.{}", method_name(method))).add();
  mgcp_.respond(from, command.id, mgcp::return_code::ok);
  gw.client.move_to(from);  // RFC 3435 §4.4: the RSIP's source is where the gateway is now
  const std::string name = gw.config.name;
  const auto delay = std::chrono::seconds(command.params.restart_delay_s.value_or(0));
  log_->info("gateway {}: RSIP {} on {} (RD {} s)", name, method_name(method), command.endpoint.local, delay.count());

  std::vector<circuit_index> matched;
  std::size_t total = 0;
  for (circuit_index i = 0; i < circuits_.size(); ++i) {
    if (circuits_.at(i).gateway != name) continue;
    ++total;
    if (covers(command.endpoint.local, circuits_.at(i).endpoint)) matched.push_back(i);
  }
  const bool whole = command.endpoint.local == "*" || matched.size() == total;
  if (!whole) {
    // Some endpoints only: act on their circuits and calls, the gateway stays as it is.
    std::set<call_ref> affected;
    for (circuit_index i : matched)
      if (circuits_.at(i).state == circuit_state::busy) affected.insert(circuits_.at(i).owner);
    const bool gone = method == mgcp::restart_method_kind::restart || method == mgcp::restart_method_kind::forced;
    const bool up = method == mgcp::restart_method_kind::restart ||
                    method == mgcp::restart_method_kind::disconnected ||
                    method == mgcp::restart_method_kind::cancel_graceful;
    for (circuit_index i : matched) circuits_.set_present(i, up);
    if (gone) {
      for (call_ref id : affected) {
        call* c = find(id);
        if (c == nullptr) continue;
        for (pri_leg& l : c->legs)
          if (std::find(matched.begin(), matched.end(), l.circuit) != matched.end() &&
              l.connection == connection_state::active)
            l.connection = connection_state::none;
        clear_call(id, cause::temporary_failure, released_by::gateway);
      }
    }
    return;
  }

  if (gw.pending) {
    timers_.cancel(*gw.pending);
    gw.pending.reset();
  }
  switch (method) {
    case mgcp::restart_method_kind::restart:
      // RFC 3435 §2.3.12: connections are lost; service is back after RD.
      gateway_transition(gw, gateway_event::rsip_restart);
      circuits_.set_gateway_up(name, false);
      clear_gateway_calls(name, cause::temporary_failure, true);
      gw.pending = timers_.schedule_after(delay, [this, name] {
        if (gateway* g = find_gateway(name)) g->pending.reset();
        audit_gateway(name, false);
      });
      break;
    case mgcp::restart_method_kind::disconnected:
      // RFC 3435 §4.4.6: the gateway lost us for a while; its connections may still be
      // there. Audit, then check each call's connection against what it has.
      gateway_transition(gw, gateway_event::rsip_disconnected);
      audit_gateway(name, true);
      break;
    case mgcp::restart_method_kind::forced:
      gateway_transition(gw, gateway_event::rsip_forced);
      circuits_.set_gateway_up(name, false);
      clear_gateway_calls(name, cause::temporary_failure, true);
      break;
    case mgcp::restart_method_kind::graceful: {
      // No new calls; established ones stay until the delay runs out.
      if (!gateway_transition(gw, gateway_event::rsip_graceful)) break;
      circuits_.set_gateway_up(name, false);
      const auto drain = delay.count() > 0 ? std::chrono::duration_cast<duration>(delay)
                                           : std::chrono::duration_cast<duration>(config_.timers.graceful_drain);
      gw.pending = timers_.schedule_after(drain, [this, name] {
        gateway* g = find_gateway(name);
        if (g == nullptr) return;
        g->pending.reset();
        // Calls left are cleared while the gateway still counts as reachable, so that their
        // connections are deleted properly (DLCX) before it goes out of service.
        clear_gateway_calls(name, cause::temporary_failure, false);
        gateway_transition(*g, gateway_event::drain_elapsed);
      });
      break;
    }
    case mgcp::restart_method_kind::cancel_graceful:
      if (gateway_transition(gw, gateway_event::rsip_cancel_graceful)) circuits_.set_gateway_up(name, true);
      break;
    case mgcp::restart_method_kind::extension:
      break;
  }
}

void call_agent::audit_gateway(const std::string& name, bool check_connections) {
  gateway* gw = find_gateway(name);
  if (gw == nullptr) return;
  // RFC 3435 §2.3.10: AUEP on "*" answers with the list of endpoints (Z: lines).
  mgcp::command cmd;
  cmd.verb = mgcp::verb::auep;
  cmd.endpoint = endpoint_of(name, "*");
  counters_.get("audit.sent").add();
  send_mgcp(name, std::move(cmd), [this, name, check_connections](const mgcp_result& r) {
    on_audit(name, check_connections, r);
  });
}

void call_agent::on_audit(const std::string& name, bool check_connections, const mgcp_result& r) {
  gateway* gw = find_gateway(name);
  if (gw == nullptr || !r) return;  // a timeout shows as a lost gateway
  if (mgcp::is_success(r->code) && !r->params.specific_endpoints.empty()) {
    std::set<std::string, std::less<>> listed;
    for (const auto& e : r->params.specific_endpoints) listed.insert(mgcp::detail::to_lower_copy(e.local));
    for (circuit_index i = 0; i < circuits_.size(); ++i) {
      if (circuits_.at(i).gateway != name) continue;
      const bool present = listed.contains(mgcp::detail::to_lower_copy(circuits_.at(i).endpoint));
      if (!present) {
        counters_.get("audit.endpoint_missing").add();
        log_->warn("gateway {}: audit does not list {}: circuit blocked", name, circuits_.at(i).endpoint);
      }
      circuits_.set_present(i, present);
    }
  } else {
    // A gateway that will not list its endpoints (503 "too complicated", or no Z: lines):
    // trust the configuration.
    if (!mgcp::is_success(r->code)) counters_.get("audit.wildcard_refused").add();
    for (circuit_index i = 0; i < circuits_.size(); ++i)
      if (circuits_.at(i).gateway == name) circuits_.set_present(i, true);
  }
  if (gw->state == gateway_state::restarting || gw->state == gateway_state::unknown ||
      gw->state == gateway_state::disconnected) {
    if (gateway_transition(*gw, gateway_event::audit_done)) circuits_.set_gateway_up(name, true);
  }
  if (check_connections) audit_connections(name);
}

void call_agent::audit_connections(const std::string& name) {
  // RFC 3435 §2.3.10: AUEP with F: I lists the endpoint's connections; a call whose
  // connection the gateway no longer has is cleared.
  for (auto& [id, c] : calls_) {
    if (c.state == call_state::releasing) continue;
    for (std::size_t leg = 0; leg < c.legs.size(); ++leg) {
      const pri_leg& l = c.legs[leg];
      if (l.gateway != name || l.connection != connection_state::active) continue;
      mgcp::command cmd;
      cmd.verb = mgcp::verb::auep;
      cmd.endpoint = endpoint_of(name, l.endpoint);
      cmd.params.info = mgcp::requested_info{{mgcp::parameter_code::connection_id}, {}};
      const call_ref cid = id;
      const mgcp::connection_id conn = l.connection_id;
      send_mgcp(name, std::move(cmd), [this, cid, leg, conn](const mgcp_result& r) {
        if (!r || !mgcp::is_success(r->code)) return;
        const auto& have = r->params.connections;
        if (std::find(have.begin(), have.end(), conn) != have.end()) return;
        call* cc = find(cid);
        if (cc == nullptr || cc->state == call_state::releasing) return;
        counters_.get("audit.connection_missing").add();
        log_->warn("call {}: gateway no longer has connection {}: clearing", cc->mgcp_call, conn);
        if (cc->legs[leg].connection == connection_state::active) cc->legs[leg].connection = connection_state::none;
        clear_call(cid, cause::temporary_failure, released_by::gateway);
      });
    }
  }
}

void call_agent::schedule_keepalive(gateway& gw) {
  if (gw.config.keepalive.count() <= 0) return;
  const std::string name = gw.config.name;
  gw.keepalive = timers_.schedule_after(gw.config.keepalive, [this, name] { on_keepalive(name); });
}

void call_agent::on_keepalive(const std::string& name) {
  gateway* gw = find_gateway(name);
  if (gw == nullptr) return;
  gw->keepalive.reset();
  // An AUEP on one endpoint: cheap, and a lost gateway shows by Max2 (RFC 3435 §4.3); the
  // first answer from a lost one brings it back (on_gateway_back).
  std::string local = "*";
  for (circuit_index i = 0; i < circuits_.size(); ++i)
    if (circuits_.at(i).gateway == name) {
      local = circuits_.at(i).endpoint;
      break;
    }
  mgcp::command cmd;
  cmd.verb = mgcp::verb::auep;
  cmd.endpoint = endpoint_of(name, local);
  counters_.get("keepalive.sent").add();
  send_mgcp(name, std::move(cmd), [this, name](const mgcp_result& r) {
    if (!r) counters_.get("keepalive.failed").add();
  });
  schedule_keepalive(*gw);
}

void call_agent::on_gateway_lost(const mgcp::peer& p) {
  for (auto& [name, gw] : gateways_) {
    if (gw.client.peer() != p) continue;
    if (gw.state == gateway_state::disconnected || gw.state == gateway_state::out_of_service) continue;
    counters_.get("gateways.lost").add();
    log_->error("gateway {} ({}): not answering: circuits blocked, calls cleared", name, p);
    if (gw.pending) {
      timers_.cancel(*gw.pending);
      gw.pending.reset();
    }
    gateway_transition(gw, gateway_event::lost);
    circuits_.set_gateway_up(name, false);
    clear_gateway_calls(name, cause::network_out_of_order, true);
  }
}

void call_agent::on_gateway_back(const mgcp::peer& p) {
  for (auto& [name, gw] : gateways_) {
    if (gw.client.peer() != p || gw.state != gateway_state::disconnected) continue;
    counters_.get("gateways.back").add();
    log_->info("gateway {} ({}): answering again: auditing", name, p);
    gateway_transition(gw, gateway_event::back);
    audit_gateway(name, true);
  }
}

void call_agent::clear_gateway_calls(const std::string& name, cause why, bool connections_gone) {
  std::vector<call_ref> affected;
  for (auto& [id, c] : calls_) {
    bool here = false;
    for (pri_leg& l : c.legs) {
      if (l.gateway != name) continue;
      here = true;
      // Connections lost with the gateway need no DLCX (it would only be retransmitted).
      if (connections_gone && l.connection == connection_state::active) l.connection = connection_state::none;
    }
    if (here) affected.push_back(id);
  }
  for (call_ref id : affected) {
    clear_call(id, why, released_by::gateway);
    check_done(id);
  }
}

void call_agent::handle_gateway_dlcx(gateway& gw, const mgcp::peer& from, const mgcp::command& command) {
  // RFC 3435 §2.3.7: the gateway deleted a connection itself (E: says why, P: the stats).
  const mgcp::connection_id* conn = command.params.connections.empty() ? nullptr : &command.params.connections.front();
  for (auto& [id, c] : calls_) {
    for (std::size_t leg = 0; leg < c.legs.size(); ++leg) {
      pri_leg& l = c.legs[leg];
      if (l.gateway != gw.config.name || l.connection != connection_state::active) continue;
      if (conn != nullptr ? !(l.connection_id == *conn)
                          : !mgcp::detail::iequals(l.endpoint, command.endpoint.local))
        continue;
      mgcp_.respond(from, command.id, mgcp::return_code::ok);
      if (command.params.connection_stats) l.stats = *command.params.connection_stats;
      l.connection = connection_state::none;
      const auto reason = command.params.reason.value_or(mgcp::reason_code{});
      log_->warn("call {}: gateway deleted connection {} on {} (reason {} {})", c.mgcp_call, l.connection_id,
                 l.endpoint, reason.code, reason.text);
      const call_ref cid = id;
      clear_call(cid, cause::temporary_failure, released_by::gateway);
      check_done(cid);
      return;
    }
  }
  counters_.get("mgcp.rx_dlcx_unknown").add();
  mgcp_.respond(from, command.id, mgcp::return_code::incorrect_connection_id);
}

void call_agent::handle_ntfy(gateway& gw, const mgcp::peer& from, const mgcp::command& command) {
  // RFC 3435 §2.3.4: answer the notification. The trunking call agent requests no events
  // today, so the events are only logged.
  if (!circuits_.find_endpoint(gw.config.name, command.endpoint.local) && command.endpoint.local != "*") {
    counters_.get("mgcp.rx_ntfy_unknown_endpoint").add();
    return mgcp_.respond(from, command.id, mgcp::return_code::endpoint_unknown);
  }
  std::string events;
  if (command.params.observed_events) mgcp::append(events, *command.params.observed_events);
  log_->info("gateway {}: NTFY {} O: {}", gw.config.name, command.endpoint.local, events);
  mgcp_.respond(from, command.id, mgcp::return_code::ok);
}

}  // namespace tandem::callagent
