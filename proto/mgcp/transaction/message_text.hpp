#pragma once
/// Small edits the transaction engine makes to message text it did not write: the transaction
/// id of an outgoing command, and a K: line (RFC 3435 §3.2.2.19, §3.5.6).
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "proto/mgcp/transaction/envelope.hpp"

namespace tandem::mgcp {

/// "\r\n" when the message's first line ends so, else "\n".
std::string_view line_ending_of(std::string_view message);

/// The command with the second field of its first line (the transaction id, whatever
/// placeholder the caller wrote there) replaced by `id`; checked with peek.
expected<std::string, envelope_error> with_transaction_id(std::string_view command,
                                                          transaction_id id);

/// The message with `line` inserted as the first parameter line (right after the first line),
/// in the message's own line ending.
std::string with_parameter_line(std::string_view message, std::string_view line);

/// The ids as sorted, merged ranges (for a K: line): {7, 1, 2, 3} gives 1-3, 7.
std::vector<transaction_range> ranges_of(std::vector<transaction_id> ids);

}  // namespace tandem::mgcp
