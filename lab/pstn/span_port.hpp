#pragma once
/// The exchange's side of one span: the span_handler that the span's clock thread calls.
/// It moves each B-channel's samples through that channel's channel_media, hands D-channel
/// frames to the span's pri_adapter (isdn/) bridge, and forwards alarm changes to the control thread.
///
/// Threads: on_tick/on_dchannel_frame/on_alarm run on the span's clock thread. The channel
/// objects are created before start and live until after stop; only their thread-safe parts
/// are used from the control thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "lab/pstn/media/channel_media.hpp"
#include "isdn/pri_adapter.hpp"
#include "tdm/span.hpp"

namespace tandem::lab::pstn {

class span_port final : public tdm::span_handler {
 public:
  /// `on_alarm` is called on the clock thread: it must only post to the control thread.
  span_port(const tdm::span_layout& layout, std::size_t record_samples, isdn::pri_adapter& link,
            std::function<void(tdm::alarm)> on_alarm);

  /// The channel_media of a bearer number (E1 timeslot / T1 channel); null for non-bearers.
  [[nodiscard]] media::channel_media* channel(unsigned number) const;

  void on_tick(const tdm::block& rx, tdm::block& tx) override;
  void on_dchannel_frame(std::span<const std::uint8_t> frame) override;
  void on_alarm(tdm::alarm active) override;

  /// D-channel frames the bridge could not take (counted, never silently dropped).
  [[nodiscard]] std::uint64_t dchannel_dropped() const { return dropped_; }

 private:
  tdm::span_layout layout_;
  isdn::pri_adapter& link_;
  std::function<void(tdm::alarm)> on_alarm_;
  std::vector<std::unique_ptr<media::channel_media>> channels_;  // by block position
  std::uint64_t sample_clock_ = 0;                                // clock thread
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace tandem::lab::pstn
