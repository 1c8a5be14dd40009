#pragma once
/// One leg of a call: a PRI B-channel (its Q.931 call state as the call agent sees it, and the
/// MGCP connection on the gateway endpoint of that B-channel), or a SIP dialog (its INVITE
/// state; no connection of its own: the media is the PRI leg's connection, whose remote
/// descriptor is the SDP the SIP peer sent, kept here in `local_sdp`).
///
/// A SIP leg uses the same states with the SIP events mapped onto them: INVITE received =
/// setup_received, INVITE sent = setup_sent, 180 = alerting, 183 = progress, 200 = connect,
/// BYE/CANCEL/final error received = disconnect_received, and hangup_sent when the call agent
/// ends the dialog (the adapter sends CANCEL, BYE or the error response; nothing more is
/// expected from that dialog).
///
/// Signalling state (Q.931 §5; the user-side call states collapsed to what the call agent
/// acts on). Allowed transitions, by event:
///   idle         --setup_received-->      incoming     (originating leg; CALL PROCEEDING sent)
///   idle         --setup_sent-->          outgoing     (terminating leg)
///   outgoing     --proceeding_received--> proceeding
///   outgoing,
///   proceeding   --alerting_received-->   alerting
///   incoming     --alerting_sent-->       alerting
///   incoming, outgoing, proceeding,
///   alerting     --progress-->            (unchanged: early media only)
///   outgoing, proceeding,
///   alerting     --connect_received-->    connected
///   incoming,
///   alerting     --connect_sent-->        connected
///   incoming, outgoing, proceeding, alerting,
///   connected    --disconnect_sent-->     disconnecting
///   incoming, outgoing, proceeding, alerting,
///   connected    --disconnect_received--> released     (RELEASE sent at once)
///   incoming, outgoing, proceeding, alerting, connected,
///   disconnecting --release_received-->   released
///   any but released --link_lost-->       released
///   any but released --hangup_sent-->     released     (SIP legs only)
/// Anything else is illegal: logged and counted (`leg.illegal_event`), state unchanged.
///
/// Connection state (RFC 3435 §2.3.5, §2.3.6, §2.3.7):
///   none --CRCX sent--> creating --200--> active --DLCX sent--> deleting --answer--> none
///   creating --error/timeout--> none;  active --gateway DLCX or gateway lost--> none
///
/// Threads: owned by the call agent's control-plane thread.
#include <optional>
#include <string>
#include <string_view>

#include "callagent/q931_link.hpp"
#include "callagent/sip_leg.hpp"
#include "callagent/trunk_group.hpp"
#include "proto/mgcp/connection_options.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::callagent {

enum class leg_state { idle, incoming, outgoing, proceeding, alerting, connected, disconnecting, released };
enum class leg_event {
  setup_received, setup_sent, proceeding_received, alerting_received, alerting_sent, progress,
  connect_received, connect_sent, disconnect_sent, disconnect_received, release_received, link_lost,
  hangup_sent,
};
enum class leg_kind { pri, sip };
enum class connection_state { none, creating, active, deleting };

[[nodiscard]] std::string_view to_string(leg_state s);
[[nodiscard]] std::string_view to_string(leg_event e);
[[nodiscard]] std::string_view to_string(connection_state s);

/// The state after `event` in `from`, or nullopt when the event is illegal there.
[[nodiscard]] std::optional<leg_state> next_state(leg_state from, leg_event event);

struct pri_leg {
  leg_kind kind = leg_kind::pri;
  leg_state state = leg_state::idle;
  circuit_index circuit = 0;  ///< PRI legs only
  std::string gateway;
  unsigned span = 0;
  unsigned channel = 0;
  std::string endpoint;  ///< local name, "ds/e1-1/5"; for SIP "sip:<user>@<peer, user or caller>"
  sip_dialog_ref dialog{};  ///< SIP legs only
  q931_call_ref ref{};

  connection_state connection = connection_state::none;
  mgcp::connection_id connection_id;
  std::string local_sdp;  ///< from the gateway's CRCX/MDCX answer; SIP legs: the peer's SDP
  /// The mode last asked of the connection (M:), RFC 3435 §3.2.2.
  mgcp::connection_mode_kind mode = mgcp::connection_mode_kind::inactive;
  std::optional<mgcp::connection_parameters> stats;  ///< P: of the DLCX answer

  /// True while the leg holds its call reference on the link.
  [[nodiscard]] bool signalling() const { return state != leg_state::idle && state != leg_state::released; }
};

}  // namespace tandem::callagent
