#include "proto/mgcp/transaction/message_text.hpp"
#include "proto/mgcp/transaction/transaction_engine.hpp"

/// Outgoing commands: transaction ids (RFC 3435 §3.5.2), retransmission with the adaptive timer
/// (RFC 3435 §3.5.3), Max1/Max2 (RFC 3435 §4.3), provisional responses and the
/// acknowledgement of final responses that ask for it (RFC 3435 §3.5.6).

namespace tandem::mgcp {

expected<transaction_id, send_error> transaction_engine::send_command(const peer& to,
                                                                      std::string_view text) {
  {
    auto env = peek(text);
    if (env && env->kind == message_kind::response)
      return make_unexpected(send_error::not_a_command);
  }
  auto id = allocate_id();
  if (!id) return make_unexpected(id.error());
  auto rewritten = with_transaction_id(text, *id);
  if (!rewritten) return make_unexpected(send_error::malformed_message);

  batch turn(*this);
  outgoing_transaction& t = outgoing_[id->value()];
  t.to = to;
  t.text = std::move(*rewritten);
  t.state = outgoing_state::queued;
  link_of(to).queued_commands.push_back(*id);
  // The id is consumed only now that the command is accepted.
  next_id_ = id->value() == max_transaction_id ? 1 : id->value() + 1;
  return *id;
}

expected<transaction_id, send_error> transaction_engine::allocate_id() {
  // RFC 3435 §3.5.2: 1..999,999,999, wrapping; an id in use (pending, or ended less than
  // T-HIST ago so that the peer may still hold its response) is skipped.
  if (outgoing_.size() >= max_transaction_id) return make_unexpected(send_error::ids_exhausted);
  std::uint32_t candidate = next_id_;
  while (outgoing_.contains(candidate)) candidate = candidate == max_transaction_id ? 1 : candidate + 1;
  return transaction_id{candidate};
}

void transaction_engine::start_group(const peer& to, std::vector<transaction_id> members,
                                     unsigned retransmissions) {
  const std::uint64_t group_id = next_group_++;
  peer_link& link = link_of(to);
  retransmission_group& g = groups_[group_id];
  g.to = to;
  g.first_sent = timers_.now();
  g.retransmissions = retransmissions;
  g.working_aad = link.rto.aad();
  for (transaction_id id : members) {
    outgoing_transaction& t = outgoing_.at(id.value());
    t.state = outgoing_state::waiting;
    t.group = group_id;
  }
  g.members = std::move(members);
  const duration timer = retransmissions == 0
                             ? link.rto.first_timer()
                             : link.rto.retransmit_timer(g.working_aad, random_->uniform());
  g.timer = arm(timer, [this, group_id] { on_group_timer(group_id); });
}

void transaction_engine::leave_group(transaction_id id, outgoing_transaction& t, bool sample) {
  auto git = groups_.find(t.group);
  t.group = 0;
  if (git == groups_.end()) return;
  retransmission_group& g = git->second;
  // RFC 3435 §3.5.3: only transactions that were not retransmitted give a delay sample
  // (otherwise the response cannot be matched to one transmission).
  if (sample && g.retransmissions == 0) link_of(g.to).rto.sample(timers_.now() - g.first_sent);
  std::erase(g.members, id);
  if (g.members.empty()) {
    disarm(g.timer);
    groups_.erase(git);
  }
}

void transaction_engine::on_group_timer(std::uint64_t group_id) {
  auto git = groups_.find(group_id);
  if (git == groups_.end()) return;
  retransmission_group& g = git->second;
  g.timer = 0;
  const peer to = g.to;

  if (g.retransmissions >= config_.max2) {
    // RFC 3435 §4.3: Max2 retransmissions unanswered: the transactions fail and the
    // association is lost.
    std::vector<transaction_id> failed = std::move(g.members);
    groups_.erase(git);
    for (transaction_id id : failed) {
      auto it = outgoing_.find(id.value());
      if (it == outgoing_.end()) continue;
      it->second.group = 0;
      finish_outgoing(id, it->second);
      counters_.timeouts.add();
      notifier_.on_transaction_failed(to, id, failure_reason::retransmissions_exhausted);
    }
    link_failed(to);
    return;
  }
  if (g.retransmissions == config_.max1) link_suspect(to);

  ++g.retransmissions;
  peer_link& link = link_of(to);
  g.timer = arm(link.rto.retransmit_timer(g.working_aad, random_->uniform()),
                [this, group_id] { on_group_timer(group_id); });
  // RFC 3435 §3.5.5: commands that left together are retransmitted together, in order.
  std::vector<std::string> texts;
  for (transaction_id id : g.members) texts.push_back(outgoing_.at(id.value()).text);
  counters_.tx_retransmissions.add(texts.size());
  send_datagram(to, join_datagram(texts));
}

void transaction_engine::handle_response(const peer& from, const envelope& env) {
  counters_.rx_responses.add();
  auto it = outgoing_.find(env.id.value());
  if (it == outgoing_.end() || it->second.to != from ||
      it->second.state == outgoing_state::queued) {
    counters_.rx_unknown_responses.add();
    return;
  }
  link_alive(from);
  outgoing_transaction& t = it->second;
  const transaction_id id = env.id;
  const bool provisional = env.response_code >= 100 && env.response_code < 200;
  const bool wants_ack = env.has_response_ack && env.response_ack.empty();

  if (t.state == outgoing_state::finished) {
    // A retransmitted final response: our acknowledgement was lost, so send it again.
    counters_.rx_duplicate_responses.add();
    if (wants_ack && !provisional) link_of(from).pending_acks.push_back(id);
    return;
  }

  if (provisional) {
    // RFC 3435 §3.5.6: stop retransmitting, wait longer for the final response.
    counters_.rx_provisional.add();
    if (t.state == outgoing_state::waiting) leave_group(id, t, true);
    disarm(t.timer);
    t.state = outgoing_state::provisional;
    t.timer = arm(config_.longtran_timer, [this, id] { on_longtran_timer(id); });
    return;
  }

  if (t.state == outgoing_state::waiting) leave_group(id, t, true);
  finish_outgoing(id, t);
  // RFC 3435 §3.5.6: an empty K: in a final response asks for a response acknowledgement.
  if (wants_ack) link_of(from).pending_acks.push_back(id);
  notifier_.on_response(from, env);
}

void transaction_engine::on_longtran_timer(transaction_id id) {
  auto it = outgoing_.find(id.value());
  if (it == outgoing_.end()) return;
  outgoing_transaction& t = it->second;
  t.timer = 0;
  if (t.state != outgoing_state::provisional) return;
  // No final response in time: retransmit; the peer answers with the provisional response
  // again (still working) or with its final one, and a dead peer runs into Max2.
  counters_.tx_retransmissions.add();
  send_datagram(t.to, t.text);
  start_group(t.to, {id}, 1);
}

void transaction_engine::finish_outgoing(transaction_id id, outgoing_transaction& t) {
  disarm(t.timer);
  t.state = outgoing_state::finished;
  t.text = std::string();
  // The id stays in use for T-HIST: the peer may still replay its response to it.
  t.timer = arm(config_.t_hist, [this, id] { outgoing_.erase(id.value()); });
}

}  // namespace tandem::mgcp
