#pragma once
/// The H.248.1 transaction layer over UDP (§8, Annex D.1) of an MG or an MGC: retransmission
/// of requests with an adaptive timer and backoff, TransactionPending for long transactions
/// (sent automatically, and honoured by waiting longer up to a limit), at-most-once execution
/// of incoming requests with the reply cached for LONG-TIMER, and TransactionResponseAck both
/// ways (sent for replies received; received acks free cached replies early).
///
/// Sans-I/O: datagrams come in through on_datagram and go out through
/// transaction_notifier::on_send; time comes from the injected timer_service. The engine
/// parses messages with parse_message and writes them with serialize.
///
/// Threads: every member, entry point and timer callback runs on the one thread that drives
/// the timer_service (the control-plane io_context); nothing is locked.
///
/// Turns: transactions queued to one peer during one turn (one entry point call, one timer
/// callback, or an explicit batch) leave together in one message (H.248.1 §8: a message
/// carries several transactions), in this order: replies, pendings, the response
/// acknowledgement, requests; a message past max_message_bytes is split.
///
/// Incoming request (Annex D.1.1, D.1.4), per (peer, transaction id):
///   processing --pending_after, or a duplicate--> pending_sent (TransactionPending sent)
///   processing, pending_sent --send_reply--> answered (reply cached; duplicates get it again)
///   answered --TransactionResponseAck--> confirmed (reply freed; duplicates dropped)
///   answered, confirmed --LONG-TIMER--> (forgotten)
/// Outgoing request:
///   queued --message sent--> waiting --timer--> waiting (retransmitted, backoff)
///   waiting --TransactionPending--> pending --pending_wait--> waiting (retransmitted)
///   waiting, pending --reply--> finished (acknowledged) --LONG-TIMER--> (id free again)
///   waiting --max_retransmissions--> finished (failed);  pending --max_pendings--> finished (failed)
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/expected.hpp"
#include "proto/h248/message.hpp"
#include "proto/h248/transaction/peer.hpp"
#include "proto/h248/transaction/rto_estimator.hpp"
#include "proto/h248/transaction/transaction_config.hpp"
#include "proto/h248/transaction/transaction_notifier.hpp"

namespace tandem::h248 {

/// Why send_request / send_reply / send_pending refused.
enum class send_error {
  no_actions,           ///< a request needs at least one action
  no_such_transaction,  ///< reply or pending for a request never received (or forgotten)
  already_answered,     ///< a reply was already given
  ids_exhausted,        ///< every transaction id is in use
};

class transaction_engine {
 public:
  /// `uniform` gives numbers in [0, 1) for the random part of retransmission timers; by
  /// default a pseudo-random generator seeded from the clock. Counters are listed in
  /// docs/h248-conformance.md.
  transaction_engine(timer_service& timers, transaction_notifier& notifier, counter_set& counters,
                     transaction_config config = {}, std::function<double()> uniform = {});
  ~transaction_engine();
  transaction_engine(const transaction_engine&) = delete;
  transaction_engine& operator=(const transaction_engine&) = delete;

  /// One received datagram (one message, Annex D.1): every transaction in it is handled in
  /// order.
  void on_datagram(const peer& from, std::string_view datagram);

  /// Sends a request with a fresh transaction id, which it returns.
  expected<transaction_id, send_error> send_request(const peer& to, std::vector<action_request> actions);

  /// Answers a request received from `to` (reply.id names it). The reply is cached for
  /// LONG-TIMER to answer retransmissions.
  expected<void, send_error> send_reply(const peer& to, transaction_reply reply);

  /// Sends TransactionPending for a request being processed (the engine also does so by
  /// itself after pending_after).
  expected<void, send_error> send_pending(const peer& to, transaction_id id);

  /// Holds the current turn open: everything sent until the batch ends shares messages.
  class batch {
   public:
    explicit batch(transaction_engine& engine) : engine_(&engine) { engine_->begin_turn(); }
    ~batch() {
      if (engine_ != nullptr) engine_->end_turn();
    }
    batch(batch&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)) {}
    batch(const batch&) = delete;
    batch& operator=(const batch&) = delete;
    batch& operator=(batch&&) = delete;

