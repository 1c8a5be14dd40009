#pragma once
/// The audio of one B-channel of the exchange: what the subscriber sends (a tone, DTMF digits,
/// a WAV file, the delay marker, or what it hears, as an echo) and what it hears (recorded into
/// a bounded buffer, DTMF digits detected with spandsp's dtmf_rx).
///
/// Threads: tick() runs on the span's clock thread and never allocates, blocks for long or
/// logs. The control thread (the exchange's io_context) hands commands over through a small
/// bounded queue applied at the next tick, and reads results with snapshot(). Both sides take
/// the channel's mutex briefly; the control thread holds it at most for one copy of the
/// recording.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "tdm/span.hpp"

struct dtmf_tx_state_s;
struct dtmf_rx_state_s;

namespace tandem::lab::pstn::media {

inline constexpr unsigned sample_rate = 8000;

/// What the channel sends.
enum class source_kind { silence, tone, dtmf, samples, echo };

[[nodiscard]] std::string_view to_string(source_kind k);

/// Peak amplitude (16-bit linear) of a sine at `dbm0`: G.711's full-scale sine is +3.14 dBm0
/// (ITU-T G.711 §3, A-law; µ-law +3.17).
[[nodiscard]] double amplitude_for_dbm0(double dbm0);

/// A request to change what the channel sends, applied at the next tick.
struct play_command {
  source_kind kind = source_kind::silence;
  double tone_hz = 1000.0;
  double amplitude = 10000.0;
  /// tone/samples: stop after this many samples (0: tone forever, samples: to their end).
  std::uint32_t duration_samples = 0;
  /// dtmf: digits of 0-9 * # A-D.
  std::array<char, 64> digits{};
  std::size_t digit_count = 0;
  /// samples: owned by the exchange for its whole life (media files, the marker).
  const std::vector<std::int16_t>* samples = nullptr;
};

/// What the control thread reads back.
struct channel_report {
  std::string digits;                  ///< DTMF digits detected so far, in order
  std::vector<std::int16_t> recording; ///< linear samples received since start_call()
  /// Span sample count and steady-clock time (µs) of the first recorded sample.
  std::uint64_t record_start_sample = 0;
  std::int64_t record_start_us = 0;
  /// The same for the first sample of the last play command (0: nothing played yet).
  std::uint64_t play_start_sample = 0;
  std::int64_t play_start_us = 0;
  source_kind playing = source_kind::silence;
  bool recording_full = false;
};

class channel_media {
 public:
  channel_media(tdm::companding_law law, std::size_t record_capacity_samples);
  ~channel_media();
  channel_media(const channel_media&) = delete;
  channel_media& operator=(const channel_media&) = delete;

  // ---- control thread ----
  /// A call starts on this channel: clear results, start recording, send silence.
  bool start_call();
  /// The call ended: stop recording and sending (results stay until the next start_call).
  bool stop_call();
  /// Changes what is sent. False when the queue is full (the caller reports it). The report's
  /// play_start_* read 0 until the command takes effect at the next tick.
  bool play(const play_command& command);
  [[nodiscard]] channel_report snapshot() const;

  // ---- clock thread ----
  /// One tick: `rx` arrived on the channel, `tx` is filled. `sample_clock` counts the span's
  /// samples since it started; `now_us` is the steady clock at this tick.
  void tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx, std::uint64_t sample_clock,
            std::int64_t now_us);

 private:
  enum class command_kind { start_call, stop_call, play };
  struct command {
    command_kind kind = command_kind::play;
    play_command play;
  };
  /// Channel life: idle (silence, not recording) or in_call.
  enum class state { idle, in_call };

  bool push(const command& c);
  void apply(const command& c);
  void generate(std::span<std::int16_t> out, std::span<const std::uint8_t> rx);
  static void on_digits(void* user, const char* digits, int len);

  tdm::companding_law law_;
  mutable std::mutex mutex_;
  // Guarded by mutex_:
  std::array<command, 8> queue_{};
  std::size_t queue_head_ = 0;
  std::size_t queue_size_ = 0;
  state state_ = state::idle;
  play_command source_;
  std::uint32_t source_pos_ = 0;
  double phase_ = 0.0;
  bool stamp_play_ = false;  // the next generated sample is the first of a new play command
  dtmf_tx_state_s* dtmf_tx_ = nullptr;
  dtmf_rx_state_s* dtmf_rx_ = nullptr;
  std::array<char, 128> digits_{};
  std::size_t digit_count_ = 0;
  std::vector<std::int16_t> recording_;  // capacity fixed at construction
  std::size_t recorded_ = 0;
  std::uint64_t record_start_sample_ = 0;
  std::int64_t record_start_us_ = 0;
  std::uint64_t play_start_sample_ = 0;
  std::int64_t play_start_us_ = 0;
  bool record_start_pending_ = false;
  std::array<std::int16_t, 160 * 2> scratch_{};  // one tick of up to 40 ms
};

}  // namespace tandem::lab::pstn::media
