#pragma once
/// The daemon's handler of one span (tdm::span_handler): ticks go to the span's media engine
/// (through gateway/media's span_media_handler), D-channel frames into a bounded queue that
/// the control plane drains toward the backhaul, alarms into an atomic the control plane
/// reads. Nothing here blocks or allocates: this runs on the span's clock thread.
///
/// Threads: on_* from the span's clock thread; pop_dchannel(), alarms() and the counters from
/// the control thread.
#include <atomic>
#include <cstdint>

#include "gateway/media/media_clock.hpp"
#include "tdm/dchannel_queue.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::app {

class span_bridge final : public tdm::span_handler {
 public:
  /// Frames the control plane has not drained yet (10 ms apart); a full queue drops (counted).
  static constexpr std::size_t dchannel_depth = 128;

  explicit span_bridge(media::media_engine& engine) : media_(engine), dchannel_(dchannel_depth) {}

  void on_tick(const tdm::block& rx, tdm::block& tx) override { media_.on_tick(rx, tx); }

  void on_dchannel_frame(std::span<const std::uint8_t> frame) override {
    if (dchannel_.push(frame) != tdm::dchannel_queue::push_result::queued)
      dchannel_dropped_.fetch_add(1, std::memory_order_relaxed);
  }

  void on_alarm(tdm::alarm active) override {
    alarms_.store(static_cast<std::uint8_t>(active), std::memory_order_relaxed);
  }

  /// Control thread: the oldest received frame into `out` (at least dchannel_queue::max_frame
  /// long); its size, 0 when none is waiting.
  std::size_t pop_dchannel(std::span<std::uint8_t> out) { return dchannel_.pop(out); }
  [[nodiscard]] tdm::alarm alarms() const noexcept {
    return static_cast<tdm::alarm>(alarms_.load(std::memory_order_relaxed));
  }
  [[nodiscard]] std::uint64_t dchannel_dropped() const noexcept { return dchannel_dropped_.load(); }

 private:
  media::span_media_handler media_;
  tdm::dchannel_queue dchannel_;
  std::atomic<std::uint8_t> alarms_{0};
  std::atomic<std::uint64_t> dchannel_dropped_{0};
};

}  // namespace tandem::gateway::app
