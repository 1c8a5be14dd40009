#pragma once
/// The tandem-ca process around the call agent library: one io_context running the MGCP UDP
/// socket, the backhaul listener and its connections, every PRI link's timers and the signals.
#include "callagent/ca_config.hpp"

namespace tandem::callagent::app {

/// Runs until SIGTERM or SIGINT: then every call is cleared (cause 16), and the process exits
/// when the clearing is done or after a few seconds. Returns the process exit status.
int run_daemon(const ca_config& config);

}  // namespace tandem::callagent::app
