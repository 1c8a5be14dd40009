#pragma once
/// The H.248.1 text-encoding parser (Annex B ABNF, pretty and compact tokens). Pure: it never
/// logs, counts or changes state; a failure is a value with a byte position and the H.248.8
/// code to answer with.
#include <optional>
#include <string_view>

#include "common/expected.hpp"
#include "proto/h248/message.hpp"
#include "proto/h248/parse_error.hpp"

namespace tandem::h248 {

struct parse_options {
  /// Check every Local and Remote descriptor with the SDP parser (proto/sdp, Sofia-SIP), with
  /// the CHOOSE `$` values of H.248.1 §7.1.8 allowed. A bad one fails the command with 442.
  bool validate_sdp = true;
  /// Refuse a ServiceChange request without Method or Reason (both mandatory: H.248.1
  /// §7.2.8, and not OPTIONAL in the Annex A ASN.1) with 442.
  bool require_service_change_reason = true;
};

/// Parses one message (one UDP datagram carries one message: H.248.1 Annex D.1).
expected<message, parse_error> parse_message(std::string_view text, const parse_options& options = {});

/// What parse_message_partial read: on a fault, `head` holds the header (when it was read) and
/// the transactions complete before the fault, and `error` the fault. H.248.1 §8: the
/// transactions of a message are independent, so a receiver executes those and answers the
/// faulty request with an error; what follows the fault cannot be read reliably and is lost.
struct partial_message {
  message head;
  std::optional<parse_error> error;
};
partial_message parse_message_partial(std::string_view text, const parse_options& options = {});

}  // namespace tandem::h248
