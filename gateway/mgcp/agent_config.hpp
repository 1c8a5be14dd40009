#pragma once
/// What the MGCP agent is told at start-up (filled by the tandem-mgw config loader, or by
/// tests). Plain values with defaults.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/mgcp/transaction/peer.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::gateway::mgcp {

/// One E1 or T1 span whose bearer timeslots become endpoints.
struct span_config {
  unsigned number = 1;
  bool t1 = false;  ///< false: E1 (ds/e1-N), true: T1 (ds/t1-N)
  /// Bearer timeslots; empty means the PRI default: E1 1-15 and 17-31 (0 is framing, 16 the
  /// D-channel), T1 1-23 (24 is the D-channel).
  std::vector<unsigned> bearer_slots;
};

/// A call agent allowed to send commands: an address literal and a port (0: any port).
struct allowed_peer {
  std::string address;
  std::uint16_t port = 0;
};

struct agent_config {
  /// Our domain name (RFC 3435 §2.1.1), matched case-insensitively; aliases too (e.g. "[127.0.0.1]").
  std::string domain = "mgw.tandem.test";
  std::vector<std::string> domain_aliases;

  std::vector<span_config> spans;
  /// Number of virtual rtp/<n> endpoints (rtp/1 .. rtp/<n>).
  unsigned rtp_endpoints = 0;
  unsigned max_connections_bearer = 2;
  unsigned max_connections_rtp = 4;

  /// The call agent that receives RSIP, and NTFY / DLCX when no N: says otherwise.
  tandem::mgcp::peer call_agent{"127.0.0.1", 2727};
  /// The NotifiedEntity we announce ("ca@[127.0.0.1]:2727"): local part of the default.
  std::string call_agent_name = "ca";
  /// Who may send commands; empty means only call_agent's address (any port).
  std::vector<allowed_peer> allowed_call_agents;

  /// Codecs we offer, in our order of preference (SDP encoding names; names this binary's
  /// codec registry lacks are left out at start-up).
  std::vector<std::string> codecs{"PCMU", "PCMA", "G729", "G723"};
  /// RFC 4733 DTMF relay: telephone-event in our SDP answers.
  bool dtmf_relay = true;
  unsigned telephone_event_payload_type = 101;
  /// ptime when neither L: p: nor the remote SDP gives one.
  std::chrono::milliseconds default_ptime{20};
  bool echo_cancellation_default = true;

  /// RSIP on start (RFC 3435 §2.3.12, §4.4.6).
  tandem::mgcp::restart_method_kind restart_method = tandem::mgcp::restart_method_kind::restart;
  std::chrono::seconds restart_delay{0};
  /// RFC 3435 §4.4.6 restart avalanche: wait a random time in [0, max] before the first RSIP.
  std::chrono::milliseconds max_restart_wait{0};

  /// RFC 3435 §2.1.5 interdigit timers: the critical timer when a pattern may be complete,
  /// the long one otherwise.
  std::chrono::milliseconds digit_map_short_timer{4000};
  std::chrono::milliseconds digit_map_long_timer{16000};

  /// Events reported (with X: 0) even when no RQNT asked for them (RFC 3435 §4.4.1
  /// "persistent events"), as "pkg/event" ("G/of").
  std::vector<std::string> persistent_events;

  /// Most endpoints a wildcard AUEP may list (above: 533).
  unsigned max_audit_endpoints = 1000;
};

}  // namespace tandem::gateway::mgcp
