#include "lab/pstn/span_port.hpp"

#include <chrono>

#include "common/log.hpp"

namespace tandem::lab::pstn {

span_port::span_port(const tdm::span_layout& layout, std::size_t record_samples, isdn::pri_adapter& link,
                     std::function<void(tdm::alarm)> on_alarm)
    : layout_(layout), link_(link), on_alarm_(std::move(on_alarm)), channels_(layout.slot_count()) {
  for (unsigned n : layout_.bearers())
    channels_[layout_.position(n)] = std::make_unique<media::channel_media>(layout_.law, record_samples);
}

media::channel_media* span_port::channel(unsigned number) const {
  if (!layout_.is_bearer(number)) return nullptr;
  return channels_[layout_.position(number)].get();
}

void span_port::on_tick(const tdm::block& rx, tdm::block& tx) {
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  for (unsigned pos = 0; pos < channels_.size() && pos < rx.slot_count(); ++pos) {
    if (channels_[pos]) channels_[pos]->tick(rx.slot(pos), tx.slot(pos), sample_clock_, now_us);
  }
  sample_clock_ += rx.samples_per_slot();
}

void span_port::on_dchannel_frame(std::span<const std::uint8_t> frame) {
  if (!link_.deliver_incoming(frame)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void span_port::on_alarm(tdm::alarm active) { on_alarm_(active); }

}  // namespace tandem::lab::pstn
