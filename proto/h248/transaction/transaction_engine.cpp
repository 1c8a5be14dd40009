#include "proto/h248/transaction/transaction_engine.hpp"

#include <algorithm>
#include <random>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"

/// The engine's frame: construction, turns and message assembly (H.248.1 §8: several
/// transactions per message), timer bookkeeping, and dispatch of received messages. Incoming
/// requests live in incoming.cpp, outgoing ones in outgoing.cpp.

namespace tandem::h248 {

transaction_engine::engine_counters::engine_counters(counter_set& set)
    : rx_messages(set.get("rx.messages")),
      rx_requests(set.get("rx.requests")),
      rx_replies(set.get("rx.replies")),
      rx_pendings(set.get("rx.pendings")),
      rx_acks(set.get("rx.response_acks")),
      rx_malformed(set.get("rx.malformed")),
      rx_message_errors(set.get("rx.message_errors")),
      rx_duplicate_requests(set.get("rx.duplicate_requests")),
      rx_cache_hits(set.get("rx.cache_hits")),
      rx_duplicate_confirmed(set.get("rx.duplicate_confirmed")),
      rx_unknown_replies(set.get("rx.unknown_replies")),
      rx_duplicate_replies(set.get("rx.duplicate_replies")),
      rx_unknown_pendings(set.get("rx.unknown_pendings")),
      tx_messages(set.get("tx.messages")),
      tx_requests(set.get("tx.requests")),
      tx_replies(set.get("tx.replies")),
      tx_pendings(set.get("tx.pendings")),
      tx_acks(set.get("tx.response_acks")),
      tx_retransmissions(set.get("tx.retransmissions")),
      tx_reply_retransmissions(set.get("tx.reply_retransmissions")),
      tx_errors(set.get("tx.errors")),
      timeouts(set.get("timeouts")),
      pending_limit(set.get("pending_limit_exceeded")),
      cache_expired(set.get("cache.expired")),
      cache_confirmed(set.get("cache.confirmed")) {}

transaction_engine::transaction_engine(timer_service& timers, transaction_notifier& notifier,
                                       counter_set& counters, transaction_config config,
                                       std::function<double()> uniform)
    : timers_(timers),
      notifier_(notifier),
      config_(std::move(config)),
      uniform_(std::move(uniform)),
      counters_(counters),
      next_id_(config_.first_transaction_id >= 1 ? config_.first_transaction_id : 1) {
  if (!uniform_) {
    auto rng = std::make_shared<std::mt19937_64>(static_cast<std::uint64_t>(timers.now().time_since_epoch().count()));
    uniform_ = [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); };
  }
  message header;
  header.version = config_.version;
  header.sender = config_.self;
  header_ = serialize(header, serialize_options{config_.compact});
}

transaction_engine::~transaction_engine() {
  for (const auto& [token, id] : live_timers_) timers_.cancel(id);
}

// ---- turns ----------------------------------------------------------------------------------

void transaction_engine::end_turn() {
  if (--depth_ != 0) return;
  // Flushing calls on_send, which may send more: keep the turn open and go round until every
  // queue is empty.
  ++depth_;
  for (bool again = true; again;) {
    again = false;
    for (auto& [p, link] : peers_) {
      if (link.replies.empty() && link.pendings.empty() && link.acks.empty() && link.requests.empty() &&
          !link.message_error)
        continue;
      flush_peer(p, link);
      again = true;
    }
  }
  --depth_;
}

