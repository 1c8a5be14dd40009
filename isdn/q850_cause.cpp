#include "isdn/q850_cause.hpp"

namespace tandem::isdn {

std::string_view to_string(cause c) {
  switch (c) {
    case cause::unallocated_number: return "unallocated number";
    case cause::no_route_to_destination: return "no route to destination";
    case cause::normal_clearing: return "normal clearing";
    case cause::user_busy: return "user busy";
    case cause::no_user_responding: return "no user responding";
    case cause::no_answer: return "no answer from user";
    case cause::call_rejected: return "call rejected";
    case cause::destination_out_of_order: return "destination out of order";
    case cause::invalid_number_format: return "invalid number format";
    case cause::normal_unspecified: return "normal, unspecified";
    case cause::no_circuit_available: return "no circuit/channel available";
    case cause::network_out_of_order: return "network out of order";
    case cause::temporary_failure: return "temporary failure";
    case cause::switching_equipment_congestion: return "switching equipment congestion";
    case cause::requested_channel_not_available: return "requested circuit/channel not available";
    case cause::resources_unavailable: return "resources unavailable, unspecified";
    case cause::bearer_capability_not_available: return "bearer capability not presently available";
    case cause::bearer_capability_not_implemented: return "bearer capability not implemented";
    case cause::incompatible_destination: return "incompatible destination";
    case cause::recovery_on_timer_expiry: return "recovery on timer expiry";
    case cause::interworking_unspecified: return "interworking, unspecified";
  }
  return "unnamed";
}

bool is_congestion(cause c) {
  switch (c) {
    case cause::no_circuit_available:
    case cause::network_out_of_order:
    case cause::temporary_failure:
    case cause::switching_equipment_congestion:
    case cause::requested_channel_not_available:
    case cause::resources_unavailable:
    case cause::bearer_capability_not_available:
      return true;
    default:
      return false;
  }
}

}  // namespace tandem::isdn
