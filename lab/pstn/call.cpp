#include "lab/pstn/call.hpp"

namespace tandem::lab::pstn {

std::string_view to_string(call_direction d) {
  return d == call_direction::outgoing ? "outgoing" : "incoming";
}

std::string_view to_string(call_state s) {
  switch (s) {
    case call_state::setup_sent: return "setup_sent";
    case call_state::setup_received: return "setup_received";
    case call_state::proceeding: return "proceeding";
    case call_state::alerting: return "alerting";
    case call_state::active: return "active";
    case call_state::disconnecting: return "disconnecting";
    case call_state::released: return "released";
  }
  return "?";
}

}  // namespace tandem::lab::pstn
