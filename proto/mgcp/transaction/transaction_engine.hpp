#pragma once
/// The RFC 3435 §3.5 transaction layer of an MGCP entity (call agent or gateway): at-most-once
/// delivery of incoming commands with a response cache, retransmission of outgoing commands
/// with an adaptive timer, provisional responses and the three-way handshake, response
/// acknowledgements, piggybacking, and detection of lost associations (RFC 3435 §4.3, §4.4.6).
///
/// Sans-I/O: datagrams come in through on_datagram and go out through
/// transaction_notifier::on_send; time comes from the injected timer_service. Message text is
/// read only through peek (envelope.hpp); the full parser is the application's business.
///
/// Threads: every member, entry point and timer callback runs on the one thread that drives
/// the timer_service (the control-plane io_context); nothing is locked.
///
/// Turns: messages queued to one peer during one turn (one entry point call, one timer
/// callback, or an explicit batch) leave together at the end of the turn, piggybacked
/// (RFC 3435 §3.5.5), in this order: responses (provisional and final, in the order they were
/// given), then response acknowledgements (000), then commands (in the order they were
/// given). Commands that left in one datagram are retransmitted together, so their order
/// holds on retransmission too.
///
/// Per-peer link state (RFC 3435 §4.3, §4.4.6):
///   connected    --Max1 reached-->              suspect (on_peer_suspect)
///   connected,
///   suspect      --Max2 reached-->              disconnected (on_peer_disconnected, timer armed)
///   disconnected --timer, or command received--> restarting (on_disconnected_procedure_due)
///   restarting   --Max2 reached-->              disconnected (timer doubled, tdmin..tdmax)
///   any          --response received-->         connected (on_peer_reconnected if it was
///                                               disconnected or restarting)
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
#include "proto/mgcp/transaction/envelope.hpp"
#include "proto/mgcp/transaction/peer.hpp"
#include "proto/mgcp/transaction/random_source.hpp"
#include "proto/mgcp/transaction/rto_estimator.hpp"
#include "proto/mgcp/transaction/transaction_config.hpp"
#include "proto/mgcp/transaction/transaction_notifier.hpp"

namespace tandem::mgcp {

/// Why send_command / send_response refused a message.
enum class send_error {
  malformed_message,        ///< the text does not frame (see peek)
  not_a_command,            ///< send_command was given a response
  not_a_response,           ///< send_response was given a command
  response_ack_not_allowed, ///< 000 is sent by the engine itself
  transaction_id_mismatch,  ///< the response's first line names another transaction
  no_such_transaction,      ///< provisional response to a command never received
  already_answered,         ///< a final response was already given
  ids_exhausted,            ///< every transaction id is in use
};

/// RFC 3435 §3.5.6 / §2.4: the two provisional response codes.
enum class provisional_code { pending = 100, queued = 101 };

/// RFC 3435 §4.3, §4.4.6: what the engine knows of a peer's reachability.
enum class link_state { connected, suspect, disconnected, restarting };

class transaction_engine {
 public:
  /// `counters` gets the names listed in docs/mgcp-transactions.md. `random` defaults to a
  /// pseudo-random source seeded from the clock.
  transaction_engine(timer_service& timers, transaction_notifier& notifier,
                     counter_set& counters, transaction_config config = {},
                     std::unique_ptr<random_source> random = nullptr);
  ~transaction_engine();
  transaction_engine(const transaction_engine&) = delete;
  transaction_engine& operator=(const transaction_engine&) = delete;

  // ---- inbound ------------------------------------------------------------------------------

  /// A datagram received from `from`: each piggybacked message is handled in order.
  void on_datagram(const peer& from, std::string_view datagram);

  /// Sends a command. The second field of `text`'s first line is a placeholder (write "0");
  /// the engine puts the allocated transaction id there and returns it.
  expected<transaction_id, send_error> send_command(const peer& to, std::string_view text);

  /// Answers a command received from `to` (on_command, or on_malformed with an id). A 1xx
  /// response is provisional (RFC 3435 §3.5.6); any other code is final. A final response
  /// after a provisional one gets an empty K: line and is retransmitted until acknowledged.
  expected<void, send_error> send_response(const peer& to, transaction_id id,
                                           std::string_view text);

  /// Sends "100 <id> pending" or "101 <id> queued".
  expected<void, send_error> send_provisional(const peer& to, transaction_id id,
                                              provisional_code code);

  /// Holds the current turn open: everything sent until the batch is destroyed shares
  /// datagrams per peer.
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

  [[nodiscard]] link_state state_of(const peer& p) const;
  /// Incoming transactions remembered (processing, answered, or confirmed within T-HIST).
  [[nodiscard]] std::size_t incoming_count() const noexcept { return incoming_.size(); }
  /// Outgoing transaction ids in use (pending, or ended less than T-HIST ago).
  [[nodiscard]] std::size_t outgoing_count() const noexcept { return outgoing_.size(); }
  /// The peer's timer estimate, or nullptr before any exchange with it.
  [[nodiscard]] const rto_estimator* estimator_of(const peer& p) const;
  [[nodiscard]] const transaction_config& config() const noexcept { return config_; }

 private:
  using timer_token = std::uint64_t;  // 0: none

