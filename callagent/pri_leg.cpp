#include "callagent/pri_leg.hpp"

namespace tandem::callagent {

std::string_view to_string(leg_state s) {
  switch (s) {
    case leg_state::idle: return "idle";
    case leg_state::incoming: return "incoming";
    case leg_state::outgoing: return "outgoing";
    case leg_state::proceeding: return "proceeding";
    case leg_state::alerting: return "alerting";
    case leg_state::connected: return "connected";
    case leg_state::disconnecting: return "disconnecting";
    case leg_state::released: return "released";
  }
  return "?";
}

std::string_view to_string(leg_event e) {
  switch (e) {
    case leg_event::setup_received: return "setup received";
    case leg_event::setup_sent: return "setup sent";
    case leg_event::proceeding_received: return "proceeding received";
    case leg_event::alerting_received: return "alerting received";
    case leg_event::alerting_sent: return "alerting sent";
    case leg_event::progress: return "progress";
    case leg_event::connect_received: return "connect received";
    case leg_event::connect_sent: return "connect sent";
    case leg_event::disconnect_sent: return "disconnect sent";
    case leg_event::disconnect_received: return "disconnect received";
    case leg_event::release_received: return "release received";
    case leg_event::link_lost: return "link lost";
    case leg_event::hangup_sent: return "hangup sent";
  }
  return "?";
}

std::string_view to_string(connection_state s) {
  switch (s) {
    case connection_state::none: return "none";
    case connection_state::creating: return "creating";
    case connection_state::active: return "active";
    case connection_state::deleting: return "deleting";
  }
  return "?";
}

std::optional<leg_state> next_state(leg_state from, leg_event event) {
  using s = leg_state;
  const bool live = from == s::incoming || from == s::outgoing || from == s::proceeding ||
                    from == s::alerting || from == s::connected;
  switch (event) {
    case leg_event::setup_received:
      if (from == s::idle) return s::incoming;
      break;
    case leg_event::setup_sent:
      if (from == s::idle) return s::outgoing;
      break;
    case leg_event::proceeding_received:
      if (from == s::outgoing) return s::proceeding;
      break;
    case leg_event::alerting_received:
      if (from == s::outgoing || from == s::proceeding) return s::alerting;
      break;
    case leg_event::alerting_sent:
      if (from == s::incoming) return s::alerting;
      break;
    case leg_event::progress:
      if (live && from != s::connected) return from;
      break;
    case leg_event::connect_received:
      if (from == s::outgoing || from == s::proceeding || from == s::alerting) return s::connected;
      break;
    case leg_event::connect_sent:
      if (from == s::incoming || from == s::alerting) return s::connected;
      break;
    case leg_event::disconnect_sent:
      if (live) return s::disconnecting;
      break;
    case leg_event::disconnect_received:
      if (live) return s::released;
      break;
    case leg_event::release_received:
      if (live || from == s::disconnecting) return s::released;
      break;
    case leg_event::link_lost:
    case leg_event::hangup_sent:
      if (from != s::released) return s::released;
      break;
  }
  return std::nullopt;
}

}  // namespace tandem::callagent
