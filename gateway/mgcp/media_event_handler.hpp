#pragma once
/// The inbound port from the media plane to the agent: what it observed on an endpoint
/// (a DTMF digit "D/5", a fax tone "G/ft", an RTP timeout "R/rto@<conn>", a signal that
/// ended "G/oc"). Called on the control thread.
#include "gateway/mgcp/endpoint_address.hpp"
#include "proto/mgcp/event.hpp"

namespace tandem::gateway::mgcp {

class media_event_handler {
 public:
  virtual ~media_event_handler() = default;
  virtual void on_media_event(const endpoint_address& e, const tandem::mgcp::observed_event& event) = 0;
};

}  // namespace tandem::gateway::mgcp
