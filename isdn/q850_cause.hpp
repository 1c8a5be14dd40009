#pragma once
/// Q.850 cause values (ITU-T Q.850 Table 1), shared by the call agent and the exchange
/// simulator. A cause is any 7-bit value; the names here are the ones Tandem produces or acts
/// on, other values pass through untouched (`cause{42}`).
#include <cstdint>
#include <string_view>

namespace tandem::isdn {

enum class cause : std::uint8_t {
  unallocated_number = 1,
  no_route_to_destination = 3,
  normal_clearing = 16,
  user_busy = 17,
  no_user_responding = 18,
  no_answer = 19,
  call_rejected = 21,
  destination_out_of_order = 27,
  invalid_number_format = 28,
  normal_unspecified = 31,
  no_circuit_available = 34,
  network_out_of_order = 38,
  temporary_failure = 41,
  switching_equipment_congestion = 42,
  requested_channel_not_available = 44,
  resources_unavailable = 47,
  bearer_capability_not_available = 58,
  bearer_capability_not_implemented = 65,
  incompatible_destination = 88,
  recovery_on_timer_expiry = 102,
  interworking_unspecified = 127,
};

constexpr int to_int(cause c) { return static_cast<int>(c); }

/// A short name ("normal clearing"); "unnamed" for values without a name here.
[[nodiscard]] std::string_view to_string(cause c);

/// Q.850 §2.2.7 classes: congestion-like causes on which a route advances to its next target
/// (34 no circuit, 38 network out of order, 41 temporary failure, 42 congestion, 44 channel
/// not available, 47 resources unavailable, 58 bearer capability not available).
[[nodiscard]] bool is_congestion(cause c);

}  // namespace tandem::isdn
