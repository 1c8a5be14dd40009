#include "proto/mgcp/transaction/transaction_engine.hpp"

#include "proto/mgcp/transaction/message_text.hpp"

/// The engine's frame: construction, turns and piggybacked flushing (RFC 3435 §3.5.5), timer
/// bookkeeping, and dispatch of received messages. Incoming commands live in incoming.cpp,
/// outgoing ones in outgoing.cpp, the per-peer link state in peer_link_state.cpp.

namespace tandem::mgcp {

transaction_engine::engine_counters::engine_counters(counter_set& set)
    : rx_datagrams(set.get("rx.datagrams")),
      rx_commands(set.get("rx.commands")),
      rx_responses(set.get("rx.responses")),
      rx_provisional(set.get("rx.provisional")),
      rx_response_acks(set.get("rx.response_acks")),
      rx_malformed(set.get("rx.malformed")),
      rx_bad_response_ack(set.get("rx.bad_response_ack")),
      rx_duplicate_commands(set.get("rx.duplicate_commands")),
      rx_cache_hits(set.get("rx.cache_hits")),
      rx_duplicate_confirmed(set.get("rx.duplicate_confirmed")),
      rx_unknown_responses(set.get("rx.unknown_responses")),
      rx_duplicate_responses(set.get("rx.duplicate_responses")),
      rx_unknown_response_acks(set.get("rx.unknown_response_acks")),
      tx_datagrams(set.get("tx.datagrams")),
      tx_commands(set.get("tx.commands")),
      tx_responses(set.get("tx.responses")),
      tx_provisional(set.get("tx.provisional")),
      tx_response_acks(set.get("tx.response_acks")),
      tx_retransmissions(set.get("tx.retransmissions")),
      tx_response_retransmissions(set.get("tx.response_retransmissions")),
      timeouts(set.get("timeouts")),
      response_ack_timeouts(set.get("response_ack_timeouts")),
      cache_expired(set.get("cache.expired")),
      cache_confirmed(set.get("cache.confirmed")),
      peers_suspect(set.get("peers.suspect")),
      peers_disconnected(set.get("peers.disconnected")) {}

transaction_engine::transaction_engine(timer_service& timers, transaction_notifier& notifier,
                                       counter_set& counters, transaction_config config,
                                       std::unique_ptr<random_source> random)
    : timers_(timers),
      notifier_(notifier),
      config_(config),
      random_(random ? std::move(random)
                     : make_random_source(static_cast<std::uint64_t>(
                           timers.now().time_since_epoch().count()))),
      counters_(counters),
      next_id_(config.first_transaction_id >= 1 &&
                       config.first_transaction_id <= max_transaction_id
                   ? config.first_transaction_id
                   : 1) {}

transaction_engine::~transaction_engine() {
  for (const auto& [token, id] : live_timers_) timers_.cancel(id);
}

// ---- turns ----------------------------------------------------------------------------------

void transaction_engine::end_turn() {
  if (--depth_ != 0) return;
  // Flushing calls on_send, which may send more (a nested turn): keep the turn open while
  // flushing and go round until every queue is empty.
  ++depth_;
  bool again = true;
  while (again) {
    again = false;
    for (auto& [p, link] : peers_) {
      if (link.queued_responses.empty() && link.queued_commands.empty() &&
          link.pending_acks.empty())
        continue;
      flush_peer(p, link);
      again = true;
    }
  }
  --depth_;
}

void transaction_engine::flush_peer(const peer& to, peer_link& link) {
  std::vector<std::string> responses = std::move(link.queued_responses);
  std::vector<transaction_id> commands = std::move(link.queued_commands);
  std::vector<transaction_id> acks = std::move(link.pending_acks);
  link.queued_responses.clear();
  link.queued_commands.clear();
  link.pending_acks.clear();

  // RFC 3435 §3.5.6: final responses that asked for it are acknowledged, either in the K: of a
  // command leaving now, or by a 000 response; never both (RFC 3435 §3.5.2: a response SHOULD
  // NOT be confirmed in two messages).
  if (!acks.empty()) {
    outgoing_transaction* carrier = nullptr;
    if (!commands.empty()) {
      auto it = outgoing_.find(commands.front().value());
      if (it != outgoing_.end()) {
        auto env = peek(it->second.text);
        if (env && !env->has_response_ack) carrier = &it->second;
      }
    }
    if (carrier != nullptr) {
      carrier->text =
          with_parameter_line(carrier->text, "K: " + format_response_ack(ranges_of(acks)));
    } else {
      for (transaction_id id : acks) {
        responses.push_back("000 " + std::to_string(id.value()) + "\n");
        counters_.tx_response_acks.add();
      }
    }
  }

  // Pack responses first, then commands, into datagrams of at most max_datagram_bytes.
  struct pending_datagram {
    std::vector<std::string> messages;
    std::vector<transaction_id> commands;
    std::size_t bytes = 0;
  };
  std::vector<pending_datagram> datagrams;
  auto add = [&](std::string text, const transaction_id* command) {
    const std::size_t extra = text.size() + 2;  // ".\n" separator
    if (datagrams.empty() ||
        (datagrams.back().bytes + extra > config_.max_datagram_bytes &&
         !datagrams.back().messages.empty()))
      datagrams.emplace_back();
    datagrams.back().bytes += extra;
    datagrams.back().messages.push_back(std::move(text));
    if (command != nullptr) datagrams.back().commands.push_back(*command);
  };
  for (std::string& r : responses) add(std::move(r), nullptr);
  for (const transaction_id& id : commands) {
    auto it = outgoing_.find(id.value());
    if (it == outgoing_.end() || it->second.state != outgoing_state::queued) continue;
    add(it->second.text, &id);
  }
  for (pending_datagram& d : datagrams) {
    send_datagram(to, join_datagram(d.messages));
    counters_.tx_commands.add(d.commands.size());
    if (!d.commands.empty()) start_group(to, std::move(d.commands), 0);
  }
}

void transaction_engine::send_datagram(const peer& to, std::string_view datagram) {
  counters_.tx_datagrams.add();
  notifier_.on_send(to, datagram);
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

link_state transaction_engine::state_of(const peer& p) const {
  auto it = peers_.find(p);
  return it == peers_.end() ? link_state::connected : it->second.state;
}

const rto_estimator* transaction_engine::estimator_of(const peer& p) const {
  auto it = peers_.find(p);
  return it == peers_.end() ? nullptr : &it->second.rto;
}

// ---- receiving ------------------------------------------------------------------------------

void transaction_engine::on_datagram(const peer& from, std::string_view datagram) {
  batch turn(*this);
  counters_.rx_datagrams.add();
  auto messages = split_datagram(datagram);
  if (!messages) {
    counters_.rx_malformed.add();
    notifier_.on_malformed(from, messages.error(), datagram);
    return;
  }
  // RFC 3435 §3.5.5: piggybacked messages are processed in order, each on its own; an error in
  // one does not affect the others.
  for (std::string_view message : *messages) handle_message(from, message);
}

void transaction_engine::handle_message(const peer& from, std::string_view message) {
  auto env = peek(message);
  if (!env) {
    counters_.rx_malformed.add();
    handle_malformed_command(from, env.error(), message);
    return;
  }
  if (env->kind == message_kind::command) {
    handle_command(from, *env);
  } else if (env->response_code == 0) {
    handle_response_ack(from, *env);
  } else {
    handle_response(from, *env);
  }
}

}  // namespace tandem::mgcp
