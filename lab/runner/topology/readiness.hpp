#pragma once
/// When is a lab with a call agent ready? What the call agent's log says (its status query is
/// not used yet): each gateway's RSIP answered, the gateway audited into service, and the PRI
/// link of each of its spans up. Pure: the caller reads the log.
#include <string>
#include <string_view>
#include <vector>

#include "lab/runner/topology/lab_config.hpp"

namespace tandem::lab::runner {

/// What is still missing, one line each ("gw2 not in service at ca"); empty when ready.
/// Lines of tandem-ca's log read (callagent/gateway_control.cpp, call_setup.cpp):
///   "gateway gw1: RSIP restart on * (RD 0 s)"        the RSIP answered (200 before the log)
///   "gateway gw1: restarting -> in_service on ..."   the audit after it answered
///   "q931 gw1 span 1: link up"                       Q.921 established on that span
[[nodiscard]] std::vector<std::string> call_agent_pending(std::string_view log, const lab_config& lab);

}  // namespace tandem::lab::runner
