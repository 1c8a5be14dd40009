#pragma once
/// H.248 error codes (ITU-T H.248.8, "Error code and service change reason description") and
/// their names. An error descriptor (H.248.1 §7.1.19) carries one of these, or any other
/// 1..4-digit code a peer or a package defines.
#include <cstdint>
#include <string_view>

namespace tandem::h248 {

/// Every code has a name where H.248.8 gives one; any value 0..9999 is representable as
/// `error_code{n}` (package-defined codes, codes of later editions).
enum class error_code : std::uint16_t {
  syntax_error_in_message = 400,          ///< message failed to match the Annex A/B production
  protocol_error = 401,                   ///< violation of protocol procedures
  unauthorized = 402,                     ///< originator not authorised for the command
  syntax_error_in_transaction = 403,      ///< TransactionRequest failed to match its production
  version_not_supported = 406,            ///< protocol version of the header / ServiceChange
  incorrect_identifier = 410,             ///< illegal length or character in an identifier
  unknown_context_id = 411,               ///< action refers to an unknown ContextID
  no_context_ids_available = 412,         ///< CHOOSE context with none free
  too_many_transactions = 413,            ///< transactions in the message exceed the maximum
  unknown_action = 421,                   ///< unknown action or illegal combination of actions
  syntax_error_in_action = 422,           ///< action failed to match its production
  unknown_termination_id = 430,           ///< TerminationID unknown
  no_termination_matched_wildcard = 431,  ///< no TerminationID matched a wildcard
  out_of_termination_ids = 432,           ///< out of TerminationIDs or none available ($)
  termination_already_in_context = 433,   ///< TerminationID is already in a context
  max_terminations_in_context = 434,      ///< max number of terminations in a context exceeded
  termination_not_in_context = 435,       ///< termination is not in the specified context
  unknown_package = 440,                  ///< unsupported or unknown package
  missing_local_or_remote = 441,          ///< missing Remote or Local descriptor
  syntax_error_in_command = 442,          ///< command failed to match its production
  unknown_command = 443,                  ///< unsupported or unknown command
  unknown_descriptor = 444,               ///< unsupported or unknown descriptor
  unknown_property = 445,                 ///< unsupported or unknown property
  unknown_parameter = 446,                ///< unsupported or unknown parameter
  descriptor_not_legal = 447,             ///< descriptor not legal in this command
  descriptor_twice = 448,                 ///< descriptor appears twice in a command
  unknown_value = 449,                    ///< unsupported or unknown parameter or property value
  no_such_property = 450,                 ///< no such property in this package
  no_such_event = 451,                    ///< no such event in this package
  no_such_signal = 452,                   ///< no such signal in this package
  no_such_statistic = 453,                ///< no such statistic in this package
  no_such_parameter_value = 454,          ///< no such parameter value in this package
  property_illegal_in_descriptor = 455,   ///< property illegal in this descriptor
  property_twice = 456,                   ///< property appears twice in this descriptor
  missing_parameter = 457,                ///< missing parameter in signal or event
  unexpected_request_id = 458,            ///< unexpected event/request id
  unknown_profile = 459,                  ///< unsupported or unknown profile
  unable_to_set_statistic = 460,          ///< unable to set statistic on stream
  implied_add_for_multiplex_failure = 471,  ///< implied Add for multiplex failure
  required_information_missing = 472,     ///< required information missing
  conflicting_property_values = 473,      ///< conflicting property values
  internal_software_failure = 500,        ///< internal software failure in the MG or MGC
  not_implemented = 501,                  ///< not implemented
  not_ready = 502,                        ///< not ready
  service_unavailable = 503,              ///< service unavailable
  unauthorized_entity = 504,              ///< command received from an unauthorised entity
  before_service_change_reply = 505,      ///< request received before a ServiceChange reply
  too_many_pendings = 506,                ///< number of TransactionPendings exceeded
  insufficient_resources = 510,           ///< insufficient resources
  temporarily_busy = 511,                 ///< temporarily busy
  cannot_detect_event = 512,              ///< MG unequipped to detect the requested event
  cannot_generate_signal = 513,           ///< MG unequipped to generate the requested signals
  cannot_send_announcement = 514,         ///< MG cannot send the specified announcement
  unsupported_media_type = 515,           ///< unsupported media type
  unsupported_mode = 517,                 ///< unsupported or invalid mode
  event_buffer_full = 518,                ///< event buffer full
  out_of_digit_map_space = 519,           ///< out of space to store digit map
  digit_map_undefined = 520,              ///< digit map undefined in the MG
  termination_service_changing = 521,     ///< termination is "ServiceChanging"
  topology_not_supported = 522,           ///< functionality requested in topology triple
  insufficient_bandwidth = 526,           ///< insufficient bandwidth
  internal_hardware_failure = 529,        ///< internal hardware failure in the MG
  temporary_network_failure = 530,        ///< temporary network failure
  permanent_network_failure = 531,        ///< permanent network failure
  audited_item_does_not_exist = 532,      ///< audited property/statistic/event/signal unknown
  response_too_large = 533,               ///< response exceeds maximum transport PDU size
  illegal_write_or_read_only = 534,       ///< illegal write of a read-only property
  unexpected_initial_hook_state = 540,    ///< unexpected initial hook state
  command_not_allowed_on_termination = 542,  ///< command is not allowed on this termination
  timestamp_not_supported = 543,          ///< MGC requested event detection timestamp
  does_not_exist = 581,                   ///< does not exist
};

constexpr int to_int(error_code c) { return static_cast<int>(c); }

/// The name H.248.8 gives the code ("Syntax error in message"), or "" for a code it does not
/// define.
std::string_view description(error_code c);

/// True when H.248.8 defines the code.
bool is_defined(error_code c);

}  // namespace tandem::h248
