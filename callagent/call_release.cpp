/// Clearing: DISCONNECT / RELEASE on both sides (Q.931 §5.3), DLCX on both gateways with the
/// P: statistics kept for the record (RFC 3435 §2.3.7), the record written once every leg is
/// done.
#include <fmt/format.h>

#include "callagent/call_agent.hpp"
#include "callagent/link_port.hpp"

namespace tandem::callagent {

void call_agent::on_disconnect(link_port& port, q931_call_ref ref, cause why) {
  auto k = find_leg(port, ref);
  if (!k) {
    // Q.931 §5.3.3: answer a DISCONNECT even for a call we no longer know.
    counters_.get("q931.unknown_ref").add();
    orphans_.erase({port.gateway, port.span, ref.value()});
    port.link.release(ref, why);
    return;
  }
  call& c = *find(k->call);
  port.link.release(ref, why);
  leg_signalling_gone(c, k->leg, leg_event::disconnect_received);
  if (c.state == call_state::releasing || !is_current(c, k->leg)) return check_done(k->call);
  log_->info("call {}: DISCONNECT from the {} side, cause {} ({})", c.mgcp_call, k->leg == 0 ? "calling" : "called",
             to_int(why), to_string(why));
  if (k->leg == 0) return clear_call(k->call, why, released_by::caller);
  if (c.state == call_state::setting_up && is_congestion(why))
    return attempt_failed(k->call, why, why == cause::requested_channel_not_available);
  clear_call(k->call, why, released_by::callee);
}

void call_agent::on_release(link_port& port, q931_call_ref ref, cause why) {
  auto k = find_leg(port, ref);
  if (!k) {
    if (orphans_.erase({port.gateway, port.span, ref.value()}) == 0) counters_.get("q931.unknown_ref").add();
    return;
  }
  call& c = *find(k->call);
  const bool expected = c.legs[k->leg].state == leg_state::disconnecting;
  leg_signalling_gone(c, k->leg, leg_event::release_received);
  if (expected || c.state == call_state::releasing || !is_current(c, k->leg)) return check_done(k->call);
  // RELEASE (COMPLETE) without our DISCONNECT: the far end refused or aborted the call.
  log_->info("call {}: RELEASE from the {} side, cause {} ({})", c.mgcp_call, k->leg == 0 ? "calling" : "called",
             to_int(why), to_string(why));
  if (k->leg == 0) return clear_call(k->call, why, released_by::caller);
  if (c.state == call_state::setting_up && is_congestion(why))
    return attempt_failed(k->call, why,
                          why == cause::requested_channel_not_available || why == cause::no_circuit_available);
  clear_call(k->call, why, released_by::callee);
}

void call_agent::leg_signalling_gone(call& c, std::size_t leg, leg_event event) {
  pri_leg& l = c.legs[leg];
  refs_.erase({l.gateway, l.span, l.ref.value()});
  leg_event_on(c, leg, event);
}

void call_agent::release_all(cause why) {
  for (call_ref id : call_ids()) clear_call(id, why, released_by::call_agent);
}

void call_agent::clear_call(call_ref id, cause why, released_by who) {
  call* c = find(id);
  if (c == nullptr || c->state == call_state::releasing) return;
  log_->info("call {}: clearing, cause {} ({}), released by {}", c->mgcp_call, to_int(why), to_string(why),
             to_string(who));
  call_transition(*c, call_event::clear);
  c->release_cause = why;
  c->released_by = who;
  c->release = wall_();
  c->term.reset();
  if (c->no_answer) {
    timers_.cancel(*c->no_answer);
    c->no_answer.reset();
  }
  for (std::size_t i = 0; i < c->legs.size(); ++i) drop_leg(*c, i, why);
  check_done(id);
}

void call_agent::drop_leg(call& c, std::size_t leg, cause why) {
  pri_leg& l = c.legs[leg];
  if (l.kind == leg_kind::sip) return hangup_sip_leg(c, leg, why);
  if (l.signalling() && l.state != leg_state::disconnecting) {
    link_port* port = port_of(l.gateway, l.span);
    if (port != nullptr && port->up) {
      port->link.disconnect(l.ref, why);
      leg_event_on(c, leg, leg_event::disconnect_sent);
    } else {
      leg_signalling_gone(c, leg, leg_event::link_lost);
    }
  }
  delete_connection(c, leg);
}

void call_agent::delete_connection(call& c, std::size_t leg) {
  pri_leg& l = c.legs[leg];
  // A connection still being created is deleted when its CRCX answer comes.
  if (l.connection != connection_state::active) return;
  gateway* gw = find_gateway(l.gateway);
  if (gw == nullptr || !gw->reachable()) {
    l.connection = connection_state::none;
    return;
  }
  l.connection = connection_state::deleting;
  const call_ref id = c.id;
  send_mgcp(l.gateway, connection_command(mgcp::verb::dlcx, c, l), [this, id, leg](const mgcp_result& r) {
    call* cc = find(id);
    if (cc == nullptr) return;
    pri_leg& ll = cc->legs[leg];
    if (r && r->params.connection_stats) ll.stats = *r->params.connection_stats;
    if (!r || !mgcp::is_success(r->code)) {
      counters_.get("bearer.dlcx_failed").add();
      log_->warn("call {}: DLCX {} on {}@{} failed ({})", cc->mgcp_call, ll.connection_id, ll.endpoint, ll.gateway,
                 r ? std::to_string(mgcp::to_int(r->code)) : std::string(to_string(r.error())));
    }
    ll.connection = connection_state::none;
    check_done(id);
  });
}

void call_agent::check_done(call_ref id) {
  call* c = find(id);
  if (c == nullptr) return;
  bool all_done = true;
  for (const pri_leg& l : c->legs) {
    if (!l.signalling() && l.connection == connection_state::none) {
      // no-op when freed before or taken over (glare)
      if (l.kind == leg_kind::pri) circuits_.free(l.circuit, c->id);
    } else {
      all_done = false;
    }
  }
  if (c->state != call_state::releasing || !all_done) return;
  write_record(*c);
  counters_.get("calls.ended").add();
  log_->info("call {}: ended", c->mgcp_call);
  calls_.erase(id);
}

void call_agent::write_record(const call& c) {
  if (cdr_ == nullptr) return;
  cdr_record r;
  r.record = c.id.value();
  r.call_id = c.mgcp_call.value();
  r.calling = c.calling;
  r.called = c.called;
  r.called_out = c.called_out;
  r.route = c.route != nullptr ? c.route->name : "";
  auto leg_of = [this](const pri_leg& l) {
    cdr_leg out;
    if (l.kind == leg_kind::sip) {
      out.kind = "sip";
      out.endpoint = l.endpoint;
      return out;
    }
    out.kind = "pri";
    out.gateway = l.gateway;
    out.endpoint = mgcp::to_string(endpoint_of(l.gateway, l.endpoint));
    out.connection = l.connection_id.value();
    out.stats = l.stats;
    return out;
  };
  r.originating = leg_of(c.legs[0]);
  // The last attempt toward the called side is the one the record shows.
  if (c.legs.size() > 1) r.terminating = leg_of(c.legs.back());
  r.codec = c.codec_name;
  r.seizure = c.seizure;
  r.alerting = c.alerting;
  r.answer = c.answer;
  r.release = c.release.value_or(wall_());
  r.cause = to_int(c.release_cause.value_or(cause::normal_clearing));
  r.released_by = c.released_by;
  cdr_->write(r);
}

}  // namespace tandem::callagent
