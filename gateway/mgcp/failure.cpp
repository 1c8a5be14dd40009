#include "gateway/mgcp/failure.hpp"

namespace tandem::gateway::mgcp {

using tandem::mgcp::return_code;

namespace {
struct entry {
  std::string_view name;
  return_code code;
};

constexpr entry table[] = {
    {"unknown_domain", return_code::endpoint_unknown},
    {"unknown_endpoint", return_code::endpoint_unknown},
    {"all_of_not_allowed", return_code::wildcard_too_complicated},
    {"any_of_not_allowed", return_code::protocol_error},
    {"too_many_endpoints", return_code::response_too_large},
    {"no_endpoint_available", return_code::no_endpoint_available},
    {"endpoint_out_of_service", return_code::endpoint_not_ready},
    {"unknown_verb", return_code::unknown_command},
    {"unsupported_version", return_code::incompatible_protocol_version},
    {"unexpected_parameter", return_code::invalid_command_parameter},
    {"missing_call_id", return_code::protocol_error},
    {"missing_connection_id", return_code::protocol_error},
    {"missing_mode", return_code::protocol_error},
    {"missing_bearer", return_code::protocol_error},
    {"missing_request_id", return_code::protocol_error},
    {"bad_session_description", return_code::remote_descriptor_error},
    {"unsupported_session", return_code::unsupported_remote_descriptor},
    {"unknown_connection", return_code::incorrect_connection_id},
    {"call_id_mismatch", return_code::unknown_call_id},
    {"unknown_call", return_code::unknown_call_id},
    {"invalid_mode", return_code::invalid_mode},
    {"connection_limit", return_code::connection_limit_exceeded},
    {"missing_remote_descriptor", return_code::missing_remote_descriptor},
    {"second_endpoint_invalid", return_code::endpoint_unknown},
    {"options_conflict", return_code::options_inconsistent},
    {"options_unsupported_value", return_code::options_unsupported_value},
    {"packetization_unsupported", return_code::packetization_not_supported},
    {"codec_negotiation_failed", return_code::codec_negotiation_failure},
    {"unknown_package", return_code::unknown_package},
    {"unknown_event", return_code::no_such_event_or_signal},
    {"unknown_action", return_code::unknown_action},
    {"event_parameter_error", return_code::event_signal_parameter_error},
    {"no_digit_map", return_code::no_digit_map},
    {"bearer_not_applicable", return_code::options_unsupported_value},
    {"insufficient_resources", return_code::insufficient_resources},
    {"media_failure", return_code::hardware_failure},
};
static_assert(std::size(table) == failure_count, "one table row per failure");
}  // namespace

std::string_view name(failure f) { return table[static_cast<int>(f)].name; }
return_code code_of(failure f) { return table[static_cast<int>(f)].code; }

}  // namespace tandem::gateway::mgcp
