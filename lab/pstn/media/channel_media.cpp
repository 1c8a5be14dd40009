#include "lab/pstn/media/channel_media.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <spandsp.h>

#include "codecs/g711.hpp"

namespace tandem::lab::pstn::media {

namespace {

std::int16_t to_linear(tdm::companding_law law, std::uint8_t octet) {
  return law == tdm::companding_law::alaw ? codecs::g711::alaw_to_linear(octet)
                                          : codecs::g711::ulaw_to_linear(octet);
}

std::uint8_t from_linear(tdm::companding_law law, std::int16_t sample) {
  return law == tdm::companding_law::alaw ? codecs::g711::linear_to_alaw(sample)
                                          : codecs::g711::linear_to_ulaw(sample);
}

}  // namespace

std::string_view to_string(source_kind k) {
  switch (k) {
    case source_kind::silence: return "silence";
    case source_kind::tone: return "tone";
    case source_kind::dtmf: return "dtmf";
    case source_kind::samples: return "samples";
    case source_kind::echo: return "echo";
  }
  return "?";
}

double amplitude_for_dbm0(double dbm0) { return 32767.0 * std::pow(10.0, (dbm0 - 3.14) / 20.0); }

channel_media::channel_media(tdm::companding_law law, std::size_t record_capacity_samples)
    : law_(law), recording_(record_capacity_samples) {
  dtmf_tx_ = dtmf_tx_init(nullptr);
  dtmf_rx_ = dtmf_rx_init(nullptr, &channel_media::on_digits, this);
}

channel_media::~channel_media() {
  dtmf_tx_free(dtmf_tx_);
  dtmf_rx_free(dtmf_rx_);
}

void channel_media::on_digits(void* user, const char* digits, int len) {
  // Called from dtmf_rx() inside tick(), with mutex_ held.
  auto* self = static_cast<channel_media*>(user);
  for (int i = 0; i < len && self->digit_count_ < self->digits_.size(); ++i)
    self->digits_[self->digit_count_++] = digits[i];
}

bool channel_media::push(const command& c) {
  std::lock_guard lock(mutex_);
  if (queue_size_ == queue_.size()) return false;
  queue_[(queue_head_ + queue_size_) % queue_.size()] = c;
  ++queue_size_;
  return true;
}

bool channel_media::start_call() { return push({command_kind::start_call, {}}); }
bool channel_media::stop_call() { return push({command_kind::stop_call, {}}); }
bool channel_media::play(const play_command& p) {
  {
    // Clients poll play_start_us to learn when this command went out: forget the last one's.
    std::lock_guard lock(mutex_);
    play_start_sample_ = 0;
    play_start_us_ = 0;
  }
  return push({command_kind::play, p});
}

void channel_media::apply(const command& c) {
  switch (c.kind) {
    case command_kind::start_call:
      state_ = state::in_call;
      source_ = play_command{};
      recorded_ = 0;
      digit_count_ = 0;
      play_start_sample_ = 0;
      play_start_us_ = 0;
      record_start_pending_ = true;
      dtmf_rx_init(dtmf_rx_, &channel_media::on_digits, this);  // re-initialises in place
      break;
    case command_kind::stop_call:
      state_ = state::idle;
      source_ = play_command{};
      break;
    case command_kind::play:
      source_ = c.play;
      source_pos_ = 0;
      phase_ = 0.0;
      stamp_play_ = true;
      if (source_.kind == source_kind::dtmf) {
        dtmf_tx_init(dtmf_tx_);  // drop digits still queued from an earlier command
        dtmf_tx_put(dtmf_tx_, source_.digits.data(), static_cast<int>(source_.digit_count));
      }
      break;
  }
}

void channel_media::generate(std::span<std::int16_t> out, std::span<const std::uint8_t> rx) {
  std::fill(out.begin(), out.end(), std::int16_t{0});
  switch (source_.kind) {
    case source_kind::silence:
      break;
    case source_kind::echo:
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = to_linear(law_, rx[i]);
      break;
    case source_kind::tone: {
      const double step = 2.0 * std::numbers::pi * source_.tone_hz / sample_rate;
      for (auto& s : out) {
        if (source_.duration_samples != 0 && source_pos_ >= source_.duration_samples) break;
        s = static_cast<std::int16_t>(std::lround(source_.amplitude * std::sin(phase_)));
        phase_ = std::fmod(phase_ + step, 2.0 * std::numbers::pi);
        ++source_pos_;
      }
      break;
    }
    case source_kind::dtmf:
      dtmf_tx(dtmf_tx_, out.data(), static_cast<int>(out.size()));
      break;
    case source_kind::samples: {
      if (source_.samples == nullptr) break;
      std::size_t end = source_.samples->size();
      if (source_.duration_samples != 0) end = std::min<std::size_t>(end, source_.duration_samples);
      for (auto& s : out) {
        if (source_pos_ >= end) break;
        s = (*source_.samples)[source_pos_++];
      }
      break;
    }
  }
}

void channel_media::tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx,
                         std::uint64_t sample_clock, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  while (queue_size_ > 0) {
    apply(queue_[queue_head_]);
    queue_head_ = (queue_head_ + 1) % queue_.size();
    --queue_size_;
  }
  if (state_ != state::in_call) return;  // tx keeps the span's idle pattern
  const std::size_t n = std::min({rx.size(), tx.size(), scratch_.size()});
  std::span<std::int16_t> pcm(scratch_.data(), n);

  // Receive side: record and detect.
  if (record_start_pending_) {
    record_start_pending_ = false;
    record_start_sample_ = sample_clock;
    record_start_us_ = now_us;
  }
  for (std::size_t i = 0; i < n; ++i) pcm[i] = to_linear(law_, rx[i]);
  dtmf_rx(dtmf_rx_, pcm.data(), static_cast<int>(n));
  const std::size_t room = recording_.size() - recorded_;
  const std::size_t keep = std::min(room, n);
  std::copy_n(pcm.begin(), keep, recording_.begin() + static_cast<std::ptrdiff_t>(recorded_));
  recorded_ += keep;

  // Send side.
  if (stamp_play_) {
    stamp_play_ = false;
    play_start_sample_ = sample_clock;
    play_start_us_ = now_us;
  }
  generate(pcm, rx);
  for (std::size_t i = 0; i < n; ++i) tx[i] = from_linear(law_, pcm[i]);
}

channel_report channel_media::snapshot() const {
  std::lock_guard lock(mutex_);
  channel_report r;
  r.digits.assign(digits_.data(), digit_count_);
  r.recording.assign(recording_.begin(), recording_.begin() + static_cast<std::ptrdiff_t>(recorded_));
  r.record_start_sample = record_start_sample_;
  r.record_start_us = record_start_us_;
  r.play_start_sample = play_start_sample_;
  r.play_start_us = play_start_us_;
  r.playing = source_.kind;
  r.recording_full = recorded_ == recording_.size();
  return r;
}

}  // namespace tandem::lab::pstn::media
