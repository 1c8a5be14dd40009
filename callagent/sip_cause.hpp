#pragma once
/// Q.850 cause <-> SIP status code mapping for the SIP side of the call agent (RFC 3398
/// §7.2.4.1: SIP response to ISUP/Q.850 cause; §8.2.6.1: cause to SIP response). Pure
/// functions, ready for the Sofia-SIP adapter.
#include <optional>

#include "isdn/q850_cause.hpp"

namespace tandem::callagent {

using isdn::cause;  // Q.850 causes are shared with the exchange simulator (isdn/)

/// The final response to send on an INVITE refused for `why` (RFC 3398 §8.2.6.1). nullopt for
/// 16 (normal clearing): that clears with BYE/CANCEL, not a response. Causes the table does
/// not list give 500 (ours).
[[nodiscard]] std::optional<int> sip_status_for(cause why);

/// The cause to pass on to the PSTN for a final SIP error response (RFC 3398 §7.2.4.1).
/// Statuses the table leaves to the Warning header (487, 488, 606) and unlisted ones give 127
/// (interworking, unspecified); 487 (Request Terminated) gives 16 when we cancelled.
[[nodiscard]] cause cause_for_sip_status(int status);

}  // namespace tandem::callagent
