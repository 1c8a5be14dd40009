#pragma once
/// The agent's model of endpoints and connections (RFC 3435 §2.1, §2.3.5).
///
/// Endpoint service state:
///   idle            --CRCX--> connected
///   connected       --last DLCX--> idle
///   idle, connected --span down--> out_of_service (connections dropped, RSIP forced)
///   out_of_service  --span up--> idle (RSIP restart)
///
/// Notification state (RFC 3435 §4.4.1, quarantine):
///   idle             --RQNT with R:--> armed
///   armed            --event with N, digit map done--> notifying (NTFY sent; events quarantined)
///   notifying        --NTFY answered, Q: step--> awaiting_request (events quarantined)
///   notifying        --NTFY answered, Q: loop--> armed (quarantine replayed)
///   any              --RQNT--> armed, or idle when R: is empty
///
/// Owned by the agent, on its control thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "gateway/mgcp/endpoint_address.hpp"
#include "gateway/mgcp/media_control.hpp"
#include "proto/mgcp/message.hpp"

namespace tandem::gateway::mgcp {

/// Connection state: half_open until the remote end's address is known.
enum class connection_state { half_open, open };

struct connection {
  tandem::mgcp::connection_id id;
  tandem::mgcp::call_id call;
  connection_state state = connection_state::half_open;
  tandem::mgcp::connection_mode mode;
  tandem::mgcp::local_connection_options options;  ///< L: as last given
  media_settings media;
  local_media local;
  std::string local_sdp;                 ///< our LocalConnectionDescriptor ("" for Z2 pairs)
  std::optional<std::string> remote_sdp;
  std::optional<tandem::mgcp::notified_entity> notified;
  std::optional<connection_key> joined;  ///< the other half of a Z2 pair
  std::uint64_t session_id = 0;
  std::uint64_t sdp_version = 1;
};

enum class endpoint_state { idle, connected, out_of_service };
enum class notification_state { idle, armed, notifying, awaiting_request };

/// A signal currently played (RFC 3435 §2.3.3 on/off and time-out signals).
struct active_signal {
  tandem::mgcp::signal_request request;
  std::string canonical;  ///< "G/rt"
  std::optional<timer_id> timer;  ///< time-out signals (none for "TO infinite")
  bool time_out = false;          ///< a time-out signal: a detected event stops it (unless K)
};

/// What the last RQNT (or embedded request) asked, and what has been seen since.
struct notification {
  notification_state state = notification_state::idle;
  tandem::mgcp::request_id request{"0"};
  std::vector<tandem::mgcp::requested_event> events;
  std::optional<tandem::mgcp::digit_map> digits;
  tandem::mgcp::quarantine_handling quarantine;
  std::vector<tandem::mgcp::event_name> detect;  ///< T:
  std::optional<tandem::mgcp::notified_entity> notified;
  std::vector<active_signal> signals;
  std::vector<tandem::mgcp::observed_event> observed;    ///< accumulated, not yet notified
  std::string dialed;                                    ///< digit-map accumulation
  std::optional<timer_id> digit_timer;
  std::vector<tandem::mgcp::observed_event> quarantined;
  std::optional<tandem::mgcp::transaction_id> pending_ntfy;
};

struct endpoint {
  endpoint_address address;
  endpoint_state state = endpoint_state::idle;
  std::vector<connection> connections;
  std::optional<tandem::mgcp::bearer_encoding> bearer;
  notification notify;
  tandem::mgcp::reason_code last_reason;
  tandem::mgcp::restart_method last_restart;
  std::uint32_t last_restart_delay_s = 0;

  connection* find(const tandem::mgcp::connection_id& id);
  const connection* find(const tandem::mgcp::connection_id& id) const;
};

}  // namespace tandem::gateway::mgcp
