#include <gtest/gtest.h>

#include "ops/trace/call_sorter.hpp"

namespace t = tandem::ops::trace;
using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

namespace {

const clock_type::time_point t0 = clock_type::time_point(std::chrono::seconds(1'800'000'000));

/// A Q.931 message in an I-frame: SAPI 0, TEI 0; call reference of one octet.
std::vector<std::uint8_t> q931(std::uint8_t ref, bool flag, std::uint8_t type, int channel = -1) {
  std::vector<std::uint8_t> f = {0x00, 0x01, 0x00, 0x00, 0x08, 0x01, static_cast<std::uint8_t>(ref | (flag ? 0x80 : 0)), type};
  if (channel >= 0) {
    // Channel identification, primary rate, exclusive, B-channel units, channel number.
    for (int octet : {0x18, 0x03, 0xa9, 0x83, 0x80 | channel}) f.push_back(static_cast<std::uint8_t>(octet));
  }
  return f;
}

void mgcp(t::call_sorter& s, bool from_self, std::string_view text, clock_type::time_point at) {
  if (from_self) s.mgcp(true, "10.0.0.1", 2727, "10.0.0.2", 2427, text, at);
  else s.mgcp(false, "10.0.0.2", 2427, "10.0.0.1", 2727, text, at);
}

}  // namespace

TEST(call_sorter, when_commands_carry_a_call_id_then_they_and_their_responses_belong_to_that_call) {
  t::call_sorter s;
  mgcp(s, true, "CRCX 10 ds/e1-1/1@gw MGCP 1.0\r\nC: A1\r\nM: inactive\r\n", t0);
  mgcp(s, true, "CRCX 11 ds/e1-1/2@gw MGCP 1.0\r\nc: B2\r\n", t0 + 1ms);
  mgcp(s, false, "200 10 OK\r\nI: 1\r\n", t0 + 2ms);
  mgcp(s, false, "200 11 OK\r\n", t0 + 3ms);
  mgcp(s, true, "RQNT 12 ds/e1-1/1@gw MGCP 1.0\r\nX: 1\r\n", t0 + 4ms);  // no call id: nobody's
  mgcp(s, false, "200 12 OK\r\n", t0 + 5ms);
  const auto a1 = s.claim("A1", {}, t0, t0 + 1s);
  ASSERT_EQ(a1.size(), 2u);
  EXPECT_EQ(std::string(a1[0].data.begin(), a1[0].data.begin() + 4), "CRCX");
  EXPECT_EQ(std::string(a1[1].data.begin(), a1[1].data.begin() + 3), "200");
  EXPECT_EQ(a1[1].source, "10.0.0.2");
  EXPECT_EQ(s.claim("B2", {}, t0, t0 + 1s).size(), 2u);
  EXPECT_EQ(s.held(), 0u);
}

TEST(call_sorter, when_q931_dialogues_run_on_a_circuit_then_the_call_gets_those_that_began_during_it) {
  t::call_sorter s;
  // Call 1 on channel 5: SETUP from the network, CALL PROCEEDING back, ..., RELEASE COMPLETE.
  s.lapd("gw1", 1, true, q931(7, false, 0x05, 5), t0);
  s.lapd("gw1", 1, false, q931(7, true, 0x02, 5), t0 + 1ms);
  s.lapd("gw1", 1, false, q931(7, true, 0x45), t0 + 10s);
  s.lapd("gw1", 1, true, q931(7, false, 0x4d), t0 + 10s + 1ms);
  s.lapd("gw1", 1, false, q931(7, true, 0x5a), t0 + 10s + 2ms);
  // The next call reuses channel 5 (and reference 7) just after.
  s.lapd("gw1", 1, true, q931(7, false, 0x05, 5), t0 + 10s + 300ms);
  // A call we placed with reference 7 on channel 6: another dialogue (the other side's reference).
  s.lapd("gw1", 1, false, q931(7, false, 0x05, 6), t0 + 5s);
  // Link management frames are nobody's.
  s.lapd("gw1", 1, true, std::vector<std::uint8_t>{0x00, 0x01, 0x01, 0x01}, t0 + 1s);
  EXPECT_EQ(s.held(), 7u);
  const auto call = s.claim("X", {{"gw1", 1, 5}}, t0 + 1ms, t0 + 10s);
  ASSERT_EQ(call.size(), 5u);
  EXPECT_EQ(call.front().data[7], 0x05);
  EXPECT_EQ(call.back().data[7], 0x5a);
  const auto next = s.claim("Y", {{"gw1", 1, 5}}, t0 + 10s + 300ms, t0 + 20s);
  EXPECT_EQ(next.size(), 1u);
  EXPECT_EQ(s.claim("Z", {{"gw1", 1, 6}}, t0 + 5s, t0 + 6s).size(), 1u);
  EXPECT_EQ(s.held(), 0u);
}

TEST(call_sorter, when_nobody_claims_packets_then_they_go_after_the_linger_unless_their_call_lives) {
  t::call_sorter s(std::chrono::seconds(60));
  mgcp(s, true, "CRCX 10 ds/e1-1/1@gw MGCP 1.0\r\nC: A1\r\n", t0);
  mgcp(s, true, "CRCX 11 ds/e1-1/1@gw MGCP 1.0\r\nC: B2\r\n", t0);
  s.lapd("gw1", 1, true, q931(3, false, 0x05, 1), t0);
  s.lapd("gw1", 1, false, q931(3, true, 0x5a), t0 + 1s);
  s.expire(t0 + 30s, {});
  EXPECT_EQ(s.held(), 4u);
  s.expire(t0 + 2min, {"A1"});
  EXPECT_EQ(s.held(), 1u);  // A1 is still in progress
  EXPECT_EQ(s.dropped(), 3u);
}

TEST(call_sorter, when_frames_are_short_or_not_q931_then_they_are_ignored) {
  t::call_sorter s;
  s.lapd("gw1", 1, true, std::vector<std::uint8_t>{}, t0);
  s.lapd("gw1", 1, true, std::vector<std::uint8_t>{0x00, 0x01, 0x00, 0x00, 0x09, 0x01, 0x01, 0x05}, t0);  // not Q.931
  s.lapd("gw1", 1, true, std::vector<std::uint8_t>{0x00, 0x01, 0x00, 0x00, 0x08, 0x0f}, t0);  // reference too long
  s.lapd("gw1", 1, true, std::vector<std::uint8_t>{0x00, 0x01, 0x00, 0x00, 0x08, 0x01, 0x01, 0x05, 0x18, 0x09}, t0);
  EXPECT_EQ(s.held(), 1u);  // only the last: a SETUP whose channel IE runs past the end (channel unknown)
  EXPECT_TRUE(s.claim("x", {{"gw1", 1, 1}}, t0, t0 + 1s).empty());
}

TEST(call_sorter, when_the_limit_is_reached_then_new_packets_are_dropped_and_counted) {
  t::call_sorter s(std::chrono::seconds(60), 2);
  for (int i = 0; i < 4; ++i) mgcp(s, true, "CRCX " + std::to_string(10 + i) + " e@gw MGCP 1.0\r\nC: A1\r\n", t0);
  EXPECT_EQ(s.held(), 2u);
  EXPECT_EQ(s.dropped(), 2u);
}
