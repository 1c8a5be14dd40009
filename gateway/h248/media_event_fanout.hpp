#pragma once
/// Hands each media plane event to every front-end (the MGCP agent, the H.248 agent): each
/// keeps what concerns the endpoints and connections it controls and counts the rest.
#include <vector>

#include "gateway/mgcp/media_event_handler.hpp"

namespace tandem::gateway::h248 {

class media_event_fanout final : public mgcp::media_event_handler {
 public:
  void add(mgcp::media_event_handler& h) { handlers_.push_back(&h); }
  void on_media_event(const mgcp::endpoint_address& e, const tandem::mgcp::observed_event& event) override {
    for (auto* h : handlers_) h->on_media_event(e, event);
  }

 private:
  std::vector<mgcp::media_event_handler*> handlers_;
};

}  // namespace tandem::gateway::h248
