/// Calls with a SIP leg (docs/sip.md). The SIP dialog has no media of its own: its SDP is
/// mapped onto the MGCP connection of the PRI leg (RFC 3264 offer/answer):
///   PSTN->SIP: CRCX without remote SDP on the originating timeslot gives the offer of the
///              INVITE; 18x with SDP -> MDCX recvonly with it as the remote (early media);
///              200 -> MDCX sendrecv with the answer, CONNECT toward the PSTN.
///   SIP->PSTN: the INVITE's offer is the remote SDP of the CRCX on the terminating timeslot;
///              the gateway's answer goes back in 180/183 (ALERTING/PROGRESS) and in the 200
///              (CONNECT), with the connection made sendrecv.
/// Causes cross per RFC 3398 (callagent/sip_cause.hpp), in the adapter.
#include <fmt/format.h>

#include "callagent/call_agent.hpp"
#include "callagent/link_port.hpp"
#include "callagent/number_rule.hpp"

namespace tandem::callagent {

void call_agent::attach_sip(sip_side& sip) {
  sip_ = &sip;
  sip_->set_handler(this);
}

std::optional<call_agent::leg_key> call_agent::find_dialog(sip_dialog_ref dialog) {
  auto it = dialogs_.find(dialog);
  if (it == dialogs_.end() || find(it->second.call) == nullptr) return std::nullopt;
  return it->second;
}

void call_agent::on_invite(const sip_invite& in) {
  counters_.get("calls.offered").add();
  counters_.get("sip.invite_in").add();
  log_->info("sip: INVITE {} -> {} from {}", in.calling, in.called, in.source);
  auto refuse = [&](cause why, std::string_view counter_name) {
    counters_.get(counter_name).add();
    log_->info("sip: INVITE {} -> {} refused: cause {} ({})", in.calling, in.called, to_int(why), to_string(why));
    sip_->hangup(in.dialog, why);
  };
  if (!is_dialable(in.called)) return refuse(cause::invalid_number_format, "calls.invalid_number");
  // The offer goes to the gateway as the remote SDP; an INVITE without one (offer in the ACK,
  // RFC 3261 §13.2.1) is not supported (docs/sip.md, "Limits").
  if (in.offer.empty()) return refuse(cause::bearer_capability_not_implemented, "sip.invite_without_offer");
  auto decision = find_route(config_, in.calling, in.called);
  if (!decision) return refuse(cause::unallocated_number, "calls.unallocated");

  const call_ref id{next_call_++};
  call& c = calls_[id];
  c.id = id;
  c.mgcp_call = mgcp::call_id{fmt::format("{:X}", id.value())};
  c.calling = in.calling;
  c.called = in.called;
  c.seizure = wall_();
  c.route = decision->route;
  c.called_out = decision->called_out;
  c.calling_out = decision->calling_out;
  pri_leg orig;
  orig.kind = leg_kind::sip;
  orig.dialog = in.dialog;
  orig.endpoint = fmt::format("sip:{}@{}", in.calling, in.source);
  orig.local_sdp = in.offer;
  c.legs.push_back(orig);
  leg_event_on(c, 0, leg_event::setup_received);
  dialogs_[in.dialog] = leg_key{id, 0};
  log_->info("call {}: INVITE {} -> {} (route {})", c.mgcp_call, in.calling, in.called, c.route->name);
  try_target(id);
}

void call_agent::start_sip_attempt(call_ref id, const route_target& t) {
  call& c = *find(id);
  pri_leg l;
  l.kind = leg_kind::sip;
  l.endpoint = fmt::format("sip:{}@{}", c.called_out, t.name);
  c.legs.push_back(l);
  const std::size_t leg = c.legs.size() - 1;
  c.term = leg;
  const sip_destination to{t.kind == target_kind::user ? sip_destination::kind::user : sip_destination::kind::peer,
                           t.name};
  c.legs[leg].dialog = sip_->invite(to, c.called_out, c.calling_out, c.legs[0].local_sdp);
  dialogs_[c.legs[leg].dialog] = leg_key{id, leg};
  leg_event_on(c, leg, leg_event::setup_sent);
  counters_.get("sip.invite_out").add();
  log_->info("call {}: INVITE to {} {} with {}", c.mgcp_call, t.kind == target_kind::user ? "user" : "peer", t.name,
             c.route->codecs[c.codec]);
  if (!c.no_answer) c.no_answer = timers_.schedule_after(config_.timers.no_answer, [this, id] { on_no_answer(id); });
}

void call_agent::on_provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) {
  auto k = find_dialog(dialog);
  if (!k) return;
  call& c = *find(k->call);
  if (k->leg == 0 || !is_current(c, k->leg) || c.state == call_state::releasing) return;
  pri_leg& l = c.legs[k->leg];
  if (sdp && !sdp->empty()) {
    // Early media (RFC 3960): the peer's SDP becomes the originating connection's remote.
    l.local_sdp = *sdp;
    c.codec_name = codec_of(*sdp, c.route->codecs[c.codec]);
    modify_connection(c, 0, mgcp::connection_mode_kind::recvonly, true);
  }
  if (status == 180) {
    const leg_state before = l.state;
    leg_event_on(c, k->leg, leg_event::alerting_received);
    if (l.state == before) return;
    if (c.state == call_state::setting_up) c.alerting = wall_();
    if (!call_transition(c, call_event::far_alerting)) return;
    pri_leg& o = c.legs[0];
    if (o.state == leg_state::incoming) {
      if (link_port* p = port_of(o.gateway, o.span)) p->link.alerting(o.ref);
      leg_event_on(c, 0, leg_event::alerting_sent);
    }
  } else if (sdp) {
    // RFC 3398 §7.2.1.1: 183 with SDP is in-band information: PROGRESS toward the PSTN.
    leg_event_on(c, k->leg, leg_event::progress);
    pri_leg& o = c.legs[0];
    if (o.state == leg_state::incoming || o.state == leg_state::alerting)
      if (link_port* p = port_of(o.gateway, o.span)) p->link.progress(o.ref);
  }
}

