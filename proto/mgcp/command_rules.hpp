#pragma once
/// Which parameters each command requires and accepts (RFC 3435 §2.3.2-§2.3.12, the
/// parameter lists of each command's interface). The parser applies these rules to commands
/// unless parse_options::check_command_rules is false.
#include <optional>
#include <string_view>

#include "proto/mgcp/message.hpp"
#include "proto/mgcp/parameter_code.hpp"

namespace tandem::mgcp {

struct rule_violation {
  return_code code = return_code::protocol_error;
  /// The parameter at fault; empty for "too many session descriptions" or "SDP not allowed".
  std::optional<parameter_code> parameter;
  std::string_view reason;
};

/// 510 when a mandatory parameter is missing (CRCX without CallId or Mode, MDCX without
/// CallId or ConnectionId, RQNT without RequestIdentifier, NTFY without ObservedEvents or
/// RequestIdentifier, AUCX without ConnectionId or RequestedInfo, RSIP without RestartMethod,
/// EPCF without BearerInformation); 539 when a parameter the command does not take is present;
/// 510 for a session description where the command carries none, or more than one.
/// Extension parameters are always accepted here. MESG (Base package) is not checked.
std::optional<rule_violation> check_command_rules(const command& c);

}  // namespace tandem::mgcp
