/// The call agent's end of a gateway backhaul connection (docs/backhaul.md): hello, D-channel
/// frames to and from the span's PRI link, keep-alive replies, and what closes the connection.
#include "callagent/backhaul_session.hpp"

#include <gtest/gtest.h>

#include <array>

#include "common/manual_clock.hpp"
#include "isdn/pri_adapter.hpp"

namespace tandem::callagent {
namespace {

std::vector<std::uint8_t> encoded(const backhaul::message& m) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(backhaul::encode(m, out));
  return out;
}

class backhaul_session_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = backhauled_pri_link::create("mgw1 span 1", isdn::switch_type::euroisdn_e1, clock);
    ASSERT_TRUE(l);
    link = std::move(*l);
    links[{"mgw1", 1}] = link.get();
    session = std::make_unique<backhaul_session>(
        "127.0.0.1:1", links,
        [this](std::span<const std::uint8_t> b) {
          ++writes;
          from_ca.feed(b);
        },
        counters);
  }

  /// Messages the call agent wrote so far.
  std::vector<backhaul::message> sent() {
    std::vector<backhaul::message> out;
    for (;;) {
      auto m = from_ca.next();
      EXPECT_TRUE(m.has_value());
      if (!m || !m->has_value()) return out;
      out.push_back(std::move(**m));
    }
  }

  manual_clock clock;
  counter_set counters{"ca"};
  std::unique_ptr<backhauled_pri_link> link;
  pri_link_map links;
  std::unique_ptr<backhaul_session> session;
  backhaul::frame_reader from_ca;
  int writes = 0;  ///< calls of the sender (one per TCP write in tandem-ca)

  /// Runs the D-channel up against a network-side libpri, frames carried both ways.
  void bring_up(isdn::pri_adapter& net) {
    std::array<std::uint8_t, isdn::pri_adapter::max_frame> buf{};
    for (int round = 0; round < 50 && !(link->link_up() && net.link_up()); ++round) {
      for (auto& m : sent())
        if (auto* f = std::get_if<backhaul::dchannel_frame>(&m)) net.deliver_incoming(f->payload);
      net.on_readable();
      while (std::size_t n = net.take_outgoing(buf))
        ASSERT_TRUE(session->on_bytes(encoded(backhaul::dchannel_frame{1, {buf.begin(), buf.begin() + n}})));
    }
  }
};

TEST_F(backhaul_session_test, when_gateway_says_hello_then_its_pri_span_is_attached_and_sabme_goes_out) {
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}, {2, backhaul::span_kind::e1}}})));
  EXPECT_EQ(session->gateway(), "mgw1");
  EXPECT_EQ(session->attached_spans(), 1u);  // span 2 has no PRI trunk group
  EXPECT_TRUE(link->attached());
  auto out = sent();
  ASSERT_GE(out.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<backhaul::hello>(out[0]));
  const auto* f = std::get_if<backhaul::dchannel_frame>(&out[1]);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->span, 1);
  ASSERT_EQ(f->payload.size(), 3u);
  EXPECT_EQ(f->payload[2] & 0xef, 0x6f);  // Q.921 §3.6.1: SABME (P bit masked)
}

TEST_F(backhaul_session_test, when_frames_flow_both_ways_then_the_d_channel_comes_up) {
  auto net = isdn::pri_adapter::create(isdn::interface_side::network, isdn::switch_type::euroisdn_e1, "exchange", {});
  ASSERT_TRUE(net);
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  std::array<std::uint8_t, isdn::pri_adapter::max_frame> buf{};
  for (int round = 0; round < 50 && !(link->link_up() && (*net)->link_up()); ++round) {
    for (auto& m : sent())
      if (auto* f = std::get_if<backhaul::dchannel_frame>(&m)) (*net)->deliver_incoming(f->payload);
    (*net)->on_readable();
    while (std::size_t n = (*net)->take_outgoing(buf))
      ASSERT_TRUE(session->on_bytes(encoded(backhaul::dchannel_frame{1, {buf.begin(), buf.begin() + n}})));
  }
  EXPECT_TRUE(link->link_up());
  EXPECT_TRUE((*net)->link_up());
  EXPECT_GT(counters.value("backhaul.rx.dchannel"), 0u);
}

