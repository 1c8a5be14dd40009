#pragma once
/// A call as the exchange keeps it: its Q.931 progress as a list of events with the causes,
/// for clients to query after the fact.
///
/// States (one enum, call_state) and transitions:
///   outgoing: setup_sent -> proceeding -> alerting -> active -> disconnecting -> released
///   incoming: setup_received -> proceeding -> alerting -> active -> disconnecting -> released
///   (proceeding and alerting may be skipped; any state -> released on RELEASE or link loss)
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/strong_id.hpp"
#include "lab/pstn/media/channel_media.hpp"
#include "isdn/pri_adapter.hpp"

namespace tandem::lab::pstn {

using call_id = strong_id<struct call_id_tag, std::uint32_t>;

enum class call_direction { outgoing, incoming };
enum class call_state { setup_sent, setup_received, proceeding, alerting, active, disconnecting, released };

[[nodiscard]] std::string_view to_string(call_direction d);
[[nodiscard]] std::string_view to_string(call_state s);

/// One step of a call, as reported to clients.
struct call_event {
  std::string name;  ///< "setup", "proceeding", "alerting", "connect", "disconnect", "release"
  double at_ms = 0;  ///< since the call started
  std::optional<isdn::cause> cause;
};

struct call_record {
  call_id id{};
  unsigned span = 0;
  unsigned channel = 0;
  call_direction direction = call_direction::outgoing;
  call_state state = call_state::setup_sent;
  std::string called;
  std::string calling;
  std::vector<call_event> events;
  /// The first clearing cause (from DISCONNECT/RELEASE, ours or the far end's).
  std::optional<isdn::cause> cause;
  std::chrono::steady_clock::time_point started{};
  isdn::call_handle handle{};
  /// Whether the B-channel's media ran for this call (from CONNECT); before that the channel
  /// still holds the previous call's results.
  bool media_started = false;
  /// Media results frozen when the call ended (the channel is reused afterwards).
  std::optional<media::channel_report> final_media;
  /// Set when the last thing played was the delay marker.
  bool marker_played = false;
};

}  // namespace tandem::lab::pstn
