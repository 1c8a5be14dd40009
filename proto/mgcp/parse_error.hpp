#pragma once
/// Why a message did not parse: where, and what the agent answers (RFC 3435 §2.4).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "proto/mgcp/return_code.hpp"
#include "proto/mgcp/transaction/envelope.hpp"

namespace tandem::mgcp {

struct parse_error {
  /// Byte offset in the input (the message, or the datagram for parse_datagram) where the
  /// fault was found.
  std::size_t position = 0;
  /// The return code a gateway or call agent answers this message with.
  return_code code = return_code::protocol_error;
  /// A fixed English description of the fault.
  std::string_view reason;
  /// What the first line said, as far as it could be read (RFC 3435 §3.5.1: every command is
  /// answered, so a command with a malformed tail keeps its verb and transaction id).
  message_kind kind = message_kind::command;
  std::optional<transaction_id> id;
  std::string verb;  ///< as written, "" when unknown or for a response

  /// True when the agent can answer: a command whose transaction id was read.
  bool answerable() const { return kind == message_kind::command && id.has_value(); }
};

}  // namespace tandem::mgcp
