#pragma once
/// Internal to the call agent (not a public header): the q931_handler bound to one link, which
/// tells the call agent which D-channel (gateway, span) an event came from.
#include <string>

#include "callagent/call_agent.hpp"

namespace tandem::callagent {

/// The handler bound to one link: tells the call agent which D-channel an event came from.
class call_agent::link_port final : public q931_handler {
 public:
  link_port(call_agent& ca, std::string gateway_name, unsigned span_number, q931_link& q931)
      : agent(ca), gateway(std::move(gateway_name)), span(span_number), link(q931) {}
  void on_link_up() override { agent.on_link_up(*this); }
  void on_link_down() override { agent.on_link_down(*this); }
  void on_setup(const q931_setup& s) override { agent.on_setup(*this, s); }
  void on_proceeding(q931_call_ref ref, unsigned channel) override { agent.on_proceeding(*this, ref, channel); }
  void on_alerting(q931_call_ref ref) override { agent.on_alerting(*this, ref); }
  void on_progress(q931_call_ref ref) override { agent.on_progress(*this, ref); }
  void on_connect(q931_call_ref ref) override { agent.on_connect(*this, ref); }
  void on_disconnect(q931_call_ref ref, cause why) override { agent.on_disconnect(*this, ref, why); }
  void on_release(q931_call_ref ref, cause why) override { agent.on_release(*this, ref, why); }

  call_agent& agent;
  const std::string gateway;
  const unsigned span;
  q931_link& link;
  bool up = false;
};

}  // namespace tandem::callagent