void transaction_engine::flush_peer(const peer& to, peer_link& link) {
  std::vector<std::string> texts = std::move(link.replies);
  std::vector<std::string> pendings = std::move(link.pendings);
  std::vector<std::uint32_t> acks = std::move(link.acks);
  std::vector<std::uint32_t> requests = std::move(link.requests);
  std::optional<error_descriptor> message_error = std::move(link.message_error);
  link.replies.clear();
  link.pendings.clear();
  link.acks.clear();
  link.requests.clear();
  link.message_error.reset();

  if (message_error) {
    // Annex B messageBody: an error descriptor stands alone in its message.
    message m;
    m.version = config_.version;
    m.sender = config_.self;
    m.error = *message_error;
    counters_.tx_messages.add();
    counters_.tx_errors.add();
    notifier_.on_send(to, serialize(m, serialize_options{config_.compact}));
  }

  texts.insert(texts.end(), std::make_move_iterator(pendings.begin()), std::make_move_iterator(pendings.end()));
  if (!acks.empty()) {
    // Annex D.1.1: one TransactionResponseAck with ranges of consecutive ids.
    std::sort(acks.begin(), acks.end());
    acks.erase(std::unique(acks.begin(), acks.end()), acks.end());
    transaction_response_ack k;
    for (std::uint32_t id : acks) {
      if (!k.ranges.empty() && k.ranges.back().last.value() + 1 == id) {
        k.ranges.back().last = transaction_id{id};
      } else {
        k.ranges.push_back({transaction_id{id}, transaction_id{id}});
      }
    }
    counters_.tx_acks.add();
    texts.push_back(text_of(k));
  }
  std::vector<std::uint32_t> sent_requests;
  for (std::uint32_t id : requests) {
    auto it = outgoing_.find(id);
    if (it == outgoing_.end() || it->second.state != outgoing_state::queued) continue;
    texts.push_back(it->second.text);
    sent_requests.push_back(id);
  }

  std::string message_text = header_;
  bool has_body = false;
  const auto send = [&] {
    if (!has_body) return;
    counters_.tx_messages.add();
    notifier_.on_send(to, message_text);
    message_text = header_;
    has_body = false;
  };
  for (const std::string& t : texts) {
    if (has_body && message_text.size() + t.size() + 1 > config_.max_message_bytes) send();
    message_text += t;
    message_text += '\n';
    has_body = true;
  }
  send();
  for (std::uint32_t id : sent_requests) {
    counters_.tx_requests.add();
    start_waiting(id, outgoing_.at(id));
  }
}

std::string transaction_engine::text_of(const transaction& t) const {
  return serialize(t, serialize_options{config_.compact});
}

// ---- timers ---------------------------------------------------------------------------------

transaction_engine::timer_token transaction_engine::arm(duration delay, std::function<void()> fn) {
  const timer_token token = next_token_++;
  const timer_id id = timers_.schedule_after(delay, [this, token, fn = std::move(fn)] {
    live_timers_.erase(token);
    begin_turn();
    fn();
    end_turn();
  });
  live_timers_.emplace(token, id);
  return token;
}

void transaction_engine::disarm(timer_token& token) {
  if (token == 0) return;
  if (auto it = live_timers_.find(token); it != live_timers_.end()) {
    timers_.cancel(it->second);
    live_timers_.erase(it);
  }
  token = 0;
}

transaction_engine::peer_link& transaction_engine::link_of(const peer& p) {
  return peers_.try_emplace(p, config_).first->second;
}

const rto_estimator* transaction_engine::estimator_of(const peer& p) const {
  auto it = peers_.find(p);
  return it == peers_.end() ? nullptr : &it->second.rto;
}

// ---- receiving ------------------------------------------------------------------------------

void transaction_engine::on_datagram(const peer& from, std::string_view datagram) {
  batch turn(*this);
  counters_.rx_messages.add();
  partial_message m = parse_message_partial(datagram);
  if (m.head.error) {
    counters_.rx_message_errors.add();
    notifier_.on_message_error(from, *m.head.error);
    return;
  }
  // H.248.1 §8: the transactions of a message are independent; each is handled in order, and
  // those complete before a fault are handled before the fault is answered.
  for (const transaction& t : m.head.transactions) {
    if (const auto* r = std::get_if<transaction_request>(&t)) handle_request(from, m.head.sender, *r);
    else if (const auto* p = std::get_if<transaction_reply>(&t)) handle_reply(from, *p);
    else if (const auto* n = std::get_if<transaction_pending>(&t)) handle_pending(from, *n);
    else handle_ack(from, std::get<transaction_response_ack>(t));
  }
  if (m.error) handle_malformed(from, *m.error, datagram);
}

void transaction_engine::handle_malformed(const peer& from, const parse_error& error, std::string_view datagram) {
  counters_.rx_malformed.add();
  if (config_.answer_malformed) {
    if (error.answerable()) {
      const incoming_key key{from, error.transaction->value()};
      auto it = incoming_.find(key);
      if (it == incoming_.end()) {
        // A bad request is answered like any other (H.248.1 §8.2.3): its error reply is cached
        // so that its retransmissions get the same answer.
        incoming_transaction& t = incoming_[key];
        transaction_reply reply;
        reply.id = *error.transaction;
        reply.error = error_descriptor{error.code, std::string(error.reason)};
        answer(key, t, text_of(reply));
      } else if (it->second.state == incoming_state::answered) {
        counters_.rx_cache_hits.add();
        counters_.tx_reply_retransmissions.add();
        link_of(from).replies.push_back(it->second.reply);
      }
    } else if (error.sender && !error.transaction) {
      // The header was read but no transaction: answer with a message-level error.
      link_of(from).message_error = error_descriptor{error.code, std::string(error.reason)};
    }
  }
  notifier_.on_malformed(from, error, datagram);
}

}  // namespace tandem::h248
