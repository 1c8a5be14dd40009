#pragma once
/// MGCP framing (RFC 3435 §3.1, §3.5.5): what the transaction layer must know of a message
/// before (and without) parsing it whole. Datagram split/join for piggybacking, and a "peek"
/// at the first line and the ResponseAck (K:) line.
///
/// Shared by the transaction engine (which owns this file) and the full message parser in
/// proto/mgcp (which reuses split_datagram, peek and parse_response_ack rather than doing the
/// same again). Pure: no I/O, no logging, no counters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "common/strong_id.hpp"

namespace tandem::mgcp {

/// RFC 3435 §3.2.1: 1..999,999,999 (a response acknowledgement "000" is a response code, not
/// a transaction id).
using transaction_id = strong_id<struct transaction_id_tag, std::uint32_t>;
inline constexpr std::uint32_t max_transaction_id = 999'999'999;

enum class message_kind { command, response };

/// Why framing failed, with the byte offset in the datagram or message where it did.
struct envelope_error {
  enum class code {
    empty,               ///< nothing but white space
    bad_first_line,      ///< first line is neither "VERB txid endpoint MGCP x.y" nor "code txid"
    bad_transaction_id,  ///< missing, not decimal, 0 (for a command) or over 999,999,999
    bad_response_code,   ///< response code is not three digits
    bad_response_ack,    ///< K: value is not a list of ids and id-id ranges
    line_too_long,       ///< a line exceeds max_line_length
  };
  code what;
  std::size_t position = 0;
  /// The transaction id when the first line got far enough to read one (e.g. a command whose
  /// endpoint or version is malformed), so that the agent can still answer it (RFC 3435 §3.5.1:
  /// every command is answered); 0 when unknown.
  transaction_id id{};
  /// What the first line looked like (a verb, or a response code), when that was known.
  message_kind kind = message_kind::command;
};

inline constexpr std::size_t max_line_length = 4096;

/// What a message says of itself on its first line (and its K: line).
struct envelope {
  message_kind kind = message_kind::command;
  /// Command: the verb as written (any case, e.g. "CRCX", "crcx", "XYZW"); empty for responses.
  std::string_view verb;
  transaction_id id;
  /// Response: the three-digit code (000..999); 0 for commands.
  int response_code = 0;
  /// Response: the text after the code and transaction id (may be empty).
  std::string_view response_text;
  /// True when a K: (ResponseAck) line is present, whatever its value.
  bool has_response_ack = false;
  /// The whole message (first line to end, SDP included), as split from its datagram.
  std::string_view text;
  /// Command: the endpoint name as written (not validated beyond being printable).
  std::string_view endpoint;
  /// Command: the protocol version ("1.0") and the optional profile ("NCS 1.0"), as written.
  std::string_view version;
  std::string_view profile;
  /// The raw K: value (white space trimmed) when has_response_ack; empty "K:" is the
  /// three-way-handshake request of RFC 3435 §3.5.6. Parse with parse_response_ack.
  std::string_view response_ack;
};

/// An inclusive range of transaction ids, as carried by K: (RFC 3435 §3.2.2.19).
struct transaction_range {
  transaction_id first;
  transaction_id last;
  friend bool operator==(const transaction_range&, const transaction_range&) = default;
};

/// Splits a datagram into its messages at lines holding a single "." (RFC 3435 §3.5.5).
/// Accepts LF and CRLF line ends. A datagram with no "." line is one message.
expected<std::vector<std::string_view>, envelope_error> split_datagram(std::string_view datagram);

/// Joins messages into one datagram, each separated by a "." line.
std::string join_datagram(const std::vector<std::string>& messages);

/// Reads the first line (and the K: line, if any) of one message. Works on a message whose
/// tail is malformed, so that the agent can still answer the right transaction.
expected<envelope, envelope_error> peek(std::string_view message);

/// Parses a K: value: "", "6234-6255, 6257, 19030-19044" (white space allowed around items).
expected<std::vector<transaction_range>, envelope_error> parse_response_ack(std::string_view value);

/// Formats ranges as a K: value ("1-3, 7").
std::string format_response_ack(const std::vector<transaction_range>& ranges);

}  // namespace tandem::mgcp
