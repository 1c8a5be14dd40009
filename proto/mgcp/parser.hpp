#pragma once
/// The MGCP message parser (RFC 3435 §3.1-§3.3, Appendix A grammar). Pure: it never logs,
/// counts or changes state; a failure is a value with a byte position and the return code the
/// agent answers with.
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "proto/mgcp/message.hpp"
#include "proto/mgcp/parse_error.hpp"

namespace tandem::mgcp {

struct parse_options {
  /// Check every session description with the SDP parser (proto/sdp, Sofia-SIP); a bad one
  /// fails the message with 509. When false the SDP is kept as text, unchecked, to be parsed
  /// on demand by whoever needs it (the lazy mode: see docs/mgcp-conformance.md for the cost).
  bool validate_sdp = true;
  /// Apply the per-command rules of RFC 3435 §2.3 (mandatory and allowed parameters, where a
  /// session description may appear): see command_rules.hpp. A decoder of captures may turn
  /// them off to look at what was sent.
  bool check_command_rules = true;
};

/// Parses one message (no "." separator lines: see parse_datagram).
expected<message, parse_error> parse_message(std::string_view text, const parse_options& options = {});

/// Splits a datagram at "." lines (RFC 3435 §3.5.5) and parses each message. Positions in the
/// errors are offsets in the datagram. A datagram that cannot be split gives one error.
std::vector<expected<message, parse_error>> parse_datagram(std::string_view datagram,
                                                           const parse_options& options = {});

}  // namespace tandem::mgcp