  /// RFC 3435 §3.5.1: an incoming command and what was answered to it.
  ///   processing --provisional--> provisional_sent --final--> awaiting_ack --000/K:--> confirmed
  ///   processing --final--> answered --000/K:--> confirmed
  ///   awaiting_ack --Max2 retransmissions--> answered;  any but processing --T-HIST--> (erased)
  enum class incoming_state { processing, provisional_sent, answered, awaiting_ack, confirmed };
  struct incoming_transaction {
    incoming_state state = incoming_state::processing;
    std::string response;    // last response sent (replayed to retransmissions)
    timer_token timer = 0;   // processing: auto provisional; awaiting_ack: retransmission
    timer_token expiry = 0;  // T-HIST after the final response
    unsigned retransmissions = 0;
    duration working_aad{};
  };
  using incoming_key = std::pair<peer, std::uint32_t>;

  /// An outgoing command.
  ///   queued --flushed--> waiting --1xx--> provisional --LONGTRAN--> waiting
  ///   waiting, provisional --final--> finished;  waiting --Max2--> finished (failed)
  ///   finished --T-HIST--> (erased, id free again)
  enum class outgoing_state { queued, waiting, provisional, finished };
  struct outgoing_transaction {
    peer to;
    std::string text;
    outgoing_state state = outgoing_state::queued;
    std::uint64_t group = 0;  // retransmission group while waiting
    timer_token timer = 0;    // provisional: LONGTRAN timer; finished: T-HIST expiry
  };

  /// Commands that left in one datagram: retransmitted together on one timer.
  struct retransmission_group {
    peer to;
    std::vector<transaction_id> members;
    time_point first_sent;
    unsigned retransmissions = 0;
    duration working_aad{};
    timer_token timer = 0;
  };

  /// What the engine keeps per peer.
  struct peer_link {
    explicit peer_link(const transaction_config& config) : rto(config) {}
    rto_estimator rto;
    link_state state = link_state::connected;
    timer_token disconnected_timer = 0;
    duration disconnected_wait{};
    std::vector<std::string> queued_responses;
    std::vector<transaction_id> queued_commands;
    std::vector<transaction_id> pending_acks;
  };

  struct engine_counters {
    explicit engine_counters(counter_set& set);
    counter &rx_datagrams, &rx_commands, &rx_responses, &rx_provisional, &rx_response_acks,
        &rx_malformed, &rx_bad_response_ack, &rx_duplicate_commands, &rx_cache_hits,
        &rx_duplicate_confirmed, &rx_unknown_responses, &rx_duplicate_responses,
        &rx_unknown_response_acks;
    counter &tx_datagrams, &tx_commands, &tx_responses, &tx_provisional, &tx_response_acks,
        &tx_retransmissions, &tx_response_retransmissions;
    counter &timeouts, &response_ack_timeouts, &cache_expired, &cache_confirmed, &peers_suspect,
        &peers_disconnected;
  };

  // turns and timers (transaction_engine.cpp)
  void begin_turn() noexcept { ++depth_; }
  void end_turn();
  void flush_peer(const peer& to, peer_link& link);
  void send_datagram(const peer& to, std::string_view datagram);
  timer_token arm(duration delay, std::function<void()> fn);
  void disarm(timer_token& token);
  peer_link& link_of(const peer& p);
  void handle_message(const peer& from, std::string_view message);

  // incoming commands and our responses (incoming.cpp)
  void handle_command(const peer& from, const envelope& env);
  void handle_response_ack(const peer& from, const envelope& env);
  void handle_malformed_command(const peer& from, const envelope_error& error,
                                std::string_view message);
  void replay(const peer& from, incoming_transaction& t);
  void confirm(incoming_transaction& t);
  void confirm_ranges(const peer& from, const std::vector<transaction_range>& ranges);
  void finish_incoming(const incoming_key& key, incoming_transaction& t);
  void on_auto_provisional(const incoming_key& key);
  void on_response_retransmit(const incoming_key& key);

  // outgoing commands and their responses (outgoing.cpp)
  void handle_response(const peer& from, const envelope& env);
  expected<transaction_id, send_error> allocate_id();
  void start_group(const peer& to, std::vector<transaction_id> members, unsigned retransmissions);
  void leave_group(transaction_id id, outgoing_transaction& t, bool sample);
  void finish_outgoing(transaction_id id, outgoing_transaction& t);
  void on_group_timer(std::uint64_t group);
  void on_longtran_timer(transaction_id id);

  // link state (peer_link_state.cpp)
  void link_alive(const peer& p);
  void link_suspect(const peer& p);
  void link_failed(const peer& p);
  void link_command_received(const peer& p);

  timer_service& timers_;
  transaction_notifier& notifier_;
  const transaction_config config_;
  std::unique_ptr<random_source> random_;
  engine_counters counters_;

  std::map<peer, peer_link> peers_;
  std::map<incoming_key, incoming_transaction> incoming_;
  std::map<std::uint32_t, outgoing_transaction> outgoing_;
  std::map<std::uint64_t, retransmission_group> groups_;
  std::uint64_t next_group_ = 1;
  std::uint32_t next_id_;

  unsigned depth_ = 0;
  timer_token next_token_ = 1;
  std::unordered_map<timer_token, timer_id> live_timers_;
};

}  // namespace tandem::mgcp
