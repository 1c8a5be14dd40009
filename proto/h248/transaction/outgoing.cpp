#include "proto/h248/transaction/transaction_engine.hpp"

/// Outgoing requests: transaction ids (H.248.1 §8.2.1: 1..4294967295), retransmission with
/// the adaptive timer and backoff (Annex D.1.3), TransactionPending received (Annex D.1.4:
/// wait longer, up to max_pendings), replies received and acknowledged (Annex D.1.1).

namespace tandem::h248 {

expected<transaction_id, send_error> transaction_engine::send_request(const peer& to,
                                                                      std::vector<action_request> actions) {
  if (actions.empty()) return make_unexpected(send_error::no_actions);
  auto id = allocate_id();
  if (!id) return make_unexpected(id.error());
  batch turn(*this);
  outgoing_transaction& t = outgoing_[id->value()];
  t.to = to;
  t.text = text_of(transaction_request{*id, std::move(actions)});
  t.state = outgoing_state::queued;
  link_of(to).requests.push_back(id->value());
  next_id_ = id->value() == max_transaction_id ? 1 : id->value() + 1;
  return *id;
}

expected<transaction_id, send_error> transaction_engine::allocate_id() {
  // An id in use (pending, or ended less than LONG-TIMER ago so that the peer may still hold
  // its reply) is skipped.
  if (outgoing_.size() >= max_transaction_id) return make_unexpected(send_error::ids_exhausted);
  std::uint32_t candidate = next_id_;
  while (outgoing_.contains(candidate)) candidate = candidate == max_transaction_id ? 1 : candidate + 1;
  return transaction_id{candidate};
}

void transaction_engine::start_waiting(std::uint32_t id, outgoing_transaction& t) {
  t.state = outgoing_state::waiting;
  t.first_sent = timers_.now();
  t.retransmissions = 0;
  peer_link& link = link_of(t.to);
  t.working_aad = link.rto.aad();
  t.timer = arm(link.rto.first_timer(), [this, id] { on_retransmit_timer(id); });
}

void transaction_engine::on_retransmit_timer(std::uint32_t id) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end()) return;
  outgoing_transaction& t = it->second;
  t.timer = 0;
  if (t.state != outgoing_state::waiting) return;
  if (t.retransmissions >= config_.max_retransmissions) {
    const peer to = t.to;
    finish_outgoing(id, t);
    counters_.timeouts.add();
    notifier_.on_transaction_failed(to, transaction_id{id}, failure_reason::retransmissions_exhausted);
    return;
  }
  ++t.retransmissions;
  peer_link& link = link_of(t.to);
  t.timer = arm(link.rto.retransmit_timer(t.working_aad, uniform_()), [this, id] { on_retransmit_timer(id); });
  counters_.tx_retransmissions.add();
  counters_.tx_messages.add();
  notifier_.on_send(t.to, header_ + t.text + "\n");
}

void transaction_engine::handle_pending(const peer& from, const transaction_pending& p) {
  counters_.rx_pendings.add();
  auto it = outgoing_.find(p.id.value());
  if (it == outgoing_.end() || it->second.to != from ||
      (it->second.state != outgoing_state::waiting && it->second.state != outgoing_state::pending)) {
    counters_.rx_unknown_pendings.add();
    return;
  }
  outgoing_transaction& t = it->second;
  const std::uint32_t id = p.id.value();
  if (t.state == outgoing_state::waiting && t.retransmissions == 0)
    link_of(from).rto.sample(timers_.now() - t.first_sent);  // a pending is an answer too
  if (++t.pendings > config_.max_pendings) {
    // H.248.8 506: the peer keeps the request pending beyond the limit.
    finish_outgoing(id, t);
    counters_.pending_limit.add();
    notifier_.on_transaction_failed(from, p.id, failure_reason::too_many_pendings);
    return;
  }
  disarm(t.timer);
  t.state = outgoing_state::pending;
  t.timer = arm(config_.pending_wait, [this, id] { on_pending_timer(id); });
}

void transaction_engine::on_pending_timer(std::uint32_t id) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end()) return;
  outgoing_transaction& t = it->second;
  t.timer = 0;
  if (t.state != outgoing_state::pending) return;
  // No reply nor further pending in time: retransmit (a live peer answers with a pending or
  // its reply, a dead one runs into max_retransmissions).
  t.state = outgoing_state::waiting;
  ++t.retransmissions;
  peer_link& link = link_of(t.to);
  t.working_aad = link.rto.aad();
  t.timer = arm(link.rto.retransmit_timer(t.working_aad, uniform_()), [this, id] { on_retransmit_timer(id); });
  counters_.tx_retransmissions.add();
  counters_.tx_messages.add();
  notifier_.on_send(t.to, header_ + t.text + "\n");
}

void transaction_engine::handle_reply(const peer& from, const transaction_reply& r) {
  counters_.rx_replies.add();
  const std::uint32_t id = r.id.value();
  auto it = outgoing_.find(id);
  if (it == outgoing_.end() || it->second.to != from || it->second.state == outgoing_state::queued) {
    counters_.rx_unknown_replies.add();
    return;
  }
  outgoing_transaction& t = it->second;
  const bool ack = config_.acknowledge_replies || r.immediate_ack_required;
  if (t.state == outgoing_state::finished) {
    // A repeated reply: our acknowledgement was lost (or none was sent); send it (again).
    counters_.rx_duplicate_replies.add();
    if (ack) link_of(from).acks.push_back(id);
    return;
  }
  // Annex D.1.3: only requests sent once give a delay sample.
  if (t.state == outgoing_state::waiting && t.retransmissions == 0 && t.pendings == 0)
    link_of(from).rto.sample(timers_.now() - t.first_sent);
  finish_outgoing(id, t);
  if (ack) link_of(from).acks.push_back(id);
  notifier_.on_reply(from, r);
}

void transaction_engine::finish_outgoing(std::uint32_t id, outgoing_transaction& t) {
  disarm(t.timer);
  t.state = outgoing_state::finished;
  t.text = std::string();
  // The id stays out of reuse for LONG-TIMER: the peer may still replay its reply.
  t.timer = arm(config_.long_timer, [this, id] { outgoing_.erase(id); });
}

}  // namespace tandem::h248
