#include <gtest/gtest.h>

#include "ops/metrics/call_metrics.hpp"
#include "ops/metrics/emodel.hpp"

namespace m = tandem::ops::metrics;
using namespace std::chrono_literals;

namespace {

const m::call_summary::time_point t0 = m::call_summary::time_point(std::chrono::seconds(1'800'000'000));

const m::family* family_of(const std::vector<m::family>& fams, const std::string& name) {
  for (const auto& f : fams)
    if (f.name == name) return &f;
  return nullptr;
}

std::uint64_t counter(const std::vector<m::family>& fams, const std::string& name, const m::label_set& labels) {
  const auto* f = family_of(fams, name);
  if (f == nullptr) return 0;
  for (const auto& s : f->samples)
    if (s.labels == labels) return std::get<std::uint64_t>(s.value);
  return 0;
}

m::call_summary answered_call() {
  m::call_summary c;
  c.cause = 16;
  c.released_by = "caller";
  c.seizure = t0;
  c.alerting = t0 + 1500ms;
  c.answer = t0 + 4s;
  c.release = t0 + 64s;
  c.codec = "PCMA";
  c.legs = {{1000, 990, 10, 3, 40}, {1000, 1000, 0, 1, 40}};
  return c;
}

}  // namespace

TEST(call_metrics, when_an_answered_call_ends_then_each_figure_is_observed_and_its_mos_returned) {
  m::registry r;
  m::call_metrics cm(r, "ca");
  const auto mos = cm.observe(answered_call());
  ASSERT_TRUE(mos);
  // The worse leg: 1 % loss (10 of 1000) on G.711 with PLC at 40 ms.
  const auto expected = m::call_metrics::mos_of("PCMA", {1000, 990, 10, 3, 40});
  ASSERT_TRUE(expected);
  EXPECT_DOUBLE_EQ(*mos, *expected);
  EXPECT_LT(*mos, *m::call_metrics::mos_of("PCMA", {1000, 1000, 0, 1, 40}));
  const auto fams = r.collect();
  EXPECT_EQ(counter(fams, "tandem_ca_calls_cleared", {{"cause", "16"}}), 1u);
  EXPECT_EQ(counter(fams, "tandem_ca_calls_released_by", {{"side", "caller"}}), 1u);
  EXPECT_EQ(counter(fams, "tandem_ca_records_written", {}), 1u);
  EXPECT_EQ(counter(fams, "tandem_ca_records_rtp_packets_lost", {}), 10u);
  EXPECT_EQ(counter(fams, "tandem_ca_records_rtp_packets_received", {}), 1990u);
  const auto* pdd = family_of(fams, "tandem_ca_post_dial_delay_seconds");
  ASSERT_NE(pdd, nullptr);
  EXPECT_DOUBLE_EQ(pdd->histograms.at(0).sum, 1.5);
  const auto* duration = family_of(fams, "tandem_ca_call_duration_seconds");
  ASSERT_NE(duration, nullptr);
  EXPECT_DOUBLE_EQ(duration->histograms.at(0).sum, 60.0);
  const auto* jitter = family_of(fams, "tandem_rtp_jitter_seconds");
  ASSERT_NE(jitter, nullptr);
  EXPECT_EQ(jitter->histograms.at(0).count, 2u);
  const auto* mos_family = family_of(fams, "tandem_ca_call_mos_cqe");
  ASSERT_NE(mos_family, nullptr);
  EXPECT_EQ(mos_family->histograms.at(0).count, 1u);
}

TEST(call_metrics, when_a_call_was_refused_then_it_is_counted_without_delay_or_quality) {
  m::registry r;
  m::call_metrics cm(r, "ca");
  m::call_summary c;
  c.cause = 34;
  c.released_by = "call_agent";
  c.seizure = t0;
  c.release = t0 + 5ms;
  EXPECT_FALSE(cm.observe(c));
  const auto fams = r.collect();
  EXPECT_EQ(counter(fams, "tandem_ca_calls_cleared", {{"cause", "34"}}), 1u);
  EXPECT_EQ(family_of(fams, "tandem_ca_post_dial_delay_seconds")->histograms.at(0).count, 0u);
  EXPECT_EQ(family_of(fams, "tandem_ca_call_mos_cqe")->histograms.at(0).count, 0u);
}

TEST(call_metrics, when_the_codec_has_no_planning_values_or_nothing_was_received_then_there_is_no_mos) {
  EXPECT_FALSE(m::call_metrics::mos_of("G722", {100, 100, 0, 1, 0}));
  EXPECT_FALSE(m::call_metrics::mos_of("PCMU", {100, 0, 0, 1, 0}));
  EXPECT_FALSE(m::call_metrics::mos_of("PCMU", {100, std::nullopt, 0, 1, 0}));
  // Duplicates make PL negative (RFC 3550): no loss, not a gain.
  EXPECT_DOUBLE_EQ(*m::call_metrics::mos_of("PCMU", {100, 100, -3, 1, 0}), *m::call_metrics::mos_of("PCMU", {100, 100, 0, 1, 0}));
  // G.107 reference: G.711, no loss, no delay: MOS 4.41.
  EXPECT_NEAR(*m::call_metrics::mos_of("PCMU", {100, 100, 0, 0, 0}), 4.41, 0.01);
}
