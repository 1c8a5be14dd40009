#include "proto/mgcp/transaction/message_text.hpp"
#include "proto/mgcp/transaction/transaction_engine.hpp"

/// Incoming commands: at-most-once delivery and the response cache (RFC 3435 §3.5.1, §3.5.2),
/// provisional responses and the three-way handshake (RFC 3435 §3.5.6), and the response
/// acknowledgements that free cached responses early (K: in commands, 000 responses).
///
/// The cache is keyed by (peer, transaction id) and nothing else: a retransmitted wildcard
/// CRCX ("*@gw") is the same transaction whatever endpoint the first copy allocated, so it
/// gets the cached response and is never delivered twice.

namespace tandem::mgcp {

void transaction_engine::handle_command(const peer& from, const envelope& env) {
  counters_.rx_commands.add();
  link_command_received(from);

  // RFC 3435 §3.2.2.19: K: in a command confirms final responses we sent to that peer.
  if (env.has_response_ack && !env.response_ack.empty()) {
    auto ranges = parse_response_ack(env.response_ack);
    if (ranges) {
      confirm_ranges(from, *ranges);
    } else {
      // The command itself still goes to the application, whose full parser rejects it.
      counters_.rx_bad_response_ack.add();
    }
  }

  const incoming_key key{from, env.id.value()};
  if (auto it = incoming_.find(key); it != incoming_.end()) {
    replay(from, it->second);
    return;
  }
  incoming_transaction& t = incoming_[key];
  if (config_.auto_provisional_after.count() > 0)
    t.timer = arm(config_.auto_provisional_after, [this, key] { on_auto_provisional(key); });
  notifier_.on_command(from, env);
}

void transaction_engine::replay(const peer& from, incoming_transaction& t) {
  switch (t.state) {
    case incoming_state::processing:
      // RFC 3435 §3.5.1: a retransmission of a command still being executed is ignored.
      counters_.rx_duplicate_commands.add();
      break;
    case incoming_state::provisional_sent:
      // RFC 3435 §3.5.6: ... unless a provisional response was sent, which is sent again.
      counters_.rx_duplicate_commands.add();
      counters_.tx_provisional.add();
      link_of(from).queued_responses.push_back(t.response);
      break;
    case incoming_state::answered:
    case incoming_state::awaiting_ack:
      // RFC 3435 §3.5.1: the cached response is sent again; the command is not executed.
      counters_.rx_cache_hits.add();
      link_of(from).queued_responses.push_back(t.response);
      break;
    case incoming_state::confirmed:
      // RFC 3435 §3.5.2: the peer confirmed the response; a copy of the command still in the
      // network is dropped silently.
      counters_.rx_duplicate_confirmed.add();
      break;
  }
}

void transaction_engine::handle_malformed_command(const peer& from, const envelope_error& error,
                                                  std::string_view message) {
  // A malformed command whose transaction id could be read and which was answered already
  // (e.g. with 510) is a retransmission: replay the answer rather than report it again.
  if (error.kind == message_kind::command && error.id.value() != 0) {
    if (auto it = incoming_.find({from, error.id.value()}); it != incoming_.end()) {
      replay(from, it->second);
      return;
    }
  }
  notifier_.on_malformed(from, error, message);
}

void transaction_engine::handle_response_ack(const peer& from, const envelope& env) {
  counters_.rx_response_acks.add();
  auto it = incoming_.find({from, env.id.value()});
  if (it == incoming_.end() || (it->second.state != incoming_state::awaiting_ack &&
                                it->second.state != incoming_state::answered)) {
    counters_.rx_unknown_response_acks.add();
    return;
  }
  confirm(it->second);
}

void transaction_engine::confirm(incoming_transaction& t) {
  // RFC 3435 §3.5.1: the response copy may go; the transaction id stays until T-HIST.
  disarm(t.timer);
  t.state = incoming_state::confirmed;
  t.response = std::string();
  counters_.cache_confirmed.add();
}

void transaction_engine::confirm_ranges(const peer& from,
                                        const std::vector<transaction_range>& ranges) {
  for (const transaction_range& r : ranges) {
    // Walk the cache, not the range: a range may span millions of ids.
    for (auto it = incoming_.lower_bound({from, r.first.value()});
         it != incoming_.end() && it->first.first == from && it->first.second <= r.last.value();
         ++it) {
      // RFC 3435 §3.5.2: only final responses are confirmed.
      if (it->second.state == incoming_state::answered ||
          it->second.state == incoming_state::awaiting_ack)
        confirm(it->second);
    }
  }
}

void transaction_engine::on_auto_provisional(const incoming_key& key) {
  auto it = incoming_.find(key);
  if (it == incoming_.end()) return;
  it->second.timer = 0;
  if (it->second.state == incoming_state::processing)
    (void)send_provisional(key.first, transaction_id{key.second}, provisional_code::pending);
}

expected<void, send_error> transaction_engine::send_provisional(const peer& to,
                                                                transaction_id id,
                                                                provisional_code code) {
  const std::string text = std::to_string(static_cast<int>(code)) + " " +
                           std::to_string(id.value()) +
                           (code == provisional_code::pending ? " pending\n" : " queued\n");
  return send_response(to, id, text);
}

expected<void, send_error> transaction_engine::send_response(const peer& to, transaction_id id,
                                                             std::string_view text) {
  auto env = peek(text);
  if (!env) return make_unexpected(send_error::malformed_message);
  if (env->kind != message_kind::response) return make_unexpected(send_error::not_a_response);
  if (env->response_code == 0) return make_unexpected(send_error::response_ack_not_allowed);
  if (env->id != id) return make_unexpected(send_error::transaction_id_mismatch);
  const bool provisional = env->response_code >= 100 && env->response_code < 200;

  const incoming_key key{to, id.value()};
  auto it = incoming_.find(key);
  if (it == incoming_.end()) {
    // Answering a command the application saw through on_malformed: allowed, final only.
    if (provisional) return make_unexpected(send_error::no_such_transaction);
    it = incoming_.emplace(key, incoming_transaction{}).first;
  }
  incoming_transaction& t = it->second;
  if (t.state != incoming_state::processing && t.state != incoming_state::provisional_sent)
    return make_unexpected(send_error::already_answered);

  batch turn(*this);
  peer_link& link = link_of(to);
  disarm(t.timer);
  if (provisional) {
    t.state = incoming_state::provisional_sent;
    t.response = std::string(text);
    counters_.tx_provisional.add();
    link.queued_responses.push_back(t.response);
    return {};
  }

  if (t.state == incoming_state::provisional_sent) {
    // RFC 3435 §3.5.6: a final response that follows a provisional one carries an empty K:
    // and is retransmitted until the peer acknowledges it (000, or K: in a command).
    t.response = env->has_response_ack ? std::string(text) : with_parameter_line(text, "K:");
    t.state = incoming_state::awaiting_ack;
    t.retransmissions = 0;
    t.working_aad = link.rto.aad();
    t.timer = arm(link.rto.first_timer(), [this, key] { on_response_retransmit(key); });
  } else {
    t.response = std::string(text);
    t.state = incoming_state::answered;
  }
  // RFC 3435 §3.5.1: the response is kept T-HIST after it is issued.
  t.expiry = arm(config_.t_hist, [this, key] {
    auto e = incoming_.find(key);
    if (e == incoming_.end()) return;
    e->second.expiry = 0;
    finish_incoming(key, e->second);
  });
  counters_.tx_responses.add();
  link.queued_responses.push_back(t.response);
  return {};
}

void transaction_engine::on_response_retransmit(const incoming_key& key) {
  auto it = incoming_.find(key);
  if (it == incoming_.end()) return;
  incoming_transaction& t = it->second;
  t.timer = 0;
  if (t.state != incoming_state::awaiting_ack) return;
  if (t.retransmissions >= config_.max2) {
    // No acknowledgement after Max2 tries: stop, but keep answering retransmitted commands.
    counters_.response_ack_timeouts.add();
    t.state = incoming_state::answered;
    return;
  }
  ++t.retransmissions;
  peer_link& link = link_of(key.first);
  t.timer = arm(link.rto.retransmit_timer(t.working_aad, random_->uniform()),
                [this, key] { on_response_retransmit(key); });
  counters_.tx_response_retransmissions.add();
  send_datagram(key.first, t.response);
}

void transaction_engine::finish_incoming(const incoming_key& key, incoming_transaction& t) {
  disarm(t.timer);
  disarm(t.expiry);
  counters_.cache_expired.add();
  incoming_.erase(key);
}

}  // namespace tandem::mgcp