void call_agent::on_answer(sip_dialog_ref dialog, const std::string& sdp) {
  auto k = find_dialog(dialog);
  if (!k) return;
  call& c = *find(k->call);
  pri_leg& l = c.legs[k->leg];
  if (k->leg == 0 || !is_current(c, k->leg) || c.state == call_state::releasing) return;
  if (!sdp.empty()) l.local_sdp = sdp;
  if (l.local_sdp.empty()) {
    // RFC 3264 §5: the answer must come in a reliable response by now.
    counters_.get("sip.answer_without_sdp").add();
    return clear_call(k->call, cause::bearer_capability_not_available, released_by::callee);
  }
  leg_event_on(c, k->leg, leg_event::connect_received);
  if (!call_transition(c, call_event::far_answer)) return;
  counters_.get("calls.answered").add();
  c.answer = wall_();
  c.codec_name = codec_of(l.local_sdp, c.route->codecs[c.codec]);
  if (c.no_answer) {
    timers_.cancel(*c.no_answer);
    c.no_answer.reset();
  }
  log_->info("call {}: answered on {} ({})", c.mgcp_call, l.endpoint, c.codec_name);
  modify_connection(c, 0, mgcp::connection_mode_kind::sendrecv, true);
  pri_leg& o = c.legs[0];
  if (link_port* p = port_of(o.gateway, o.span)) p->link.connect(o.ref);
  leg_event_on(c, 0, leg_event::connect_sent);
}

