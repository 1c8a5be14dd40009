#include "lab/pstn/q931/cause.hpp"

namespace tandem::lab::pstn::q931 {

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
    case cause::requested_channel_not_available: return "requested circuit/channel not available";
    case cause::bearer_capability_not_implemented: return "bearer capability not implemented";
    case cause::recovery_on_timer_expiry: return "recovery on timer expiry";
    case cause::interworking_unspecified: return "interworking, unspecified";
  }
  return "other cause";
}

}  // namespace tandem::lab::pstn::q931
