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
  // Hot path of the parser: one switch on the first letter rather than a table scan.
  if (text.empty() || text.size() > 2) return std::nullopt;
  const char a = detail::to_upper(text[0]);
  const char b = text.size() == 2 ? detail::to_upper(text[1]) : '\0';
  using p = parameter_code;
  switch (a) {
    case 'K': return b ? std::nullopt : std::optional{p::response_ack};
    case 'B': return b ? std::nullopt : std::optional{p::bearer_information};
    case 'C': return b ? std::nullopt : std::optional{p::call_id};
    case 'I': return !b ? std::optional{p::connection_id} : b == '2' ? std::optional{p::second_connection_id} : std::nullopt;
    case 'N': return b ? std::nullopt : std::optional{p::notified_entity};
    case 'X': return b ? std::nullopt : std::optional{p::request_id};
    case 'L': return !b ? std::optional{p::local_connection_options} : b == 'C' ? std::optional{p::local_connection_descriptor} : std::nullopt;
    case 'M': return !b ? std::optional{p::connection_mode} : b == 'D' ? std::optional{p::max_mgcp_datagram} : std::nullopt;
    case 'R':
      if (!b) return p::requested_events;
      if (b == 'M') return p::restart_method;
      if (b == 'D') return p::restart_delay;
      if (b == 'C') return p::remote_connection_descriptor;
      return std::nullopt;
    case 'S': return b ? std::nullopt : std::optional{p::signal_requests};
    case 'D': return b ? std::nullopt : std::optional{p::digit_map};
    case 'O': return b ? std::nullopt : std::optional{p::observed_events};
    case 'P': return !b ? std::optional{p::connection_parameters} : b == 'L' ? std::optional{p::package_list} : std::nullopt;
    case 'E': return !b ? std::optional{p::reason_code} : b == 'S' ? std::optional{p::event_states} : std::nullopt;
    case 'Z': return !b ? std::optional{p::specific_endpoint_id} : b == '2' ? std::optional{p::second_endpoint_id} : std::nullopt;
    case 'F': return b ? std::nullopt : std::optional{p::requested_info};
    case 'Q': return b ? std::nullopt : std::optional{p::quarantine_handling};
    case 'T': return b ? std::nullopt : std::optional{p::detect_events};
    case 'A': return b ? std::nullopt : std::optional{p::capabilities};
    default: return std::nullopt;
  }
}

}  // namespace tandem::mgcp
