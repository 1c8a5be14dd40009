/// Call setup: incoming SETUP, routing, bearer creation on both sides, codec fallback, route
/// advance, glare, and the far side's progress (CALL PROCEEDING, ALERTING, PROGRESS, CONNECT).
#include <fmt/format.h>

#include "callagent/call_agent.hpp"
#include "callagent/link_port.hpp"
#include "callagent/number_rule.hpp"
#include "proto/sdp/session.hpp"

namespace tandem::callagent {

namespace {

/// RFC 3435 §2.4 codes that say the gateway cannot do the offered codec or packetization.
bool is_codec_refusal(mgcp::return_code code) {
  using rc = mgcp::return_code;
  return code == rc::codec_negotiation_failure || code == rc::unsupported_remote_descriptor ||
         code == rc::options_and_descriptor_conflict || code == rc::options_unsupported_value ||
         code == rc::packetization_not_supported;
}

/// The Q.850 cause a failed MGCP command stands for.
cause cause_for(mgcp::return_code code) {
  using rc = mgcp::return_code;
  switch (code) {
    case rc::no_endpoint_available:
      return cause::no_circuit_available;
    case rc::insufficient_resources_now:
    case rc::insufficient_bandwidth_now:
    case rc::insufficient_resources:
    case rc::insufficient_bandwidth:
    case rc::connection_limit_exceeded:
      return cause::resources_unavailable;
    case rc::endpoint_unknown:
    case rc::endpoint_not_ready:
    case rc::endpoint_restarting:
    case rc::endpoint_restarting_permanent:
      return cause::requested_channel_not_available;
    default:
      return cause::temporary_failure;
  }
}

}  // namespace

std::string codec_of(std::string_view sdp_text, const std::string& offered) {
  auto s = sdp::parse(sdp_text);
  if (!s || s->media.empty() || s->media.front().formats.empty()) return offered;
  const auto& m = s->media.front();
  const std::string& pt = m.formats.front();
  for (const auto& r : m.rtpmaps)
    if (std::to_string(r.payload_type) == pt) return r.encoding;
  // RFC 3551 static payload types.
  if (pt == "0") return "PCMU";
  if (pt == "8") return "PCMA";
  if (pt == "4") return "G723";
  if (pt == "9") return "G722";
  if (pt == "18") return "G729";
  if (pt == "3") return "GSM";
  return offered;
}

void call_agent::on_link_up(link_port& port) {
  port.up = true;
  counters_.get("q931.link_up").add();
  log_->info("q931 {} span {}: link up", port.gateway, port.span);
  circuits_.set_link_up(port.gateway, port.span, true);
}

void call_agent::on_link_down(link_port& port) {
  port.up = false;
  counters_.get("q931.link_down").add();
  log_->warn("q931 {} span {}: link down", port.gateway, port.span);
  circuits_.set_link_up(port.gateway, port.span, false);
  // The link dropped every call reference on it: those legs are gone, their calls cleared.
  std::vector<leg_key> lost;
  for (const auto& [key, leg] : refs_)
    if (std::get<0>(key) == port.gateway && std::get<1>(key) == port.span) lost.push_back(leg);
  for (auto it = orphans_.begin(); it != orphans_.end();)
    it = (std::get<0>(it->first) == port.gateway && std::get<1>(it->first) == port.span) ? orphans_.erase(it) : std::next(it);
  for (const leg_key& k : lost) {
    call* c = find(k.call);
    if (c == nullptr) continue;
    leg_signalling_gone(*c, k.leg, leg_event::link_lost);
    if (c->state == call_state::releasing || !is_current(*c, k.leg)) {
      check_done(k.call);
    } else {
      clear_call(k.call, cause::network_out_of_order, k.leg == 0 ? released_by::caller : released_by::callee);
    }
  }
}

void call_agent::reject_setup(link_port& port, q931_call_ref ref, cause why, std::string_view counter_name) {
  counters_.get(counter_name).add();
  log_->info("q931 {} span {}: SETUP {} rejected: cause {} ({})", port.gateway, port.span, ref, to_int(why),
             to_string(why));
  orphans_[{port.gateway, port.span, ref.value()}] = true;
  port.link.disconnect(ref, why);
}

void call_agent::on_setup(link_port& port, const q931_setup& s) {
  counters_.get("calls.offered").add();
  if (refs_.contains({port.gateway, port.span, s.ref.value()})) {
    counters_.get("q931.duplicate_setup").add();
    log_->warn("q931 {} span {}: SETUP for call reference {} already in use: ignored", port.gateway, port.span, s.ref);
    return;
  }
  // Q.931 §5.2.3.1: with no channel ("any") or a preferred one that is not idle, we choose a
  // channel of this span's trunk group and name it in CALL PROCEEDING.
  auto hunt_here = [&]() -> std::optional<circuit_index> {
    for (auto& [name, g] : groups_) {
      bool here = false;
      for (circuit_index m : g.members())
        here = here || (circuits_.at(m).gateway == port.gateway && circuits_.at(m).span == port.span);
      if (here) return g.hunt(circuits_);
    }
    return std::nullopt;
  };
  std::optional<circuit_index> ci;
  if (s.channel == 0) {
    ci = hunt_here();
    if (!ci) return reject_setup(port, s.ref, cause::no_circuit_available, "setup.no_channel");
  } else {
    ci = circuits_.find(port.gateway, port.span, s.channel);
    if (!ci) return reject_setup(port, s.ref, cause::requested_channel_not_available, "setup.unknown_channel");
    if (!s.exclusive && circuits_.at(*ci).state != circuit_state::idle) {
      // Annex D.3 c): against our exclusive SETUP a preferred one loses, and gets another channel.
      if (circuits_.at(*ci).state == circuit_state::busy) counters_.get("calls.glare").add();
      ci = hunt_here();
      if (!ci) return reject_setup(port, s.ref, cause::no_circuit_available, "setup.no_channel");
    }
  }
  if (circuits_.at(*ci).state == circuit_state::busy) {
    call* owner = find(circuits_.at(*ci).owner);
    // Our attempt yields whether its SETUP is out (glare on the wire) or not yet (the channel
    // is only reserved while its connection is being made).
    if (owner != nullptr && owner->term && owner->legs[*owner->term].circuit == *ci &&
        (owner->legs[*owner->term].state == leg_state::outgoing ||
         owner->legs[*owner->term].state == leg_state::idle)) {
      handle_glare(*owner, *owner->term);
    } else {
      return reject_setup(port, s.ref, cause::requested_channel_not_available, "setup.channel_busy");
    }
  }
  if (circuits_.at(*ci).state != circuit_state::idle)
    return reject_setup(port, s.ref, cause::requested_channel_not_available, "setup.channel_blocked");

  const call_ref id{next_call_++};
  call& c = calls_[id];
  c.id = id;
  c.mgcp_call = mgcp::call_id{fmt::format("{:X}", id.value())};
  c.calling = s.calling;
  c.called = s.called;
  c.seizure = wall_();
  circuits_.seize(*ci, id);
  const circuit& cc = circuits_.at(*ci);
  pri_leg orig;
  orig.circuit = *ci;
  orig.gateway = cc.gateway;
  orig.span = cc.span;
  orig.channel = cc.channel;
  orig.endpoint = cc.endpoint;
  orig.ref = s.ref;
  c.legs.push_back(orig);
  leg_event_on(c, 0, leg_event::setup_received);
  refs_[{port.gateway, port.span, s.ref.value()}] = leg_key{id, 0};
  log_->info("call {}: SETUP {} -> {} on {}@{}", c.mgcp_call, s.calling, s.called, cc.endpoint, cc.gateway);
  port.link.proceeding(s.ref, cc.channel);

  if (!is_dialable(s.called)) {
    counters_.get("calls.invalid_number").add();
    return clear_call(id, cause::invalid_number_format, released_by::call_agent);
  }
  auto decision = find_route(config_, s.calling, s.called);
  if (!decision) {
    counters_.get("calls.unallocated").add();
    return clear_call(id, cause::unallocated_number, released_by::call_agent);
  }
  c.route = decision->route;
  c.called_out = decision->called_out;
  c.calling_out = decision->calling_out;
  create_originating_connection(id);
}

void call_agent::create_originating_connection(call_ref id) {
  call* c = find(id);
  if (c == nullptr || c->state == call_state::releasing) return;
  pri_leg& o = c->legs[0];
  mgcp::command cmd = connection_command(mgcp::verb::crcx, *c, o);
  // Nothing flows until the far side is known: inactive, recvonly once there is early media.
  cmd.params.mode = mgcp::connection_mode{mgcp::connection_mode_kind::inactive, {}};
  mgcp::local_connection_options options;
  options.codecs.push_back(c->route->codecs.at(c->codec));
  cmd.params.options = options;
  o.connection = connection_state::creating;
  o.mode = mgcp::connection_mode_kind::inactive;
  send_mgcp(o.gateway, std::move(cmd), [this, id](const mgcp_result& r) { on_originating_created(id, r); });
}

void call_agent::on_originating_created(call_ref id, const mgcp_result& r) {
  call* c = find(id);
  if (c == nullptr) return;
  pri_leg& o = c->legs[0];
  if (r && mgcp::is_success(r->code) && !r->params.connections.empty() && !r->sessions.empty()) {
    o.connection = connection_state::active;
    o.connection_id = r->params.connections.front();
    o.local_sdp = r->sessions.front();
    if (c->state == call_state::releasing) {
      delete_connection(*c, 0);
      return check_done(id);
    }
    return try_target(id);
  }
  o.connection = connection_state::none;
  if (c->state == call_state::releasing) return check_done(id);
  if (!r) {
    counters_.get("bearer.crcx_timeout").add();
    return clear_call(id, cause::network_out_of_order, released_by::gateway);
  }
  if (is_codec_refusal(r->code)) {
    counters_.get("codec.refused").add();
    log_->info("call {}: {}@{} refused codec {} ({})", c->mgcp_call, o.endpoint, o.gateway,
               c->route->codecs[c->codec], mgcp::to_int(r->code));
    if (c->codec + 1 < c->route->codecs.size()) {
      ++c->codec;
      counters_.get("codec.fallback").add();
      return create_originating_connection(id);
    }
    return clear_call(id, cause::bearer_capability_not_available, released_by::call_agent);
  }
  counters_.get("bearer.crcx_failed").add();
  log_->warn("call {}: CRCX on {}@{} failed: {}", c->mgcp_call, o.endpoint, o.gateway,
             r->code == mgcp::return_code::ok ? "no connection id or SDP" : std::to_string(mgcp::to_int(r->code)));
  clear_call(id, mgcp::is_success(r->code) ? cause::temporary_failure : cause_for(r->code), released_by::call_agent);
}

void call_agent::try_target(call_ref id) {
  call* c = find(id);
  if (c == nullptr || c->state == call_state::releasing) return;
  const auto& targets = c->route->targets;
  while (c->target < targets.size()) {
    const route_target& t = targets[c->target];
    if (t.kind == target_kind::trunk_group) {
      auto g = groups_.find(t.name);
      if (g != groups_.end()) {
        if (auto ci = g->second.hunt(circuits_, c->excluded)) return start_attempt(id, *ci);
      }
      counters_.get("route.no_circuit").add();
      c->last_failure = cause::no_circuit_available;
      log_->info("call {}: route {} target {}: no idle channel in trunk group {}", c->mgcp_call, c->route->name,
                 c->target, t.name);
    } else if (sip_ == nullptr || c->legs[0].kind == leg_kind::sip) {
      // No SIP side configured, or a SIP-to-SIP call (not a proxy: docs/sip.md, "Limits").
      counters_.get("route.sip_unavailable").add();
      c->last_failure = cause::no_route_to_destination;
      log_->warn("call {}: route {} target {}: {}", c->mgcp_call, c->route->name, c->target,
                 sip_ == nullptr ? "no SIP side configured" : "SIP to SIP calls are not routed");
    } else if (t.kind == target_kind::sip_peer && peers_down_.contains(t.name)) {
      counters_.get("route.sip_peer_down").add();
      c->last_failure = cause::network_out_of_order;
      log_->info("call {}: route {} target {}: SIP peer {} does not answer OPTIONS", c->mgcp_call, c->route->name,
                 c->target, t.name);
    } else {
      return start_sip_attempt(id, t);
    }
    ++c->target;
    c->retries = 0;
    if (c->target < targets.size()) counters_.get("route.advance").add();
  }
  clear_call(id, c->last_failure.value_or(cause::no_circuit_available), released_by::call_agent);
}

void call_agent::start_attempt(call_ref id, circuit_index ci) {
  call& c = *find(id);
  circuits_.seize(ci, id);
  const circuit& cc = circuits_.at(ci);
  pri_leg t;
  t.circuit = ci;
  t.gateway = cc.gateway;
  t.span = cc.span;
  t.channel = cc.channel;
  t.endpoint = cc.endpoint;
  c.legs.push_back(t);
  const std::size_t leg = c.legs.size() - 1;
  c.term = leg;
  pri_leg& l = c.legs[leg];
  mgcp::command cmd = connection_command(mgcp::verb::crcx, c, l);
  // The far side sends what its exchange plays (ringback, announcements) from the start.
  cmd.params.mode = mgcp::connection_mode{mgcp::connection_mode_kind::sendonly, {}};
  mgcp::local_connection_options options;
  options.codecs.push_back(c.route->codecs.at(c.codec));
  cmd.params.options = options;
  cmd.sessions.push_back(c.legs[0].local_sdp);
  l.connection = connection_state::creating;
  l.mode = mgcp::connection_mode_kind::sendonly;
  log_->info("call {}: attempt on {}@{} with {}", c.mgcp_call, l.endpoint, l.gateway, c.route->codecs[c.codec]);
  send_mgcp(l.gateway, std::move(cmd), [this, id, leg](const mgcp_result& r) { on_terminating_created(id, leg, r); });
}

void call_agent::on_terminating_created(call_ref id, std::size_t leg, const mgcp_result& r) {
  call* c = find(id);
  if (c == nullptr) return;
  pri_leg& l = c->legs[leg];
  if (r && mgcp::is_success(r->code) && !r->params.connections.empty() && !r->sessions.empty()) {
    l.connection = connection_state::active;
    l.connection_id = r->params.connections.front();
    l.local_sdp = r->sessions.front();
    if (c->state == call_state::releasing || !is_current(*c, leg)) {
      delete_connection(*c, leg);
      return check_done(id);
    }
    c->codec_name = codec_of(l.local_sdp, c->route->codecs[c->codec]);
    // The answer goes to the originating side; it stays silent until early media or answer.
    modify_connection(*c, 0, c->legs[0].mode, true);
    link_port* port = port_of(l.gateway, l.span);
    if (port == nullptr || !port->up) return attempt_failed(id, cause::network_out_of_order, false);
    l.ref = port->link.setup(q931_setup_request{l.channel, c->called_out, c->calling_out});
    refs_[{l.gateway, l.span, l.ref.value()}] = leg_key{id, leg};
    leg_event_on(*c, leg, leg_event::setup_sent);
    if (!c->no_answer)
      c->no_answer = timers_.schedule_after(config_.timers.no_answer, [this, id] { on_no_answer(id); });
    return;
  }
  l.connection = connection_state::none;
  if (c->state == call_state::releasing || !is_current(*c, leg)) return check_done(id);
  if (!r) {
    counters_.get("bearer.crcx_timeout").add();
    return attempt_failed(id, cause::network_out_of_order, false);
  }
  if (is_codec_refusal(r->code)) return codec_refused(id);
  counters_.get("bearer.crcx_failed").add();
  log_->warn("call {}: CRCX on {}@{} failed ({})", c->mgcp_call, l.endpoint, l.gateway, mgcp::to_int(r->code));
  const cause why = mgcp::is_success(r->code) ? cause::temporary_failure : cause_for(r->code);
  // An endpoint-level refusal leaves the rest of the trunk group worth a try.
  attempt_failed(id, why, why == cause::requested_channel_not_available);
}

void call_agent::attempt_failed(call_ref id, cause why, bool same_target) {
  call* c = find(id);
  if (c == nullptr || c->state == call_state::releasing) return;
  c->last_failure = why;
  if (c->term) {
    const std::size_t leg = *c->term;
    if (c->legs[leg].kind == leg_kind::pri) c->excluded.push_back(c->legs[leg].circuit);
    c->term.reset();
    drop_leg(*c, leg, why);
  }
  if (c->no_answer) {
    timers_.cancel(*c->no_answer);
    c->no_answer.reset();
  }
  if (!is_congestion(why) || c->state != call_state::setting_up) {
    return clear_call(id, why, released_by::callee);
  }
  // Q.850 congestion: try another channel of the same group (at most twice), then the next target.
  if (same_target && c->retries < 2) {
    ++c->retries;
    counters_.get("route.rehunt").add();
  } else {
    ++c->target;
    c->retries = 0;
    if (c->target < c->route->targets.size()) counters_.get("route.advance").add();
  }
  try_target(id);
  check_done(id);
}

void call_agent::codec_refused(call_ref id) {
  call* c = find(id);
  counters_.get("codec.refused").add();
  if (c->term) {
    const std::size_t leg = *c->term;
    log_->info("call {}: {}@{} refused codec {}", c->mgcp_call, c->legs[leg].endpoint, c->legs[leg].gateway,
               c->route->codecs[c->codec]);
    c->term.reset();
    drop_leg(*c, leg, cause::bearer_capability_not_available);
  }
  if (c->codec + 1 < c->route->codecs.size()) {
    ++c->codec;
    counters_.get("codec.fallback").add();
  } else {
    // Every codec refused on this target: the next target starts from the first codec again.
    c->codec = 0;
    c->last_failure = cause::bearer_capability_not_available;
    ++c->target;
    c->retries = 0;
    if (c->target >= c->route->targets.size())
      return clear_call(id, cause::bearer_capability_not_available, released_by::call_agent);
    counters_.get("route.advance").add();
  }
  check_done(id);
  // A SIP caller's offer is what the gateway answers: nothing to make again on that side.
  if (c->legs[0].kind == leg_kind::sip) return try_target(id);
  // The originating connection was made for the refused codec: make it again for the new one.
  pri_leg& o = c->legs[0];
  mgcp::command cmd = connection_command(mgcp::verb::dlcx, *c, o);
  o.connection = connection_state::deleting;
  send_mgcp(o.gateway, std::move(cmd), [this, id](const mgcp_result&) {
    call* cc = find(id);
    if (cc == nullptr) return;
    cc->legs[0].connection = connection_state::none;
    if (cc->state == call_state::releasing) return check_done(id);
    create_originating_connection(id);
  });
}

void call_agent::handle_glare(call& c, std::size_t leg) {
  // Q.931 Annex D.3 b): both sides sent SETUP naming the same channel exclusively; the
  // network's call is awarded the channel and ours is cleared (cause 34). We hunt again.
  counters_.get("calls.glare").add();
  const circuit_index ci = c.legs[leg].circuit;
  log_->info("call {}: glare on {}@{}: the network's SETUP wins, hunting again", c.mgcp_call,
             c.legs[leg].endpoint, c.legs[leg].gateway);
  c.excluded.push_back(ci);
  circuits_.free(ci, c.id);
  c.term.reset();
  drop_leg(c, leg, cause::no_circuit_available);
  if (c.no_answer) {
    timers_.cancel(*c.no_answer);
    c.no_answer.reset();
  }
  if (c.retries < 2) {
    ++c.retries;
  } else {
    ++c.target;
    c.retries = 0;
  }
  try_target(c.id);
}

void call_agent::on_no_answer(call_ref id) {
  call* c = find(id);
  if (c == nullptr) return;
  c->no_answer.reset();
  counters_.get("calls.no_answer").add();
  // Q.850: 19 when the called user was alerted, 18 when nothing came back at all.
  clear_call(id, c->state == call_state::ringing ? cause::no_answer : cause::no_user_responding,
             released_by::call_agent);
}

void call_agent::early_media(call& c) {
  if (c.legs[0].mode != mgcp::connection_mode_kind::inactive) return;
  modify_connection(c, 0, mgcp::connection_mode_kind::recvonly, false);
}

void call_agent::on_proceeding(link_port& port, q931_call_ref ref, unsigned channel) {
  auto k = find_leg(port, ref);
  if (!k) {
    counters_.get("q931.unknown_ref").add();
    return;
  }
  call& c = *find(k->call);
  if (channel != 0 && channel != c.legs[k->leg].channel)
    log_->warn("call {}: CALL PROCEEDING names channel {} instead of {} (we asked exclusive)", c.mgcp_call, channel,
               c.legs[k->leg].channel);
  leg_event_on(c, k->leg, leg_event::proceeding_received);
}

void call_agent::on_alerting(link_port& port, q931_call_ref ref) {
  auto k = find_leg(port, ref);
  if (!k) {
    counters_.get("q931.unknown_ref").add();
    return;
  }
  call& c = *find(k->call);
  const leg_state before = c.legs[k->leg].state;
  leg_event_on(c, k->leg, leg_event::alerting_received);
  if (c.legs[k->leg].state == before || !is_current(c, k->leg) || k->leg == 0) return;
  if (c.state == call_state::setting_up) c.alerting = wall_();
  if (!call_transition(c, call_event::far_alerting)) return;
  signal_alerting(c);
}

void call_agent::on_progress(link_port& port, q931_call_ref ref) {
  auto k = find_leg(port, ref);
  if (!k) {
    counters_.get("q931.unknown_ref").add();
    return;
  }
  call& c = *find(k->call);
  leg_event_on(c, k->leg, leg_event::progress);
  if (k->leg == 0 || !is_current(c, k->leg) || c.state == call_state::releasing) return;
  signal_progress(c);
}

void call_agent::on_connect(link_port& port, q931_call_ref ref) {
  auto k = find_leg(port, ref);
  if (!k) {
    counters_.get("q931.unknown_ref").add();
    return;
  }
  call& c = *find(k->call);
  const leg_state before = c.legs[k->leg].state;
  leg_event_on(c, k->leg, leg_event::connect_received);
  if (c.legs[k->leg].state == before || k->leg == 0 || !is_current(c, k->leg)) return;
  if (!call_transition(c, call_event::far_answer)) return;
  counters_.get("calls.answered").add();
  c.answer = wall_();
  if (c.no_answer) {
    timers_.cancel(*c.no_answer);
    c.no_answer.reset();
  }
  log_->info("call {}: answered on {}@{}", c.mgcp_call, c.legs[k->leg].endpoint, c.legs[k->leg].gateway);
  if (c.legs[0].kind == leg_kind::sip) {
    // The SIP caller starts sending at the 200 OK: cut through first, so its first packets do
    // not meet a connection that is still sendonly.
    modify_connection(c, k->leg, mgcp::connection_mode_kind::sendrecv, false,
                      [this](call& cc) { signal_connect(cc); });
    return;
  }
  modify_connection(c, k->leg, mgcp::connection_mode_kind::sendrecv, false);
  modify_connection(c, 0, mgcp::connection_mode_kind::sendrecv, false);
  signal_connect(c);
}

}  // namespace tandem::callagent
