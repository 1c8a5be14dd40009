#pragma once
/// Metrics of finished calls, from what a call detail record holds (docs/metrics.md,
/// tandem-ca): counts by cause and by who released, RTP packets from the DLCX statistics
/// (RFC 3435 §3.2.2 ConnectionParameters), post-dial delay, duration, jitter, one-way delay and
/// the E-model MOS-CQE (ITU-T G.107) of each answered call.
///
/// The daemon turns its record into a call_summary; observe() counts it and returns the call's
/// MOS-CQE (the worse of its legs) when it has one, for the daemon to keep with the record.
///
/// Threads: observe() on one thread; the histograms and counters may be scraped from any.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/counters.hpp"
#include "ops/metrics/registry.hpp"

namespace tandem::ops::metrics {

/// One leg's RTP statistics at release (DLCX P:): PS, PR, PL, JI, LA.
struct leg_statistics {
  std::optional<std::uint64_t> packets_sent, packets_received;
  std::optional<std::int64_t> packets_lost;
  std::optional<std::uint32_t> jitter_ms, latency_ms;
};

struct call_summary {
  using time_point = std::chrono::system_clock::time_point;
  int cause = 16;            ///< Q.850 cause value
  std::string released_by;   ///< "caller", "callee", "call_agent", "gateway"
  time_point seizure;
  std::optional<time_point> alerting, answer;
  time_point release;
  std::string codec;         ///< SDP encoding name ("G729", "PCMA"); "" when none was agreed
  std::vector<leg_statistics> legs;
};

class call_metrics {
 public:
  /// Families are named tandem_<prefix>_... (prefix "ca": tandem_ca_calls_cleared_total, ...);
  /// jitter and one-way delay are tandem_rtp_jitter_seconds and tandem_rtp_one_way_delay_seconds.
  call_metrics(registry& r, const std::string& prefix);
  ~call_metrics();
  call_metrics(const call_metrics&) = delete;
  call_metrics& operator=(const call_metrics&) = delete;

  /// Counts one finished call; its MOS-CQE when it was answered, has RTP received on a leg and
  /// a codec with E-model planning values (ops/metrics/emodel.hpp).
  std::optional<double> observe(const call_summary& call);

  [[nodiscard]] const counter_set& counters() const { return counters_; }

  /// The MOS-CQE of one leg: loss PL/(PL+PR), delay LA (0 when absent), the codec's Ie and Bpl.
  [[nodiscard]] static std::optional<double> mos_of(const std::string& codec, const leg_statistics& leg);

 private:
  registry& registry_;
  counter_set counters_;
  histogram* post_dial_ = nullptr;
  histogram* duration_ = nullptr;
  histogram* jitter_ = nullptr;
  histogram* delay_ = nullptr;
  histogram* mos_ = nullptr;
};

}  // namespace tandem::ops::metrics
