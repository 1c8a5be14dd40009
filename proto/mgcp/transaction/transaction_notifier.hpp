#pragma once
/// What the transaction engine tells the rest of the agent: the outbound port.
#include <string_view>

#include "proto/mgcp/transaction/envelope.hpp"
#include "proto/mgcp/transaction/peer.hpp"

namespace tandem::mgcp {

/// Why an outgoing transaction ended without a final response.
enum class failure_reason {
  /// RFC 3435 §4.3: Max2 retransmissions went unanswered.
  retransmissions_exhausted,
};

/// Called on the thread that drives the engine, from inside its entry points or timers. The
/// string views and envelopes passed are valid only during the call. Calling the engine's
/// send_* from inside a callback is allowed (the message joins the current turn's datagram).
class transaction_notifier {
 public:
  virtual ~transaction_notifier() = default;

  /// Puts one datagram on the wire to `to`.
  virtual void on_send(const peer& to, std::string_view datagram) = 0;

  /// A new command (never a retransmission of one already delivered): answer it with
  /// transaction_engine::send_response(from, command.id, ...).
  virtual void on_command(const peer& from, const envelope& command) = 0;

  /// The final response to a command sent with send_command.
  virtual void on_response(const peer& from, const envelope& response) = 0;

  /// A command sent with send_command will get no response.
  virtual void on_transaction_failed(const peer& to, transaction_id id, failure_reason why) = 0;

  /// RFC 3435 §4.3: a command to `p` reached Max1 retransmissions; re-resolve its address.
  virtual void on_peer_suspect(const peer& p) = 0;

  /// RFC 3435 §4.3: a command to `p` reached Max2; the association is lost.
  virtual void on_peer_disconnected(const peer& p) = 0;

  /// RFC 3435 §4.4.6: time (or a command from `p`) says to run the disconnected procedure now:
  /// a gateway sends RestartInProgress with RM: disconnected.
  virtual void on_disconnected_procedure_due(const peer& p) = 0;

  /// A response arrived from a peer that was disconnected.
  virtual void on_peer_reconnected(const peer& p) = 0;

  /// A datagram or message that could not be framed. When error.kind is command and error.id
  /// is set, the command can still be answered (e.g. 510) with send_response.
  virtual void on_malformed(const peer& from, const envelope_error& error,
                            std::string_view message) = 0;
};

}  // namespace tandem::mgcp