   private:
    transaction_engine* engine_;
  };
  [[nodiscard]] batch begin_batch() { return batch(*this); }

  // ---- introspection (tests, management) ----------------------------------------------------
  [[nodiscard]] std::size_t incoming_count() const noexcept { return incoming_.size(); }
  [[nodiscard]] std::size_t outgoing_count() const noexcept { return outgoing_.size(); }
  [[nodiscard]] const rto_estimator* estimator_of(const peer& p) const;
  [[nodiscard]] const transaction_config& config() const noexcept { return config_; }

 private:
  using timer_token = std::uint64_t;  // 0: none

  enum class incoming_state { processing, pending_sent, answered, confirmed };
  struct incoming_transaction {
    incoming_state state = incoming_state::processing;
    std::string reply;        // serialised transaction, while answered
    timer_token timer = 0;    // processing: automatic pending; answered/confirmed: LONG-TIMER
  };
  using incoming_key = std::pair<peer, std::uint32_t>;

  enum class outgoing_state { queued, waiting, pending, finished };
  struct outgoing_transaction {
    peer to;
    std::string text;  // serialised transaction, until finished
    outgoing_state state = outgoing_state::queued;
    time_point first_sent{};
    unsigned retransmissions = 0;
    unsigned pendings = 0;
    duration working_aad{};
    timer_token timer = 0;
  };

  struct peer_link {
    explicit peer_link(const transaction_config& config) : rto(config) {}
    rto_estimator rto;
    std::vector<std::string> replies;   // serialised, in order
    std::vector<std::string> pendings;  // serialised
    std::vector<std::uint32_t> acks;    // reply ids to acknowledge
    std::vector<std::uint32_t> requests;
    std::optional<error_descriptor> message_error;
  };

  struct engine_counters {
    explicit engine_counters(counter_set& set);
    counter &rx_messages, &rx_requests, &rx_replies, &rx_pendings, &rx_acks, &rx_malformed,
        &rx_message_errors, &rx_duplicate_requests, &rx_cache_hits, &rx_duplicate_confirmed,
        &rx_unknown_replies, &rx_duplicate_replies, &rx_unknown_pendings;
    counter &tx_messages, &tx_requests, &tx_replies, &tx_pendings, &tx_acks, &tx_retransmissions,
        &tx_reply_retransmissions, &tx_errors;
    counter &timeouts, &pending_limit, &cache_expired, &cache_confirmed;
  };

  // frame (transaction_engine.cpp)
  void begin_turn() noexcept { ++depth_; }
  void end_turn();
  void flush_peer(const peer& to, peer_link& link);
  timer_token arm(duration delay, std::function<void()> fn);
  void disarm(timer_token& token);
  peer_link& link_of(const peer& p);
  std::string text_of(const transaction& t) const;
  void handle_malformed(const peer& from, const parse_error& error, std::string_view datagram);

  // incoming requests, our replies and pendings, acks received (incoming.cpp)
  void handle_request(const peer& from, const message_id& sender, const transaction_request& r);
  void handle_ack(const peer& from, const transaction_response_ack& k);
  void on_auto_pending(const incoming_key& key);
  void answer(const incoming_key& key, incoming_transaction& t, std::string reply_text);

  // outgoing requests, replies and pendings received (outgoing.cpp)
  void handle_reply(const peer& from, const transaction_reply& r);
  void handle_pending(const peer& from, const transaction_pending& p);
  expected<transaction_id, send_error> allocate_id();
  void start_waiting(std::uint32_t id, outgoing_transaction& t);
  void on_retransmit_timer(std::uint32_t id);
  void on_pending_timer(std::uint32_t id);
  void finish_outgoing(std::uint32_t id, outgoing_transaction& t);

  timer_service& timers_;
  transaction_notifier& notifier_;
  const transaction_config config_;
  std::function<double()> uniform_;
  engine_counters counters_;
  std::string header_;

  std::map<peer, peer_link> peers_;
  std::map<incoming_key, incoming_transaction> incoming_;
  std::map<std::uint32_t, outgoing_transaction> outgoing_;
  std::uint32_t next_id_;

  unsigned depth_ = 0;
  timer_token next_token_ = 1;
  std::unordered_map<timer_token, timer_id> live_timers_;
};

}  // namespace tandem::h248
