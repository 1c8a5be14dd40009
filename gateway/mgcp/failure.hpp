#pragma once
/// Why the agent refused a command: one named reason per rejection path, each mapped to the
/// RFC 3435 §2.4 return code it answers with and to its counter ("fail.<name>",
/// "<verb>.fail.<name>"; docs/counters.md lists them all).
#include <string>
#include <string_view>

#include "proto/mgcp/return_code.hpp"

namespace tandem::gateway::mgcp {

enum class failure {
  // endpoint naming (RFC 3435 §2.1.1, §2.1.2)
  unknown_domain,             ///< 500 the domain is not ours
  unknown_endpoint,           ///< 500 no such endpoint (or not a bearer timeslot)
  all_of_not_allowed,         ///< 503 "*" with a verb that takes one endpoint
  any_of_not_allowed,         ///< 510 "$" with a verb other than CRCX
  too_many_endpoints,         ///< 533 a wildcard audit answer would exceed the limit
  no_endpoint_available,      ///< 410 "$" and every matching endpoint is busy
  endpoint_out_of_service,    ///< 501 the endpoint's span is down
  // message level
  unknown_verb,               ///< 504 a verb the parser knew but the gateway does not serve
  unsupported_version,        ///< 528 not "MGCP 1.0" (profiles included)
  unexpected_parameter,       ///< 539 a parameter the verb does not take
  missing_call_id,            ///< 510 CRCX without C:
  missing_connection_id,      ///< 510 MDCX/AUCX without I:
  missing_mode,               ///< 510 CRCX without M:
  missing_bearer,             ///< 510 EPCF without B:
  missing_request_id,         ///< 510 R: or S: without X:
  bad_session_description,    ///< 509 the SDP does not parse
  unsupported_session,        ///< 505 no audio RTP/AVP stream, or too many descriptors
  // connections
  unknown_connection,         ///< 515 I: names no connection of the endpoint
  call_id_mismatch,           ///< 516 C: disagrees with the connection's call
  unknown_call,               ///< 516 DLCX C: with no connection of that call
  invalid_mode,               ///< 517 mode unknown or unfit for the endpoint
  connection_limit,           ///< 540 the endpoint has its maximum of connections
  missing_remote_descriptor,  ///< 527 the mode sends but no remote SDP is known
  second_endpoint_invalid,    ///< 500 Z2 names no endpoint of ours or the same one
  // LocalConnectionOptions
  options_conflict,           ///< 524 e.g. a: and b: exclude each other
  options_unsupported_value,  ///< 532 e.g. nt: other than IN, gc:, k: other than clear
  packetization_unsupported,  ///< 535 no candidate codec allows the p: value
  codec_negotiation_failed,   ///< 534 no codec in common
  // notification requests (RFC 3435 §2.3.3, RFC 3660)
  unknown_package,            ///< 518 package not supported
  unknown_event,              ///< 522 no such event or signal in the package
  unknown_action,             ///< 523 unsupported action or illegal combination
  event_parameter_error,      ///< 538 bad event/signal parameter
  no_digit_map,               ///< 519 D action without a digit map
  // EPCF
  bearer_not_applicable,      ///< 532 B: on a virtual RTP endpoint
  // resources
  insufficient_resources,     ///< 502 the media plane has no port or channel
  media_failure,              ///< 529 the media plane refused a change it had accepted before
};

/// The stable snake_case name used in counters ("unknown_endpoint").
std::string_view name(failure f);
/// The return code the reason answers with.
tandem::mgcp::return_code code_of(failure f);
/// Every reason, for docs and tests.
inline constexpr int failure_count = static_cast<int>(failure::media_failure) + 1;

/// A refusal: the reason and a short commentary for the response line.
struct rejection {
  failure reason;
  std::string text;
};

}  // namespace tandem::gateway::mgcp
