#pragma once
/// The control plane's side of the daemon's spans: drains each span's received D-channel
/// frames toward the backhaul, hands the call agent's frames to the right span, and follows
/// the spans' alarms: a span in alarm for longer than its hold time is taken out of service
/// (the agent's RSIP RM: forced for ds/<span>/*, RFC 3435 §2.3.12) and brought back when the
/// alarm clears (RSIP RM: restart). Every alarm change also goes to the call agent over the
/// backhaul at once (docs/backhaul.md, span status).
///
/// Service state of each span (one enum):
///   in_service     --alarm raised-->                 alarm_pending (since now)
///   alarm_pending  --alarm cleared-->                in_service     (a brief alarm: counted)
///   alarm_pending  --alarm_hold elapsed-->           out_of_service (agent told)
///   out_of_service --alarm cleared-->                in_service     (agent told)
///
/// Counters (the set given, names "span<N>.*", docs/counters.md): dchannel.to_call_agent,
/// dchannel.from_call_agent, dchannel.dropped (the span thread's queue was full), alarms,
/// brief_alarms, out_of_service.
///
/// Threads: the control thread only.
#include <chrono>
#include <functional>
#include <vector>

#include "common/counters.hpp"
#include "gateway/app/span_bridge.hpp"
#include "gateway/backhaul/backhaul_link.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::app {

struct supervised_span {
  unsigned number = 1;
  tdm::span* span = nullptr;
  span_bridge* bridge = nullptr;
  std::chrono::milliseconds alarm_hold{1000};
};

enum class span_service { in_service, alarm_pending, out_of_service };

class span_supervisor final : public backhaul::dchannel_sink {
 public:
  /// Tells the MGCP agent a span went out of service or came back (agent::set_span_in_service).
  using service_function = std::function<void(unsigned span, bool in_service)>;

  span_supervisor(std::vector<supervised_span> spans, service_function on_service, counter_set& counters);

  /// Where D-channel frames and span status go; null: nowhere (frames counted as dropped).
  void set_backhaul(backhaul::backhaul_link* link) noexcept { link_ = link; }

  /// Drains the D-channel queues and follows the alarms. Call it every few milliseconds.
  void poll(std::chrono::steady_clock::time_point now);

  bool on_dchannel_from_call_agent(std::uint16_t span, std::span<const std::uint8_t> frame) override;

  [[nodiscard]] span_service service(unsigned span) const;

 private:
  struct tracked {
    supervised_span s;
    span_service state = span_service::in_service;
    tdm::alarm last = tdm::alarm::none;
    std::chrono::steady_clock::time_point since{};
    std::uint64_t dropped_seen = 0;
    counter* to_ca = nullptr;
    counter* from_ca = nullptr;
    counter* dropped = nullptr;
    counter* alarms = nullptr;
    counter* brief = nullptr;
    counter* out = nullptr;
  };
  void follow_alarm(tracked& t, std::chrono::steady_clock::time_point now);

  std::vector<tracked> spans_;
  service_function on_service_;
  backhaul::backhaul_link* link_ = nullptr;
};

}  // namespace tandem::gateway::app
