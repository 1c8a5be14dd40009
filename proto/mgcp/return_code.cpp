#include "proto/mgcp/return_code.hpp"

namespace tandem::mgcp {

/// Texts after RFC 3435 §2.4 (first sentence of each entry).
std::string_view description(return_code c) {
  switch (c) {
    case return_code::response_ack: return "Response Acknowledgement";
    case return_code::transaction_in_progress: return "The transaction is currently being executed";
    case return_code::transaction_queued: return "The transaction has been queued for execution";
    case return_code::ok: return "The requested transaction was executed normally";
    case return_code::connection_deleted: return "The connection was deleted";
    case return_code::transient_error: return "The transaction could not be executed, due to some unspecified transient error";
    case return_code::phone_off_hook: return "The phone is already off hook";
    case return_code::phone_on_hook: return "The phone is already on hook";
    case return_code::insufficient_resources_now: return "The transaction could not be executed, because the endpoint does not have sufficient resources at this time";
    case return_code::insufficient_bandwidth_now: return "Insufficient bandwidth at this time";
    case return_code::endpoint_restarting: return "The transaction could not be executed, because the endpoint is \"restarting\"";
    case return_code::transaction_timeout: return "Transaction time-out";
    case return_code::transaction_aborted: return "Transaction aborted";
    case return_code::internal_overload: return "The transaction could not be executed because of internal overload";
    case return_code::no_endpoint_available: return "No endpoint available";
    case return_code::endpoint_unknown: return "The transaction could not be executed, because the endpoint is unknown";
    case return_code::endpoint_not_ready: return "The transaction could not be executed, because the endpoint is not ready";
    case return_code::insufficient_resources: return "The transaction could not be executed, because the endpoint does not have sufficient resources";
    case return_code::wildcard_too_complicated: return "\"All of\" wildcard too complicated";
    case return_code::unknown_command: return "Unknown or unsupported command";
    case return_code::unsupported_remote_descriptor: return "Unsupported RemoteConnectionDescriptor";
    case return_code::options_and_descriptor_conflict: return "Unable to satisfy both LocalConnectionOptions and RemoteConnectionDescriptor";
    case return_code::unsupported_functionality: return "Unsupported functionality";
    case return_code::unknown_quarantine_handling: return "Unknown or unsupported quarantine handling";
    case return_code::remote_descriptor_error: return "Error in RemoteConnectionDescriptor";
    case return_code::protocol_error: return "The transaction could not be executed, because some unspecified protocol error was detected";
    case return_code::unrecognized_extension: return "The transaction could not be executed, because the command contained an unrecognized extension";
    case return_code::cannot_detect_event: return "The transaction could not be executed, because the gateway is not equipped to detect one of the requested events";
    case return_code::cannot_generate_signal: return "The transaction could not be executed, because the gateway is not equipped to generate one of the requested signals";
    case return_code::cannot_send_announcement: return "The transaction could not be executed, because the gateway cannot send the specified announcement";
    case return_code::incorrect_connection_id: return "The transaction refers to an incorrect connection-id";
    case return_code::unknown_call_id: return "The transaction refers to an unknown call-id, or the call-id supplied is incorrect";
    case return_code::invalid_mode: return "Unsupported or invalid mode";
    case return_code::unknown_package: return "Unsupported or unknown package";
    case return_code::no_digit_map: return "Endpoint does not have a digit map";
    case return_code::endpoint_restarting_permanent: return "The transaction could not be executed, because the endpoint is \"restarting\"";
    case return_code::endpoint_redirected: return "Endpoint redirected to another Call Agent";
    case return_code::no_such_event_or_signal: return "No such event or signal";
    case return_code::unknown_action: return "Unknown action or illegal combination of actions";
    case return_code::options_inconsistent: return "Internal inconsistency in LocalConnectionOptions";
    case return_code::options_unknown_extension: return "Unknown extension in LocalConnectionOptions";
    case return_code::insufficient_bandwidth: return "Insufficient bandwidth";
    case return_code::missing_remote_descriptor: return "Missing RemoteConnectionDescriptor";
    case return_code::incompatible_protocol_version: return "Incompatible protocol version";
    case return_code::hardware_failure: return "Internal hardware failure";
    case return_code::cas_protocol_error: return "CAS signaling protocol error";
    case return_code::trunk_group_failure: return "Failure of a grouping of trunks (e.g., facility failure)";
    case return_code::options_unsupported_value: return "Unsupported value(s) in LocalConnectionOptions";
    case return_code::response_too_large: return "Response too large";
    case return_code::codec_negotiation_failure: return "Codec negotiation failure";
    case return_code::packetization_not_supported: return "Packetization period not supported";
    case return_code::unknown_restart_method: return "Unknown or unsupported RestartMethod";
    case return_code::unknown_digit_map_extension: return "Unknown or unsupported digit map extension";
    case return_code::event_signal_parameter_error: return "Event/signal parameter error";
    case return_code::invalid_command_parameter: return "Invalid or unsupported command parameter";
    case return_code::connection_limit_exceeded: return "Per endpoint connection limit exceeded";
    case return_code::invalid_options: return "Invalid or unsupported LocalConnectionOptions";
  }
  if (is_package_specific(c)) return "Package specific";
  return "";
}

bool is_defined(return_code c) { return !description(c).empty(); }

}  // namespace tandem::mgcp
