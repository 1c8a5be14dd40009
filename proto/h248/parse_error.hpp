#pragma once
/// Why a message did not parse: where, and which H.248.8 error the receiver answers with.
#include <cstddef>
#include <optional>
#include <string_view>

#include "proto/h248/error_code.hpp"
#include "proto/h248/identifiers.hpp"

namespace tandem::h248 {

enum class transaction_kind { request, reply, pending, response_ack };

struct parse_error {
  /// Byte offset in the input where the fault was found.
  std::size_t position = 0;
  /// The code to answer with (H.248.8): 400/401/406 for the message header and body, 403 for
  /// a transaction request, 410 for a bad identifier, 422 for an action, 442 for a command,
  /// 443/444/446/447/448/449/456 for unknown or misplaced commands, descriptors and values.
  error_code code = error_code::syntax_error_in_message;
  /// A fixed English description of the fault.
  std::string_view reason;
  /// The sender's mId, when the header was read.
  std::optional<message_id> sender;
  /// The transaction the fault is in, when its id was read (H.248.1 §8.2: a request with an
  /// error is answered with a reply carrying an error descriptor for that transaction).
  std::optional<transaction_id> transaction;
  std::optional<transaction_kind> kind;

  /// True when the receiver can answer with a transaction reply (a request whose id was read);
  /// otherwise the answer, if any, is a message-level error descriptor.
  [[nodiscard]] bool answerable() const {
    return transaction.has_value() && kind == transaction_kind::request;
  }
};

}  // namespace tandem::h248
