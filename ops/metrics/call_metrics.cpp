#include "ops/metrics/call_metrics.hpp"

#include <algorithm>

#include "ops/metrics/emodel.hpp"

namespace tandem::ops::metrics {
namespace {

double seconds_between(call_summary::time_point a, call_summary::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

call_metrics::call_metrics(registry& r, const std::string& prefix) : registry_(r), counters_(prefix + "_records") {
  const std::string set = prefix + "_records";
  const std::string ns = "tandem_" + prefix;
  registry_.adopt(counters_, {{set + ".records", prefix + "_records_written"},
                              {set + ".cause.{cause}", prefix + "_calls_cleared"},
                              {set + ".released_by.{side}", prefix + "_calls_released_by"}});
  registry_.describe(ns + "_records_written", "Call detail records written (one per call)");
  registry_.describe(ns + "_calls_cleared", "Calls whose record was written, by Q.850 cause");
  registry_.describe(ns + "_calls_released_by", "Calls whose record was written, by the side that ended them");
  registry_.describe(ns + "_records_rtp_packets_received", "RTP packets the gateways received on the calls' connections (DLCX P: PR)");
  registry_.describe(ns + "_records_rtp_packets_sent", "RTP packets the gateways sent (DLCX P: PS)");
  registry_.describe(ns + "_records_rtp_packets_lost", "RTP packets the gateways counted lost (DLCX P: PL)");
  for (const char* n : {"records", "rtp.packets_received", "rtp.packets_sent", "rtp.packets_lost"}) counters_.get(n);
  const std::vector<double> pdd = {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30};
  post_dial_ = &registry_.histogram_of(
      ns + "_post_dial_delay_seconds",
      "From the SETUP received to the first ALERTING (or CONNECT) sent back: post-dial delay (ITU-T E.721)", pdd);
  duration_ = &registry_.histogram_of(ns + "_call_duration_seconds", "From answer to release, answered calls",
                                      exponential_buckets(1, 2, 14));
  jitter_ = &registry_.histogram_of("tandem_rtp_jitter_seconds",
                                    "Interarrival jitter of each call leg at release (RFC 3550 §6.4.1, DLCX P: JI)",
                                    std::vector<double>{0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2});
  delay_ = &registry_.histogram_of("tandem_rtp_one_way_delay_seconds",
                                   "One-way delay a gateway reported for a leg (DLCX P: LA)",
                                   std::vector<double>{0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 1});
  mos_ = &registry_.histogram_of(ns + "_call_mos_cqe",
                                 "E-model (ITU-T G.107) MOS-CQE of each answered call with RTP statistics: the "
                                 "worse of its legs",
                                 linear_buckets(1.0, 0.25, 15));
}

call_metrics::~call_metrics() { registry_.forget(counters_); }

std::optional<double> call_metrics::mos_of(const std::string& codec, const leg_statistics& s) {
  if (!s.packets_received || *s.packets_received == 0) return std::nullopt;
  auto impairment = quality::impairment_of(codec);
  if (!impairment) return std::nullopt;
  quality::emodel_input in;
  in.codec = *impairment;
  const double lost = s.packets_lost ? static_cast<double>(std::max<std::int64_t>(0, *s.packets_lost)) : 0.0;
  in.packet_loss_percent = 100.0 * lost / (lost + static_cast<double>(*s.packets_received));
  in.one_way_delay_ms = s.latency_ms ? *s.latency_ms : 0.0;
  return quality::evaluate(in).mos;
}

std::optional<double> call_metrics::observe(const call_summary& call) {
  counters_.get("records").add();
  counters_.get("cause." + std::to_string(call.cause)).add();
  counters_.get("released_by." + (call.released_by.empty() ? std::string("unknown") : call.released_by)).add();
  if (call.alerting) post_dial_->observe(seconds_between(call.seizure, *call.alerting));
  else if (call.answer) post_dial_->observe(seconds_between(call.seizure, *call.answer));
  if (call.answer) duration_->observe(seconds_between(*call.answer, call.release));
  std::optional<double> worst;
  for (const auto& s : call.legs) {
    if (s.packets_received) counters_.get("rtp.packets_received").add(*s.packets_received);
    if (s.packets_sent) counters_.get("rtp.packets_sent").add(*s.packets_sent);
    if (s.packets_lost && *s.packets_lost > 0) counters_.get("rtp.packets_lost").add(static_cast<std::uint64_t>(*s.packets_lost));
    if (s.jitter_ms) jitter_->observe(*s.jitter_ms / 1000.0);
    if (s.latency_ms) delay_->observe(*s.latency_ms / 1000.0);
    if (!call.answer) continue;
    if (auto mos = mos_of(call.codec, s)) worst = worst ? std::min(*worst, *mos) : *mos;
  }
  if (worst) mos_->observe(*worst);
  return worst;
}

}  // namespace tandem::ops::metrics