TEST_F(backhaul_session_test, when_keepalive_request_arrives_then_a_reply_goes_back) {
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  sent();
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::keepalive{false})));
  auto out = sent();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<backhaul::keepalive>(out[0]));
  EXPECT_TRUE(std::get<backhaul::keepalive>(out[0]).reply);
}

TEST_F(backhaul_session_test, when_hello_arrives_then_the_hello_reply_and_the_sabme_leave_in_one_write) {
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  EXPECT_EQ(writes, 1);
  auto out = sent();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<backhaul::hello>(out[0]));
  EXPECT_TRUE(std::holds_alternative<backhaul::dchannel_frame>(out[1]));
}

TEST_F(backhaul_session_test, when_one_read_carries_two_keepalives_then_both_replies_leave_in_one_write) {
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  sent();
  writes = 0;
  auto two = encoded(backhaul::keepalive{false});
  auto second = encoded(backhaul::keepalive{false});
  two.insert(two.end(), second.begin(), second.end());
  ASSERT_TRUE(session->on_bytes(two));
  EXPECT_EQ(writes, 1);
  auto out = sent();
  ASSERT_EQ(out.size(), 2u);
  for (const auto& m : out) {
    ASSERT_TRUE(std::holds_alternative<backhaul::keepalive>(m));
    EXPECT_TRUE(std::get<backhaul::keepalive>(m).reply);
  }
}

TEST_F(backhaul_session_test, when_the_call_agent_places_a_call_then_its_setup_leaves_at_once) {
  auto net = isdn::pri_adapter::create(isdn::interface_side::network, isdn::switch_type::euroisdn_e1, "exchange", {});
  ASSERT_TRUE(net);
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  bring_up(**net);
  ASSERT_TRUE(link->link_up());
  sent();
  writes = 0;
  // Outside any read: nothing would flush a held frame, so it must not be held.
  link->setup(q931_setup_request{5, "2001", "1001"});
  EXPECT_EQ(writes, 1);
  auto out = sent();
  ASSERT_EQ(out.size(), 1u);
  const auto* f = std::get_if<backhaul::dchannel_frame>(&out[0]);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->span, 1);
  ASSERT_GE(f->payload.size(), 9u);
  EXPECT_EQ(f->payload[8], 0x05);  // Q.931 §4.3: message type SETUP after the 2-octet call reference
}

TEST_F(backhaul_session_test, when_first_message_is_not_hello_then_connection_is_refused) {
  EXPECT_FALSE(session->on_bytes(encoded(backhaul::keepalive{false})));
  EXPECT_EQ(counters.value("backhaul.rx.no_hello"), 1u);
}

TEST_F(backhaul_session_test, when_gateway_is_unknown_then_connection_is_refused) {
  EXPECT_FALSE(session->on_bytes(encoded(backhaul::hello{"mgw9", {{1, backhaul::span_kind::e1}}})));
  EXPECT_FALSE(link->attached());
  EXPECT_EQ(counters.value("backhaul.rx.unknown_gateway"), 1u);
}

TEST_F(backhaul_session_test, when_stream_is_garbage_then_connection_is_refused) {
  const std::array<std::uint8_t, 6> junk{0x00, 0x01, 0x09, 0x09, 0x00, 0x00};
  EXPECT_FALSE(session->on_bytes(junk));
  EXPECT_EQ(counters.value("backhaul.rx.bad_frame"), 1u);
}

TEST_F(backhaul_session_test, when_session_ends_then_its_links_are_detached_but_not_a_newer_sessions) {
  ASSERT_TRUE(session->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  backhaul::frame_reader other;
  auto newer = std::make_unique<backhaul_session>(
      "127.0.0.1:2", links, [&other](std::span<const std::uint8_t> b) { other.feed(b); }, counters);
  ASSERT_TRUE(newer->on_bytes(encoded(backhaul::hello{"mgw1", {{1, backhaul::span_kind::e1}}})));
  session.reset();  // the stale connection closes after the gateway reconnected
  EXPECT_TRUE(link->attached());
  newer.reset();
  EXPECT_FALSE(link->attached());
}

}  // namespace
}  // namespace tandem::callagent
