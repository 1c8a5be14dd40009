#pragma once
/// Q.850 cause values the exchange simulator uses (ITU-T Q.850 Table 1). Other values pass
/// through as they are: a cause is any 7-bit number.
#include <cstdint>
#include <string_view>

namespace tandem::lab::pstn::q931 {

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
  requested_channel_not_available = 44,
  bearer_capability_not_implemented = 65,
  recovery_on_timer_expiry = 102,
  interworking_unspecified = 127,
};

/// A short name ("normal clearing"); "cause N" for values without a name here.
[[nodiscard]] std::string_view to_string(cause c);

}  // namespace tandem::lab::pstn::q931
