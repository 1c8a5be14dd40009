#include "gateway/app/span_supervisor.hpp"

#include <array>

#include <fmt/format.h>

#include "common/log.hpp"

namespace tandem::gateway::app {

span_supervisor::span_supervisor(std::vector<supervised_span> spans, service_function on_service,
                                 counter_set& counters)
    : on_service_(std::move(on_service)) {
  for (auto& s : spans) {
    tracked t;
    t.s = s;
    auto name = [&](std::string_view what) -> counter& { return counters.get(fmt::format("span{}.{}", s.number, what)); };
    t.to_ca = &name("dchannel.to_call_agent");
    t.from_ca = &name("dchannel.from_call_agent");
    t.dropped = &name("dchannel.dropped");
    t.alarms = &name("alarms");
    t.brief = &name("brief_alarms");
    t.out = &name("out_of_service");
    spans_.push_back(t);
  }
}

void span_supervisor::poll(std::chrono::steady_clock::time_point now) {
  std::array<std::uint8_t, tdm::dchannel_queue::max_frame> frame{};
  for (auto& t : spans_) {
    while (const std::size_t n = t.s.bridge->pop_dchannel(frame)) {
      if (link_) {
        link_->send_dchannel(static_cast<std::uint16_t>(t.s.number), std::span<const std::uint8_t>(frame.data(), n));
        t.to_ca->add();
      } else {
        t.dropped->add();
      }
    }
    const auto dropped = t.s.bridge->dchannel_dropped();
    if (dropped > t.dropped_seen) t.dropped->add(dropped - t.dropped_seen);
    t.dropped_seen = dropped;
    follow_alarm(t, now);
  }
}

void span_supervisor::follow_alarm(tracked& t, std::chrono::steady_clock::time_point now) {
  const tdm::alarm active = t.s.bridge->alarms();
  if (active != t.last) {
    log::get("tdm")->info("span {}: alarms {:#x} -> {:#x}", t.s.number, static_cast<unsigned>(t.last),
                          static_cast<unsigned>(active));
    t.last = active;
    if (link_) link_->set_span_status(static_cast<std::uint16_t>(t.s.number), static_cast<std::uint8_t>(active));
  }
  switch (t.state) {
    case span_service::in_service:
      if (any(active)) {
        t.alarms->add();
        t.state = span_service::alarm_pending;
        t.since = now;
      }
      break;
    case span_service::alarm_pending:
      if (!any(active)) {
        t.brief->add();
        t.state = span_service::in_service;
      } else if (now - t.since >= t.s.alarm_hold) {
        t.out->add();
        t.state = span_service::out_of_service;
        log::get("tdm")->warn("span {}: in alarm for {} ms, endpoints out of service", t.s.number,
                              t.s.alarm_hold.count());
        on_service_(t.s.number, false);
      }
      break;
    case span_service::out_of_service:
      if (!any(active)) {
        t.state = span_service::in_service;
        log::get("tdm")->info("span {}: alarm cleared, endpoints back in service", t.s.number);
        on_service_(t.s.number, true);
      }
      break;
  }
}

bool span_supervisor::on_dchannel_from_call_agent(std::uint16_t span, std::span<const std::uint8_t> frame) {
  for (auto& t : spans_) {
    if (t.s.number != span) continue;
    t.s.span->send_dchannel_frame(frame);
    t.from_ca->add();
    return true;
  }
  return false;
}

span_service span_supervisor::service(unsigned span) const {
  for (const auto& t : spans_)
    if (t.s.number == span) return t.state;
  return span_service::in_service;
}

}  // namespace tandem::gateway::app
