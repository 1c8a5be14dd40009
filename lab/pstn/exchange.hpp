#pragma once
/// The exchange simulator: the far end of one or more spans. For each span it runs ISDN PRI
/// (libpri, network or user side) over the span's D-channel, answers and places calls for its
/// subscribers, and plays and analyses audio on the B-channels.
///
/// Threads: the exchange belongs to one io_context thread (the control plane): libpri, the
/// call table, subscriber timers and every public method. Each span's clock thread runs
/// span_port::on_tick, which touches only the channel_media objects (through their queues) and
/// the bridge socket of the span's pri_adapter (isdn/). Alarms are posted from the clock thread to the
/// io_context.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "lab/pstn/call.hpp"
#include "lab/pstn/media/analysis.hpp"
#include "lab/pstn/pstn_config.hpp"
#include "tdm/span.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::lab::pstn {

/// Pushes call progress to whoever listens (the control server).
class exchange_notifier {
 public:
  virtual ~exchange_notifier() = default;
  virtual void on_call_event(const call_record& call, const call_event& event) = 0;
  /// `what`: "link_up", "link_down", "alarm".
  virtual void on_span_event(unsigned span, std::string_view what, std::string_view detail) = 0;
};

/// Builds the span for a span_config (default: a sim span; tests may inject others).
using span_factory =
    std::function<expected<std::unique_ptr<tdm::span>, std::string>(const span_config&)>;

/// What to play on a call's B-channel.
struct play_request {
  media::source_kind kind = media::source_kind::silence;
  double tone_hz = 1000.0;
  double tone_dbm0 = -10.0;
  std::uint32_t duration_ms = 0;  ///< 0: tone forever, file/marker to its end
  std::string digits;             ///< dtmf
  std::string media_name;         ///< samples: a configured media file, or "marker"
};

/// Audio results of a call.
struct audio_report {
  std::string digits;
  std::vector<media::tone_segment> tones;
  double recorded_ms = 0;
  bool recording_full = false;
  std::string playing;
  /// Steady-clock µs at which the last play command started (0: none); with `marker_played`
  /// the far end's client passes it to its exchange as `sent_at_us` for the one-way delay.
  std::int64_t play_start_us = 0;
  bool marker_played = false;
  /// When a reference was given and found.
  std::optional<media::alignment_result> reference;
  /// Reference found and this call played it itself (the far end echoed it): the round trip
  /// from this channel's own sample clock, exact to the sample.
  std::optional<double> round_trip_ms;
  /// Reference found and `sent_at_us` given: arrival minus sending on the host's steady clock
  /// (both ends on one host), within one tick.
  std::optional<double> one_way_ms;
};

struct span_status {
  unsigned number = 0;
  bool link_up = false;
  tdm::alarm alarms = tdm::alarm::none;
  std::size_t calls = 0;
  /// The span's counters: lost and late blocks mean audio gaps (a loaded host).
  tdm::span_stats stats;
  /// D-channel frames the libpri bridge could not take.
  std::uint64_t dchannel_dropped = 0;
};

class exchange {
 public:
  /// Loads the media files and creates the spans and PRI links (not started).
  [[nodiscard]] static expected<std::unique_ptr<exchange>, std::string> create(
      boost::asio::io_context& io, const pstn_config& config, exchange_notifier& notifier,
      span_factory factory = {});
  ~exchange();
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  /// Starts the spans' clocks and the D-channels.
  void start();
  /// Stops the spans (joins their clock threads). Calls are forgotten without signalling.
  void stop();

  /// Places a call (SETUP) on `span` (0: the first span) on a free B-channel or the one given.
  [[nodiscard]] expected<call_id, std::string> place_call(unsigned span, const std::string& called,
                                                          const std::string& calling,
                                                          unsigned channel = 0);
  /// Answers an incoming call waiting in setup_received/proceeding/alerting (CONNECT).
  expected<void, std::string> answer(call_id id);
  /// Clears a call with a Q.850 cause.
  expected<void, std::string> hangup(call_id id, isdn::cause cause);
  /// Changes what the call's B-channel sends. The call must have a channel (after SETUP).
  expected<void, std::string> play(call_id id, const play_request& request);

  [[nodiscard]] expected<call_record, std::string> call(call_id id) const;
  [[nodiscard]] std::vector<call_record> calls() const;
  /// `reference`: "" (none), "marker" or a media name. `sent_at_us`: the sender's
  /// play_start_us for the one-way delay. `save_path`: when not empty, the recording is also
  /// written there as a WAV file (8 kHz 16-bit mono) for offline listening and analysis.
  [[nodiscard]] expected<audio_report, std::string> audio(call_id id, const std::string& reference,
                                                          std::optional<std::int64_t> sent_at_us,
                                                          const std::string& save_path = {}) const;
  [[nodiscard]] std::vector<span_status> spans() const;

 private:
  struct impl;
  explicit exchange(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::lab::pstn