void call_agent::on_failure(sip_dialog_ref dialog, int status, cause why) {
  auto k = find_dialog(dialog);
  dialogs_.erase(dialog);
  if (!k) return;
  call& c = *find(k->call);
  leg_event_on(c, k->leg, leg_event::disconnect_received);
  if (c.state == call_state::releasing || !is_current(c, k->leg)) return check_done(k->call);
  log_->info("call {}: SIP {} from {}, cause {} ({})", c.mgcp_call, status, c.legs[k->leg].endpoint, to_int(why),
             to_string(why));
  counters_.get(fmt::format("sip.rx.{}", status)).add();
  // 488/606 Not Acceptable Here: the offered codec; the route's next codec is offered instead.
  if ((status == 488 || status == 606) && c.state == call_state::setting_up) return codec_refused(k->call);
  if (c.state == call_state::setting_up && is_congestion(why)) return attempt_failed(k->call, why, false);
  clear_call(k->call, why, released_by::callee);
}

void call_agent::on_hangup(sip_dialog_ref dialog, cause why) {
  auto k = find_dialog(dialog);
  dialogs_.erase(dialog);
  if (!k) return;
  call& c = *find(k->call);
  leg_event_on(c, k->leg, leg_event::disconnect_received);
  if (c.state == call_state::releasing || !is_current(c, k->leg)) return check_done(k->call);
  log_->info("call {}: {} from the {} side (SIP), cause {} ({})", c.mgcp_call,
             c.legs[k->leg].state == leg_state::connected ? "BYE" : "hang-up", k->leg == 0 ? "calling" : "called",
             to_int(why), to_string(why));
  clear_call(k->call, why, k->leg == 0 ? released_by::caller : released_by::callee);
}

void call_agent::on_peer_state(const std::string& peer, bool up) {
  const bool changed = up ? peers_down_.erase(peer) > 0 : peers_down_.insert(peer).second;
  if (!changed) return;
  counters_.get(up ? "sip.peer_up" : "sip.peer_down").add();
  if (up) {
    log_->info("sip: peer {} answers OPTIONS again", peer);
  } else {
    log_->warn("sip: peer {} does not answer OPTIONS: routes skip it", peer);
  }
}

void call_agent::hangup_sip_leg(call& c, std::size_t leg, cause why) {
  pri_leg& l = c.legs[leg];
  if (!l.signalling()) return;
  if (sip_ != nullptr) sip_->hangup(l.dialog, why);
  dialogs_.erase(l.dialog);
  leg_event_on(c, leg, leg_event::hangup_sent);
}

void call_agent::signal_alerting(call& c) {
  pri_leg& o = c.legs[0];
  if (o.kind == leg_kind::sip) {
    if (o.state != leg_state::incoming || !c.term) return;
    // The terminating connection already sends what the exchange plays (ringback): its SDP
    // goes with the 180 as early media.
    sip_->provisional(o.dialog, 180, c.legs[*c.term].local_sdp);
    leg_event_on(c, 0, leg_event::alerting_sent);
    return;
  }
  early_media(c);
  if (o.state == leg_state::incoming) {
    if (link_port* p = port_of(o.gateway, o.span)) p->link.alerting(o.ref);
    leg_event_on(c, 0, leg_event::alerting_sent);
  }
}

void call_agent::signal_progress(call& c) {
  pri_leg& o = c.legs[0];
  if (o.kind == leg_kind::sip) {
    if ((o.state != leg_state::incoming && o.state != leg_state::alerting) || !c.term) return;
    sip_->provisional(o.dialog, 183, c.legs[*c.term].local_sdp);
    leg_event_on(c, 0, leg_event::progress);
    return;
  }
  early_media(c);
  if (o.state == leg_state::incoming || o.state == leg_state::alerting)
    if (link_port* p = port_of(o.gateway, o.span)) p->link.progress(o.ref);
}

void call_agent::signal_connect(call& c) {
  pri_leg& o = c.legs[0];
  if (o.kind == leg_kind::sip) {
    if (c.term) sip_->answer(o.dialog, c.legs[*c.term].local_sdp);
  } else if (link_port* p = port_of(o.gateway, o.span)) {
    p->link.connect(o.ref);
  }
  leg_event_on(c, 0, leg_event::connect_sent);
}

}  // namespace tandem::callagent
