#include "callagent/sip_cause.hpp"

namespace tandem::callagent {

std::optional<int> sip_status_for(cause why) {
  switch (to_int(why)) {
    case 1: case 2: case 3: case 26: return 404;
    case 16: return std::nullopt;
    case 17: return 486;
    case 18: return 408;
    case 19: case 20: case 31: return 480;
    case 21: case 55: case 57: case 87: return 403;
    case 22: case 23: return 410;
    case 27: return 502;
    case 28: return 484;
    case 29: case 79: return 501;
    case 34: case 38: case 41: case 42: case 47: case 58: case 88: return 503;
    case 65: case 70: return 488;
    case 102: return 504;
    case 111: case 127: return 500;
    default: return 500;
  }
}

cause cause_for_sip_status(int status) {
  switch (status) {
    case 400: case 481: case 500: case 503: return cause::temporary_failure;
    case 401: case 402: case 403: case 407: case 603: return cause::call_rejected;
    case 404: case 485: case 604: return cause::unallocated_number;
    case 405: return cause{63};   // service or option unavailable
    case 406: case 415: case 501: return cause{79};  // service/option not implemented
    case 408: case 504: return cause::recovery_on_timer_expiry;
    case 410: return cause{22};   // number changed
    case 480: return cause::no_user_responding;
    case 482: case 483: return cause{25};  // exchange routing error
    case 484: return cause::invalid_number_format;
    case 486: case 600: return cause::user_busy;
    case 487: return cause::normal_clearing;
    case 502: return cause::network_out_of_order;
    default: return cause::interworking_unspecified;
  }
}

}  // namespace tandem::callagent
