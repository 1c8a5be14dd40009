#pragma once
/// MGCP parameter names (RFC 3435 §3.2.2): the code letters of parameter lines and of
/// RequestedInfo (F:) items.
#include <optional>
#include <string_view>

namespace tandem::mgcp {

enum class parameter_code {
  response_ack,                  ///< K
  bearer_information,            ///< B
  call_id,                       ///< C
  connection_id,                 ///< I
  notified_entity,               ///< N
  request_id,                    ///< X
  local_connection_options,      ///< L
  connection_mode,               ///< M
  requested_events,              ///< R
  signal_requests,               ///< S
  digit_map,                     ///< D
  observed_events,               ///< O
  connection_parameters,         ///< P
  reason_code,                   ///< E
  specific_endpoint_id,          ///< Z
  second_endpoint_id,            ///< Z2
  second_connection_id,          ///< I2
  requested_info,                ///< F
  quarantine_handling,           ///< Q
  detect_events,                 ///< T
  restart_method,                ///< RM
  restart_delay,                 ///< RD
  capabilities,                  ///< A
  event_states,                  ///< ES
  package_list,                  ///< PL
  max_mgcp_datagram,             ///< MD
  remote_connection_descriptor,  ///< RC (RequestedInfo only: the SDP)
  local_connection_descriptor,   ///< LC (RequestedInfo only: the SDP)
};

/// The code as written on the wire ("K", "Z2", "ES").
std::string_view code_text(parameter_code p);
/// Case-insensitive lookup of a code.
std::optional<parameter_code> find_parameter_code(std::string_view text);

}  // namespace tandem::mgcp
