#pragma once
/// The tandem-ca process around the call agent library: one io_context running the MGCP UDP
/// socket, the backhaul listener and its connections, every PRI link's timers and the signals.
#include <string>

#include "callagent/ca_config.hpp"
#include "ops/ops_config.hpp"

namespace tandem::callagent::app {

/// Runs until SIGTERM or SIGINT: then every call is cleared (cause 16), and the process exits
/// when the clearing is done or after a few seconds. Returns the process exit status.
/// `ops` (metrics endpoint, control socket; docs/ctl.md) and `config_path` (what `reload
/// routes` re-reads) are optional.
int run_daemon(const ca_config& config, const ops::ops_config& ops = {}, const std::string& config_path = {});

}  // namespace tandem::callagent::app
