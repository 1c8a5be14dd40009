#include <gtest/gtest.h>

#include "ops/metrics/mgcp_tap.hpp"
#include "ops/metrics/registry.hpp"

namespace m = tandem::ops::metrics;
using namespace std::chrono_literals;

namespace {

const m::histogram_sample* find(const std::vector<m::family>& fams, const std::string& family, const std::string& verb) {
  for (const auto& f : fams)
    if (f.name == family)
      for (const auto& h : f.histograms)
        if (h.labels == m::label_set{{"verb", verb}}) return &h;
  return nullptr;
}

std::uint64_t counter(const std::vector<m::family>& fams, const std::string& family, const m::label_set& labels) {
  for (const auto& f : fams)
    if (f.name == family)
      for (const auto& s : f.samples)
        if (s.labels == labels) return std::get<std::uint64_t>(s.value);
  return 0;
}

const std::chrono::steady_clock::time_point t0{};

}  // namespace

TEST(mgcp_tap, when_a_final_response_arrives_then_latency_and_code_are_recorded) {
  m::registry r;
  m::mgcp_tap tap(r);
  tap.on_sent("10.0.0.1:2427", "CRCX 1001 ds/e1-1/1@mgw1 MGCP 1.0\r\nC: 1\r\nM: inactive\r\n", t0);
  tap.on_received("10.0.0.1:2427", "100 1001 pending\r\n", t0 + 10ms);  // provisional: not the end
  EXPECT_EQ(tap.pending(), 1u);
  tap.on_received("10.0.0.1:2427", "200 1001 OK\r\nI: 5\r\n\r\nv=0\r\n", t0 + 30ms);
  EXPECT_EQ(tap.pending(), 0u);
  const auto fams = r.collect();
  const auto* h = find(fams, "tandem_mgcp_transaction_seconds", "crcx");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->count, 1u);
  EXPECT_NEAR(h->sum, 0.030, 1e-9);
  const auto* rt = find(fams, "tandem_mgcp_transaction_retransmissions", "crcx");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->cumulative.front(), 1u);  // bucket le=0: no retransmission
  EXPECT_EQ(counter(fams, "tandem_mgcp_tap_responses", {{"verb", "crcx"}, {"code", "200"}}), 1u);
}

TEST(mgcp_tap, when_a_command_is_sent_again_then_it_counts_as_a_retransmission_timed_from_the_first) {
  m::registry r;
  m::mgcp_tap tap(r);
  tap.on_sent("gw:2427", "DLCX 7 ds/e1-1/2@mgw1 MGCP 1.0\r\n", t0);
  tap.on_sent("gw:2427", "DLCX 7 ds/e1-1/2@mgw1 MGCP 1.0\r\n", t0 + 200ms);
  tap.on_sent("gw:2427", "DLCX 7 ds/e1-1/2@mgw1 MGCP 1.0\r\n", t0 + 600ms);
  tap.on_received("gw:2427", "250 7 OK\r\nP: PS=1\r\n", t0 + 700ms);
  tap.on_received("gw:2427", "250 7 OK\r\n", t0 + 710ms);  // a repeated response changes nothing
  const auto fams = r.collect();
  const auto* h = find(fams, "tandem_mgcp_transaction_seconds", "dlcx");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->count, 1u);
  EXPECT_NEAR(h->sum, 0.7, 1e-9);
  const auto* rt = find(fams, "tandem_mgcp_transaction_retransmissions", "dlcx");
  ASSERT_NE(rt, nullptr);
  EXPECT_NEAR(rt->sum, 2.0, 1e-9);
}

TEST(mgcp_tap, when_messages_are_piggybacked_then_each_is_matched) {
  m::registry r;
  m::mgcp_tap tap(r);
  tap.on_sent("gw:2427", "MDCX 10 ds/e1-1/1@mgw1 MGCP 1.0\r\nC: 1\r\n.\r\nRQNT 11 ds/e1-1/1@mgw1 MGCP 1.0\r\nX: 1\r\n", t0);
  EXPECT_EQ(tap.pending(), 2u);
  tap.on_received("gw:2427", "200 10 OK\r\n.\r\n400 11 busy\r\n", t0 + 5ms);
  EXPECT_EQ(tap.pending(), 0u);
  const auto fams = r.collect();
  EXPECT_EQ(counter(fams, "tandem_mgcp_tap_responses", {{"verb", "mdcx"}, {"code", "200"}}), 1u);
  EXPECT_EQ(counter(fams, "tandem_mgcp_tap_responses", {{"verb", "rqnt"}, {"code", "400"}}), 1u);
}

TEST(mgcp_tap, when_a_response_comes_from_another_peer_or_is_garbage_then_nothing_is_matched) {
  m::registry r;
  m::mgcp_tap tap(r);
  tap.on_sent("gw1:2427", "AUEP 5 *@mgw1 MGCP 1.0\r\n", t0);
  tap.on_received("gw2:2427", "200 5 OK\r\n", t0 + 1ms);
  tap.on_received("gw1:2427", "", t0 + 1ms);
  tap.on_received("gw1:2427", "\x01\x02 garbage\r\n.\r\n.\r\n", t0 + 1ms);
  tap.on_received("gw1:2427", "000 5\r\n", t0 + 1ms);  // a response acknowledgement
  EXPECT_EQ(tap.pending(), 1u);
}

TEST(mgcp_tap, when_no_response_comes_then_the_command_is_forgotten_and_counted_abandoned) {
  m::registry r;
  m::mgcp_tap tap(r, std::chrono::seconds(10), 2);
  tap.on_sent("gw:2427", "NTFY 1 ds/e1-1/1@mgw1 MGCP 1.0\r\n", t0);
  tap.on_sent("gw:2427", "NTFY 2 ds/e1-1/1@mgw1 MGCP 1.0\r\n", t0 + 1s);
  tap.on_sent("gw:2427", "NTFY 3 ds/e1-1/1@mgw1 MGCP 1.0\r\n", t0 + 2s);  // over the limit: the oldest goes
  EXPECT_EQ(tap.pending(), 2u);
  tap.on_received("gw:2427", "200 9 OK\r\n", t0 + 20s);  // expires the rest
  EXPECT_EQ(tap.pending(), 0u);
  EXPECT_EQ(tap.counters().value("abandoned"), 3u);
}

TEST(registry, when_a_counter_family_has_a_callback_then_its_samples_are_counters_read_at_scrape) {
  m::registry r;
  std::uint64_t blocks = 5;
  r.counter_family("tandem_test_blocks", "blocks", [&blocks] {
    return std::vector<m::sample>{{{{"span", "1"}}, blocks}};
  });
  blocks = 9;
  const auto fams = r.collect();
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].type, m::metric_type::counter);
  EXPECT_EQ(std::get<std::uint64_t>(fams[0].samples.at(0).value), 9u);
  EXPECT_THROW(r.counter_family("tandem_test_blocks", "again", [] { return std::vector<m::sample>{}; }),
               std::invalid_argument);
}
