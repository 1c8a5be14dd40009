#include "proto/h248/error_code.hpp"

namespace tandem::h248 {

std::string_view description(error_code c) {
  switch (c) {
    case error_code::syntax_error_in_message: return "Syntax error in message";
    case error_code::protocol_error: return "Protocol Error";
    case error_code::unauthorized: return "Unauthorized";
    case error_code::syntax_error_in_transaction: return "Syntax error in TransactionRequest";
    case error_code::version_not_supported: return "Version Not Supported";
    case error_code::incorrect_identifier: return "Incorrect identifier";
    case error_code::unknown_context_id: return "The transaction refers to an unknown ContextId";
    case error_code::no_context_ids_available: return "No ContextIDs available";
    case error_code::too_many_transactions: return "Number of transactions in message exceeds maximum";
    case error_code::unknown_action: return "Unknown action or illegal combination of actions";
    case error_code::syntax_error_in_action: return "Syntax Error in Action";
    case error_code::unknown_termination_id: return "Unknown TerminationID";
    case error_code::no_termination_matched_wildcard: return "No TerminationID matched a wildcard";
    case error_code::out_of_termination_ids: return "Out of TerminationIDs or No TerminationID available";
    case error_code::termination_already_in_context: return "TerminationID is already in a Context";
    case error_code::max_terminations_in_context: return "Max number of Terminations in a Context exceeded";
    case error_code::termination_not_in_context: return "Termination ID is not in specified Context";
    case error_code::unknown_package: return "Unsupported or unknown Package";
    case error_code::missing_local_or_remote: return "Missing Remote or Local Descriptor";
    case error_code::syntax_error_in_command: return "Syntax Error in Command";
    case error_code::unknown_command: return "Unsupported or Unknown Command";
    case error_code::unknown_descriptor: return "Unsupported or Unknown Descriptor";
    case error_code::unknown_property: return "Unsupported or Unknown Property";
    case error_code::unknown_parameter: return "Unsupported or Unknown Parameter";
    case error_code::descriptor_not_legal: return "Descriptor not legal in this command";
    case error_code::descriptor_twice: return "Descriptor appears twice in a command";
    case error_code::unknown_value: return "Unsupported or Unknown Parameter or Property Value";
    case error_code::no_such_property: return "No such property in this package";
    case error_code::no_such_event: return "No such event in this package";
    case error_code::no_such_signal: return "No such signal in this package";
    case error_code::no_such_statistic: return "No such statistic in this package";
    case error_code::no_such_parameter_value: return "No such parameter value in this package";
    case error_code::property_illegal_in_descriptor: return "Property illegal in this Descriptor";
    case error_code::property_twice: return "Property appears twice in this Descriptor";
    case error_code::missing_parameter: return "Missing parameter in signal or event";
    case error_code::unexpected_request_id: return "Unexpected Event/Request ID";
    case error_code::unknown_profile: return "Unsupported or Unknown Profile";
    case error_code::unable_to_set_statistic: return "Unable to set statistic on stream";
    case error_code::implied_add_for_multiplex_failure: return "Implied Add for Multiplex failure";
    case error_code::required_information_missing: return "Required information missing";
    case error_code::conflicting_property_values: return "Conflicting property values";
    case error_code::internal_software_failure: return "Internal software Failure in MG";
    case error_code::not_implemented: return "Not Implemented";
    case error_code::not_ready: return "Not ready";
    case error_code::service_unavailable: return "Service Unavailable";
    case error_code::unauthorized_entity: return "Command Received from unauthorized entity";
    case error_code::before_service_change_reply: return "Transaction Request Received before a Service Change Reply has been received";
    case error_code::too_many_pendings: return "Number of Transaction Pendings Exceeded";
    case error_code::insufficient_resources: return "Insufficient resources";
    case error_code::temporarily_busy: return "Temporarily Busy";
    case error_code::cannot_detect_event: return "Media Gateway unequipped to detect requested Event";
    case error_code::cannot_generate_signal: return "Media Gateway unequipped to generate requested Signals";
    case error_code::cannot_send_announcement: return "Media Gateway cannot send the specified announcement";
    case error_code::unsupported_media_type: return "Unsupported Media Type";
    case error_code::unsupported_mode: return "Unsupported or invalid mode";
    case error_code::event_buffer_full: return "Event buffer full";
    case error_code::out_of_digit_map_space: return "Out of space to store digit map";
    case error_code::digit_map_undefined: return "Digit Map undefined in the MG";
    case error_code::termination_service_changing: return "Termination is \"ServiceChangeing\"";
    case error_code::topology_not_supported: return "Functionality Requested in Topology Triple Not Supported";
    case error_code::insufficient_bandwidth: return "Insufficient bandwidth";
    case error_code::internal_hardware_failure: return "Internal hardware failure in MG";
    case error_code::temporary_network_failure: return "Temporary Network failure";
    case error_code::permanent_network_failure: return "Permanent Network failure";
    case error_code::audited_item_does_not_exist: return "Audited Property, Statistic, Event or Signal does not exist";
    case error_code::response_too_large: return "Response exceeds maximum transport PDU size";
    case error_code::illegal_write_or_read_only: return "Illegal write or read only property";
    case error_code::unexpected_initial_hook_state: return "Unexpected initial hook state";
    case error_code::command_not_allowed_on_termination: return "Command is not allowed on this termination";
    case error_code::timestamp_not_supported: return "MGC requested event detection timestamp not supported";
    case error_code::does_not_exist: return "Does Not Exist";
  }
  return "";
}

bool is_defined(error_code c) { return !description(c).empty(); }

}  // namespace tandem::h248
