#pragma once
/// What the H.248 transaction engine tells the rest of the entity (MG or MGC): the outbound
/// port.
#include <string_view>

#include "proto/h248/message.hpp"
#include "proto/h248/parse_error.hpp"
#include "proto/h248/transaction/peer.hpp"

namespace tandem::h248 {

/// Why an outgoing request ended without a reply.
enum class failure_reason {
  retransmissions_exhausted,  ///< Annex D.1.3: max_retransmissions went unanswered
  too_many_pendings,          ///< H.248.8 506: more TransactionPendings than max_pendings
};

/// Called on the thread that drives the engine, from inside its entry points or timers. The
/// references passed are valid only during the call. Calling the engine's send_* from inside
/// a callback is allowed (the transaction joins the current turn's message).
class transaction_notifier {
 public:
  virtual ~transaction_notifier() = default;

  /// Puts one datagram (one H.248 message) on the wire to `to`.
  virtual void on_send(const peer& to, std::string_view datagram) = 0;

  /// A new request (never a retransmission of one already delivered): answer it with
  /// transaction_engine::send_reply(from, reply with request.id).
  virtual void on_request(const peer& from, const message_id& sender, const transaction_request& request) = 0;

  /// The reply to a request sent with send_request.
  virtual void on_reply(const peer& from, const transaction_reply& reply) = 0;

  /// A request sent with send_request will get no reply.
  virtual void on_transaction_failed(const peer& to, transaction_id id, failure_reason why) = 0;

  /// A message that did not parse. The engine has already answered it when it could (see
  /// transaction_config::answer_malformed).
  virtual void on_malformed(const peer& from, const parse_error& error, std::string_view datagram) = 0;

  /// The peer sent a message-level error descriptor (its answer to a message it could not
  /// read, H.248.1 Annex B messageBody).
  virtual void on_message_error(const peer& from, const error_descriptor& error) {
    (void)from;
    (void)error;
  }
};

}  // namespace tandem::h248
