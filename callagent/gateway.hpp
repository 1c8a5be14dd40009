#pragma once
/// A media gateway as the call agent tracks it (RFC 3435 §4.4: restart procedures).
///
/// States and allowed transitions, by event:
///   unknown, out_of_service, disconnected, restarting
///                --rsip_restart-->        restarting    (calls on it cleared; wait RD, audit)
///   any          --rsip_disconnected-->   restarting    (calls kept; audit connections)
///   restarting, unknown, disconnected
///                --audit_done-->          in_service    (circuits unblocked as the audit says)
///   in_service   --rsip_restart-->        restarting
///   in_service   --rsip_graceful-->       draining      (no new calls; RD or graceful_drain)
///   draining     --rsip_cancel_graceful-> in_service
///   draining     --drain_elapsed-->       out_of_service (calls left on it cleared)
///   any          --rsip_forced-->         out_of_service (calls on it cleared)
///   in_service, draining, restarting, unknown
///                --lost-->                disconnected  (RFC 3435 §4.3 Max2: circuits blocked,
///                                                        calls cleared)
///   disconnected --back-->                restarting    (audit, then in service)
/// Anything else is illegal: logged and counted (`gateway.illegal_event`).
///
/// Threads: owned by the call agent's control-plane thread.
#include <optional>
#include <string_view>

#include "callagent/ca_config.hpp"
#include "callagent/mgcp_client.hpp"
#include "common/clock.hpp"

namespace tandem::callagent {

enum class gateway_state { unknown, restarting, in_service, draining, out_of_service, disconnected };
enum class gateway_event {
  rsip_restart, rsip_forced, rsip_graceful, rsip_cancel_graceful, rsip_disconnected, audit_done,
  drain_elapsed, lost, back,
};

[[nodiscard]] std::string_view to_string(gateway_state s);
[[nodiscard]] std::string_view to_string(gateway_event e);
[[nodiscard]] std::optional<gateway_state> next_state(gateway_state from, gateway_event event);

struct gateway {
  gateway(gateway_config c, mgcp_client m) : config(std::move(c)), client(std::move(m)) {}
  gateway_config config;
  mgcp_client client;  ///< commands to this gateway
  gateway_state state = gateway_state::unknown;
  bool from_config = true;  ///< false: learnt from its RSIP
  std::optional<timer_id> keepalive;
  std::optional<timer_id> pending;  ///< RD wait of a restart, or the drain of a graceful RSIP
  [[nodiscard]] bool usable() const { return state == gateway_state::in_service; }
  /// Whether MGCP commands reach it at all (DLCX on release is worth sending).
  [[nodiscard]] bool reachable() const {
    return state == gateway_state::in_service || state == gateway_state::draining ||
           state == gateway_state::restarting;
  }
};

}  // namespace tandem::callagent
