#pragma once
/// A call: two legs joined by the call agent. legs[0] is the originating leg; every attempt
/// toward the called side adds a terminating leg (a second attempt follows glare, a refused
/// channel or a route advance); `term` names the current one. Legs of abandoned attempts stay
/// until their call reference and connection are gone, so nothing leaks.
///
/// Call state, allowed transitions:
///   setting_up --far_alerting-->  ringing     (far ALERTING)
///   ringing    --far_alerting-->  ringing     (a second ALERTING changes nothing)
///   setting_up,
///   ringing    --far_answer-->    answered    (far CONNECT)
///   setting_up, ringing,
///   answered   --clear-->         releasing   (first cause and side kept)
///   releasing  --every leg done--> (record written, call erased)
/// Illegal events are logged and counted (`call.illegal_event`).
///
/// Threads: owned by the call agent's control-plane thread.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "callagent/ca_config.hpp"
#include "callagent/cdr_writer.hpp"
#include "callagent/pri_leg.hpp"
#include "isdn/q850_cause.hpp"
#include "common/clock.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::callagent {

using isdn::cause;  // Q.850 causes are shared with the exchange simulator (isdn/)

enum class call_state { setting_up, ringing, answered, releasing };
enum class call_event { far_alerting, far_answer, clear, };
[[nodiscard]] std::string_view to_string(call_state s);
[[nodiscard]] std::string_view to_string(call_event e);
/// The state after `event` in `from` (table above), or nullopt when the event is illegal there.
[[nodiscard]] std::optional<call_state> next_state(call_state from, call_event event);

/// The codec an SDP answer chose: the first payload of its first audio stream (RFC 3264 §6),
/// `fallback` when the SDP does not say.
[[nodiscard]] std::string codec_of(std::string_view sdp, const std::string& fallback);

struct call {
  call_ref id;
  mgcp::call_id mgcp_call;
  call_state state = call_state::setting_up;

  std::string calling;      ///< as received
  std::string called;       ///< as received
  std::string called_out;   ///< after normalisation and the route's edits
  std::string calling_out;
  const route_config* route = nullptr;
  std::size_t target = 0;   ///< index in route->targets being tried
  std::size_t codec = 0;    ///< index in route->codecs being offered
  std::string codec_name;   ///< codec the far gateway answered with
  unsigned retries = 0;     ///< re-hunts in one trunk group (glare, channel refused)
  std::vector<circuit_index> excluded;  ///< channels not to hunt again for this call
  std::optional<cause> last_failure;    ///< why the last attempt failed (for the final cause)

  std::vector<pri_leg> legs;
  std::optional<std::size_t> term;
  std::optional<timer_id> no_answer;

  using wall_time = std::chrono::system_clock::time_point;
  wall_time seizure;
  std::optional<wall_time> alerting;
  std::optional<wall_time> answer;
  std::optional<wall_time> release;
  std::optional<cause> release_cause;
  callagent::released_by released_by = released_by::call_agent;
};

}  // namespace tandem::callagent
