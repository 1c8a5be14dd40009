#include "callagent/gateway.hpp"

namespace tandem::callagent {

std::string_view to_string(gateway_state s) {
  switch (s) {
    case gateway_state::unknown: return "unknown";
    case gateway_state::restarting: return "restarting";
    case gateway_state::in_service: return "in_service";
    case gateway_state::draining: return "draining";
    case gateway_state::out_of_service: return "out_of_service";
    case gateway_state::disconnected: return "disconnected";
  }
  return "?";
}

std::string_view to_string(gateway_event e) {
  switch (e) {
    case gateway_event::rsip_restart: return "RSIP restart";
    case gateway_event::rsip_forced: return "RSIP forced";
    case gateway_event::rsip_graceful: return "RSIP graceful";
    case gateway_event::rsip_cancel_graceful: return "RSIP cancel-graceful";
    case gateway_event::rsip_disconnected: return "RSIP disconnected";
    case gateway_event::audit_done: return "audit done";
    case gateway_event::drain_elapsed: return "drain elapsed";
    case gateway_event::lost: return "lost";
    case gateway_event::back: return "back";
  }
  return "?";
}

std::optional<gateway_state> next_state(gateway_state from, gateway_event event) {
  using s = gateway_state;
  switch (event) {
    case gateway_event::rsip_restart:
    case gateway_event::rsip_disconnected:
      return s::restarting;
    case gateway_event::rsip_forced:
      return s::out_of_service;
    case gateway_event::rsip_graceful:
      if (from == s::in_service) return s::draining;
      break;
    case gateway_event::rsip_cancel_graceful:
      if (from == s::draining) return s::in_service;
      break;
    case gateway_event::audit_done:
      if (from == s::restarting || from == s::unknown || from == s::disconnected) return s::in_service;
      break;
    case gateway_event::drain_elapsed:
      if (from == s::draining) return s::out_of_service;
      break;
    case gateway_event::lost:
      if (from == s::in_service || from == s::draining || from == s::restarting || from == s::unknown)
        return s::disconnected;
      break;
    case gateway_event::back:
      if (from == s::disconnected) return s::restarting;
      break;
  }
  return std::nullopt;
}

}  // namespace tandem::callagent
