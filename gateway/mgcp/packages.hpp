#pragma once
/// The event packages the gateway supports (RFC 3660) and the checks RQNT and CRCX's embedded
/// requests go through before they change anything:
///   G  generic media  (tones rt cf cg it pt rbk; events mt ft ld oc of)
///   D  DTMF           (0-9 * # A-D as events and brief signals; L long duration, T timer,
///                      X any digit; digit maps)
///   T  trunk          (continuity co1 co2, bz busy, lb om nm tl zz qt, ro reorder; oc of)
///   R  RTP            (rto timeout, iu ICMP unreachable, ma media start, uc sr ji pl qa)
/// Unqualified names are looked up in G, D, T, R in that order (docs/mgcp-agent.md).
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gateway/mgcp/failure.hpp"
#include "proto/mgcp/event.hpp"

namespace tandem::gateway::mgcp {

/// RFC 3435 §2.3.3: on/off, time-out and brief signals.
enum class signal_type { none, on_off, time_out, brief };

struct package_item {
  std::string_view name;
  bool detectable = false;                   ///< usable in R:
  signal_type signal = signal_type::none;    ///< usable in S: when not none
  std::chrono::milliseconds timeout{0};      ///< default duration of a TO signal
  bool per_connection = false;               ///< may carry "@connection"
  std::string_view description;
};

struct package {
  std::string_view name;
  unsigned version = 0;
  std::string_view description;
  std::span<const package_item> items;
};

/// Every supported package, in PL:/A: v: order.
std::span<const package> supported_packages();

/// The package of a name ("" meaning the default lookup), or nullptr.
const package* find_package(std::string_view name);

/// The item a name designates, resolving an unqualified name (nullptr item when unknown).
struct resolved_item {
  const package* pkg = nullptr;
  const package_item* item = nullptr;
};

/// Checks a name for use as a requested event (`for_signal` false) or a signal: 518 unknown
/// package, 522 unknown item, or the item. DTMF ranges ("[0-9#T]") and "X" are events of D;
/// "all"/"*" events are allowed for R: ("G/all").
expected<resolved_item, rejection> resolve(const tandem::mgcp::event_name& name, bool for_signal);

/// The canonical "pkg/name" of a resolved item ("D/5").
std::string canonical(const resolved_item& r, std::string_view as_written);

}  // namespace tandem::gateway::mgcp
