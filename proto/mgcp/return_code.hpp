#pragma once
/// MGCP return codes (RFC 3435 §2.4) and their texts.
#include <cstdint>
#include <string_view>

namespace tandem::mgcp {

/// A response's three-digit code. Every code of RFC 3435 §2.4 has a name; package-specific
/// codes (800..899, RFC 3435 §2.4) and codes a peer invents are still representable as
/// `return_code{n}` for any n in 0..999.
enum class return_code : std::uint16_t {
  response_ack = 0,                           ///< 000 response acknowledgement (§3.5.6)
  transaction_in_progress = 100,              ///< 100 being executed, final response follows
  transaction_queued = 101,                   ///< 101 queued for execution
  ok = 200,                                   ///< 200 executed normally
  connection_deleted = 250,                   ///< 250 the connection was deleted
  transient_error = 400,                      ///< 400 unspecified transient error
  phone_off_hook = 401,                       ///< 401 phone already off hook
  phone_on_hook = 402,                        ///< 402 phone already on hook
  insufficient_resources_now = 403,           ///< 403 endpoint lacks resources at this time
  insufficient_bandwidth_now = 404,           ///< 404 insufficient bandwidth at this time
  endpoint_restarting = 405,                  ///< 405 endpoint is restarting
  transaction_timeout = 406,                  ///< 406 transaction time-out
  transaction_aborted = 407,                  ///< 407 aborted by some external action
  internal_overload = 409,                    ///< 409 internal overload
  no_endpoint_available = 410,                ///< 410 "any of" wildcard, none available
  endpoint_unknown = 500,                     ///< 500 endpoint unknown
  endpoint_not_ready = 501,                   ///< 501 endpoint not ready
  insufficient_resources = 502,               ///< 502 insufficient resources (permanent)
  wildcard_too_complicated = 503,             ///< 503 "all of" wildcard too complicated
  unknown_command = 504,                      ///< 504 unknown or unsupported command
  unsupported_remote_descriptor = 505,        ///< 505 unsupported RemoteConnectionDescriptor
  options_and_descriptor_conflict = 506,      ///< 506 cannot satisfy both L: and SDP
  unsupported_functionality = 507,            ///< 507 unsupported functionality
  unknown_quarantine_handling = 508,          ///< 508 unknown or unsupported quarantine handling
  remote_descriptor_error = 509,              ///< 509 error in RemoteConnectionDescriptor
  protocol_error = 510,                       ///< 510 unspecified protocol error
  unrecognized_extension = 511,               ///< 511 unrecognized extension
  cannot_detect_event = 512,                  ///< 512 not equipped to detect a requested event
  cannot_generate_signal = 513,               ///< 513 not equipped to generate a signal
  cannot_send_announcement = 514,             ///< 514 cannot send the announcement
  incorrect_connection_id = 515,              ///< 515 incorrect connection-id
  unknown_call_id = 516,                      ///< 516 unknown or incorrect call-id
  invalid_mode = 517,                         ///< 517 unsupported or invalid mode
  unknown_package = 518,                      ///< 518 unsupported or unknown package
  no_digit_map = 519,                         ///< 519 endpoint does not have a digit map
  endpoint_restarting_permanent = 520,        ///< 520 endpoint is restarting (legacy)
  endpoint_redirected = 521,                  ///< 521 endpoint redirected to another agent
  no_such_event_or_signal = 522,              ///< 522 no such event or signal
  unknown_action = 523,                       ///< 523 unknown action or illegal combination
  options_inconsistent = 524,                 ///< 524 internal inconsistency in L:
  options_unknown_extension = 525,            ///< 525 unknown extension in L:
  insufficient_bandwidth = 526,               ///< 526 insufficient bandwidth
  missing_remote_descriptor = 527,            ///< 527 missing RemoteConnectionDescriptor
  incompatible_protocol_version = 528,        ///< 528 incompatible protocol version
  hardware_failure = 529,                     ///< 529 internal hardware failure
  cas_protocol_error = 530,                   ///< 530 CAS signaling protocol error
  trunk_group_failure = 531,                  ///< 531 failure of a grouping of trunks
  options_unsupported_value = 532,            ///< 532 unsupported value(s) in L:
  response_too_large = 533,                   ///< 533 response too large
  codec_negotiation_failure = 534,            ///< 534 codec negotiation failure
  packetization_not_supported = 535,          ///< 535 packetization period not supported
  unknown_restart_method = 536,               ///< 536 unknown or unsupported RestartMethod
  unknown_digit_map_extension = 537,          ///< 537 unknown or unsupported digit map extension
  event_signal_parameter_error = 538,         ///< 538 event/signal parameter error
  invalid_command_parameter = 539,            ///< 539 invalid or unsupported command parameter
  connection_limit_exceeded = 540,            ///< 540 per endpoint connection limit exceeded
  invalid_options = 541,                      ///< 541 invalid or unsupported L:
};

/// The numeric value (0..999).
constexpr int to_int(return_code c) { return static_cast<int>(c); }

/// The text RFC 3435 §2.4 gives for the code (shortened to its first sentence), "Package
/// specific" for 800..899, and "" for a code the RFC does not define.
std::string_view description(return_code c);

/// True when RFC 3435 §2.4 defines the code (8xx counts as defined: package-specific).
bool is_defined(return_code c);

/// RFC 3435 §2.4 classes: 1xx provisional, 2xx success, 4xx transient, 5xx permanent,
/// 8xx package-specific; 000 is the response acknowledgement.
constexpr bool is_provisional(return_code c) { return to_int(c) >= 100 && to_int(c) < 200; }
constexpr bool is_success(return_code c) { return to_int(c) >= 200 && to_int(c) < 300; }
constexpr bool is_transient_error(return_code c) { return to_int(c) >= 400 && to_int(c) < 500; }
constexpr bool is_permanent_error(return_code c) { return to_int(c) >= 500 && to_int(c) < 600; }
constexpr bool is_package_specific(return_code c) { return to_int(c) >= 800 && to_int(c) < 900; }

}  // namespace tandem::mgcp
