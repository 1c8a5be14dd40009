#pragma once
/// The sipp side of a lab's SIP user agents: the scenario files tandem-lab generates for sipp
/// (a UAS per SIP peer node, a UAC per call a scenario places from it) and the reading of
/// sipp's message trace (`-trace_msg`), from which a SIP leg's signalling is known.
/// Pure text in and out; the processes are started by the lab (topology) and the driver.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/runner/topology/lab_config.hpp"

namespace tandem::lab::runner {

/// The persistent UAS of a SIP peer node: for every INVITE, 180 then 200 with an SDP of the
/// node's codec after answer_after (behaviour answer), or its final error status (reject);
/// then the ACK, and for an answered call the BYE (answered 200). Run with -rtp_echo.
[[nodiscard]] std::string sipp_uas_xml(const sip_ua_node& node);

/// A UAC for one call: INVITE to [service] (the number dialled) from `calling` with an SDP
/// offering `codec`; provisional responses; 200 -> ACK, then waits for the far end's BYE
/// (answered 200); a final error is acknowledged and ends the call. Run with -rtp_echo.
[[nodiscard]] std::string sipp_uac_xml(const std::string& calling, const std::string& codec);

/// One SIP message in sipp's trace.
struct sip_trace_message {
  bool received = false;
  std::optional<int> status;  ///< a response's status code
  std::string method;         ///< a request's method
};

/// The Q.850 cause of a SIP final error response (RFC 3398 §7.2.4.1), so that a SIP caller's
/// leg reads as a PSTN one (`expect alice busy` for 486). nullopt for 2xx and unlisted codes.
[[nodiscard]] std::optional<int> q850_cause_of_sip_status(int status);

/// Reads sipp's `-trace_msg` file text: each message's direction and first line.
[[nodiscard]] std::vector<sip_trace_message> parse_sipp_trace(std::string_view text);

}  // namespace tandem::lab::runner
