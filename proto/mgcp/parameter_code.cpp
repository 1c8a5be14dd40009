#include "proto/mgcp/parameter_code.hpp"

#include <array>
#include <utility>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::mgcp {
namespace {

constexpr std::array<std::pair<parameter_code, std::string_view>, 28> codes{{
    {parameter_code::response_ack, "K"},
    {parameter_code::bearer_information, "B"},
    {parameter_code::call_id, "C"},
    {parameter_code::connection_id, "I"},
    {parameter_code::notified_entity, "N"},
    {parameter_code::request_id, "X"},
    {parameter_code::local_connection_options, "L"},
    {parameter_code::connection_mode, "M"},
    {parameter_code::requested_events, "R"},
    {parameter_code::signal_requests, "S"},
    {parameter_code::digit_map, "D"},
    {parameter_code::observed_events, "O"},
    {parameter_code::connection_parameters, "P"},
    {parameter_code::reason_code, "E"},
    {parameter_code::specific_endpoint_id, "Z"},
    {parameter_code::second_endpoint_id, "Z2"},
    {parameter_code::second_connection_id, "I2"},
    {parameter_code::requested_info, "F"},
    {parameter_code::quarantine_handling, "Q"},
    {parameter_code::detect_events, "T"},
    {parameter_code::restart_method, "RM"},
    {parameter_code::restart_delay, "RD"},
    {parameter_code::capabilities, "A"},
    {parameter_code::event_states, "ES"},
    {parameter_code::package_list, "PL"},
    {parameter_code::max_mgcp_datagram, "MD"},
    {parameter_code::remote_connection_descriptor, "RC"},
    {parameter_code::local_connection_descriptor, "LC"},
}};

}  // namespace

std::string_view code_text(parameter_code p) { return codes[static_cast<std::size_t>(p)].second; }

std::optional<parameter_code> find_parameter_code(std::string_view text) {
  if (text.empty() || text.size() > 2) return std::nullopt;
  for (const auto& [code, name] : codes)
    if (detail::iequals(text, name)) return code;
  return std::nullopt;
}

}  // namespace tandem::mgcp
