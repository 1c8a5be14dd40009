#include "proto/h248/transaction/transaction_engine.hpp"

/// Incoming requests: at-most-once execution with the reply cached for LONG-TIMER (H.248.1
/// Annex D.1.1), TransactionPending while a request is being worked on (§8.2.3, Annex
/// D.1.4), and TransactionResponseAck received (Annex D.1.1: frees cached replies early).

namespace tandem::h248 {

void transaction_engine::handle_request(const peer& from, const message_id& sender, const transaction_request& r) {
  counters_.rx_requests.add();
  const incoming_key key{from, r.id.value()};
  auto it = incoming_.find(key);
  if (it != incoming_.end()) {
    incoming_transaction& t = it->second;
    counters_.rx_duplicate_requests.add();
    switch (t.state) {
      case incoming_state::processing:
      case incoming_state::pending_sent:
        // Annex D.1.4: a duplicate of a request being executed is answered with a pending.
        disarm(t.timer);
        t.state = incoming_state::pending_sent;
        counters_.tx_pendings.add();
        link_of(from).pendings.push_back(text_of(transaction_pending{r.id}));
        break;
      case incoming_state::answered:
        // Annex D.1.1: not executed again; the reply is repeated.
        counters_.rx_cache_hits.add();
        counters_.tx_reply_retransmissions.add();
        link_of(from).replies.push_back(t.reply);
        break;
      case incoming_state::confirmed:
        // The peer acknowledged the reply: a late copy of its request needs nothing.
        counters_.rx_duplicate_confirmed.add();
        break;
    }
    return;
  }
  incoming_transaction& t = incoming_[key];
  if (config_.pending_after.count() > 0)
    t.timer = arm(config_.pending_after, [this, key] { on_auto_pending(key); });
  notifier_.on_request(from, sender, r);
}

void transaction_engine::on_auto_pending(const incoming_key& key) {
  auto it = incoming_.find(key);
  if (it == incoming_.end() || it->second.state != incoming_state::processing) return;
  it->second.timer = 0;
  it->second.state = incoming_state::pending_sent;
  counters_.tx_pendings.add();
  link_of(key.first).pendings.push_back(text_of(transaction_pending{transaction_id{key.second}}));
}

expected<void, send_error> transaction_engine::send_reply(const peer& to, transaction_reply reply) {
  const incoming_key key{to, reply.id.value()};
  auto it = incoming_.find(key);
  if (it == incoming_.end()) return make_unexpected(send_error::no_such_transaction);
  if (it->second.state == incoming_state::answered || it->second.state == incoming_state::confirmed)
    return make_unexpected(send_error::already_answered);
  batch turn(*this);
  answer(key, it->second, text_of(reply));
  return {};
}

void transaction_engine::answer(const incoming_key& key, incoming_transaction& t, std::string reply_text) {
  disarm(t.timer);
  t.state = incoming_state::answered;
  t.reply = std::move(reply_text);
  counters_.tx_replies.add();
  link_of(key.first).replies.push_back(t.reply);
  // Annex D.1.1: the reply is kept for LONG-TIMER, then the transaction is forgotten.
  t.timer = arm(config_.long_timer, [this, key] {
    auto it = incoming_.find(key);
    if (it == incoming_.end()) return;
    if (it->second.state == incoming_state::answered) counters_.cache_expired.add();
    incoming_.erase(it);
  });
}

expected<void, send_error> transaction_engine::send_pending(const peer& to, transaction_id id) {
  auto it = incoming_.find({to, id.value()});
  if (it == incoming_.end()) return make_unexpected(send_error::no_such_transaction);
  incoming_transaction& t = it->second;
  if (t.state == incoming_state::answered || t.state == incoming_state::confirmed)
    return make_unexpected(send_error::already_answered);
  batch turn(*this);
  disarm(t.timer);
  t.state = incoming_state::pending_sent;
  counters_.tx_pendings.add();
  link_of(to).pendings.push_back(text_of(transaction_pending{id}));
  return {};
}

void transaction_engine::handle_ack(const peer& from, const transaction_response_ack& k) {
  counters_.rx_acks.add();
  for (const transaction_ack_range& range : k.ranges) {
    // Walk the cached transactions of this peer inside the range (not the whole range: a
    // range may span billions of ids).
    auto it = incoming_.lower_bound({from, range.first.value()});
    for (; it != incoming_.end() && it->first.first == from && it->first.second <= range.last.value(); ++it) {
      if (it->second.state != incoming_state::answered) continue;
      it->second.state = incoming_state::confirmed;
      it->second.reply = std::string();
      counters_.cache_confirmed.add();
    }
  }
}

}  // namespace tandem::h248
