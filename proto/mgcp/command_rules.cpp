#include "proto/mgcp/command_rules.hpp"

#include <bit>
#include <cstdint>
#include <initializer_list>

namespace tandem::mgcp {
namespace {

using p = parameter_code;

struct rule {
  std::initializer_list<parameter_code> required;
  std::initializer_list<parameter_code> allowed;  ///< besides the required ones and K
  bool sdp = false;                               ///< RemoteConnectionDescriptor allowed
};

/// The encapsulated NotificationRequest of CRCX, MDCX and DLCX (RFC 3435 §2.3.5-§2.3.7).
#define TANDEM_RQNT_PARAMS p::request_id, p::requested_events, p::signal_requests, p::digit_map, \
                           p::quarantine_handling, p::detect_events

const rule& rule_for(verb v) {
  static const rule epcf{{p::bearer_information}, {}};
  static const rule crcx{{p::call_id, p::connection_mode},
                         {p::notified_entity, p::local_connection_options, p::second_endpoint_id,
                          p::bearer_information, TANDEM_RQNT_PARAMS},
                         true};
  static const rule mdcx{{p::call_id, p::connection_id},
                         {p::notified_entity, p::local_connection_options, p::connection_mode,
                          p::bearer_information, TANDEM_RQNT_PARAMS},
                         true};
  static const rule dlcx{{},
                         {p::call_id, p::connection_id, p::notified_entity, p::reason_code,
                          p::connection_parameters, p::bearer_information, TANDEM_RQNT_PARAMS}};
  static const rule rqnt{{p::request_id},
                         {p::notified_entity, p::requested_events, p::signal_requests, p::digit_map,
                          p::quarantine_handling, p::detect_events, p::bearer_information}};
  static const rule ntfy{{p::request_id, p::observed_events}, {p::notified_entity}};
  static const rule auep{{}, {p::requested_info}};
  static const rule aucx{{p::connection_id, p::requested_info}, {}};
  static const rule rsip{{p::restart_method}, {p::restart_delay, p::reason_code}};
  switch (v) {
    case verb::epcf: return epcf;
    case verb::crcx: return crcx;
    case verb::mdcx: return mdcx;
    case verb::dlcx: return dlcx;
    case verb::rqnt: return rqnt;
    case verb::ntfy: return ntfy;
    case verb::auep: return auep;
    case verb::aucx: return aucx;
    case verb::rsip: return rsip;
    case verb::mesg: break;
  }
  return auep;  // not reached for MESG (checked by the caller)
}
#undef TANDEM_RQNT_PARAMS

bool present(const parameter_set& s, parameter_code code) {
  switch (code) {
    case p::response_ack: return s.response_ack.has_value();
    case p::bearer_information: return s.bearer.has_value();
    case p::call_id: return s.call.has_value();
    case p::connection_id: return !s.connections.empty();
    case p::notified_entity: return s.notified.has_value();
    case p::request_id: return s.request.has_value();
    case p::local_connection_options: return s.options.has_value();
    case p::connection_mode: return s.mode.has_value();
    case p::requested_events: return s.requested_events.has_value();
    case p::signal_requests: return s.signal_requests.has_value();
    case p::digit_map: return s.digits.has_value();
    case p::observed_events: return s.observed_events.has_value();
    case p::connection_parameters: return s.connection_stats.has_value();
    case p::reason_code: return s.reason.has_value();
    case p::specific_endpoint_id: return !s.specific_endpoints.empty();
    case p::second_endpoint_id: return s.second_endpoint.has_value();
    case p::second_connection_id: return s.second_connection.has_value();
    case p::requested_info: return s.info.has_value();
    case p::quarantine_handling: return s.quarantine.has_value();
    case p::detect_events: return s.detect_events.has_value();
    case p::restart_method: return s.restart.has_value();
    case p::restart_delay: return s.restart_delay_s.has_value();
    case p::capabilities: return !s.capabilities.empty();
    case p::event_states: return s.event_states.has_value();
    case p::package_list: return s.packages.has_value();
    case p::max_mgcp_datagram: return s.max_datagram.has_value();
    case p::remote_connection_descriptor:
    case p::local_connection_descriptor: return false;
  }
  return false;
}

std::uint32_t bit(parameter_code c) { return std::uint32_t{1} << static_cast<unsigned>(c); }

std::uint32_t mask_of(std::initializer_list<parameter_code> list) {
  std::uint32_t m = 0;
  for (auto c : list) m |= bit(c);
  return m;
}

}  // namespace

std::optional<rule_violation> check_command_rules(const command& c) {
  if (c.verb == verb::mesg) return std::nullopt;
  const rule& r = rule_for(c.verb);
  std::uint32_t given = 0;
  for (int i = 0; i <= static_cast<int>(p::max_mgcp_datagram); ++i)
    if (present(c.params, static_cast<parameter_code>(i))) given |= bit(static_cast<parameter_code>(i));
  const std::uint32_t required = mask_of(r.required);
  if (const std::uint32_t missing = required & ~given; missing != 0)
    return rule_violation{return_code::protocol_error, static_cast<parameter_code>(std::countr_zero(missing)),
                          "mandatory parameter missing"};
  if (const std::uint32_t foreign = given & ~(required | mask_of(r.allowed) | bit(p::response_ack)); foreign != 0)
    return rule_violation{return_code::invalid_command_parameter, static_cast<parameter_code>(std::countr_zero(foreign)),
                          "parameter not valid in this command"};
  // RFC 3435 §2.3.5: a CRCX names either a RemoteConnectionDescriptor or a SecondEndpointId.
  if (!c.sessions.empty() && (!r.sdp || c.params.second_endpoint))
    return rule_violation{return_code::protocol_error, std::nullopt, "session description not allowed here"};
  if (c.sessions.size() > 1)
    return rule_violation{return_code::protocol_error, std::nullopt, "more than one RemoteConnectionDescriptor"};
  return std::nullopt;
}

}  // namespace tandem::mgcp
