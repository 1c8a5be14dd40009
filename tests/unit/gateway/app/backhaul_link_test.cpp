/// The backhaul link against a call agent played by the test on 127.0.0.1 (port 0).
#include "gateway/backhaul/backhaul_link.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <map>
#include <optional>

#include "common/asio.hpp"
#include "proto/backhaul/codec.hpp"

namespace tandem::gateway::backhaul {
namespace {

namespace bh = tandem::backhaul;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct recording_sink final : dchannel_sink {
  std::vector<bh::dchannel_frame> frames;
  bool on_dchannel_from_call_agent(std::uint16_t span, std::span<const std::uint8_t> frame) override {
    if (span != 1) return false;
    frames.push_back({span, {frame.begin(), frame.end()}});
    return true;
  }
};

/// A call agent's backhaul listener: accepts one link at a time and records what arrives.
struct fake_call_agent {
  explicit fake_call_agent(asio::io_context& context) : io(context), acceptor(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  void accept() {
    peer.emplace(io);
    acceptor.async_accept(*peer, [this](const boost::system::error_code& e) {
      if (e) return;
      ++accepted;
      reader = bh::frame_reader{};
      read();
    });
  }
  void read() {
    peer->async_read_some(asio::buffer(buf), [this](const boost::system::error_code& e, std::size_t n) {
      if (e) return;
      reader.feed(std::span<const std::uint8_t>(buf.data(), n));
      while (true) {
        auto m = reader.next();
        if (!m || !*m) break;
        received.push_back(**m);
      }
      read();
    });
  }
  void send(const bh::message& m) {
    std::vector<std::uint8_t> bytes;
    ASSERT_TRUE(bh::encode(m, bytes).has_value());
    send_raw(bytes);
  }
  void send_raw(const std::vector<std::uint8_t>& bytes) { asio::write(*peer, asio::buffer(bytes)); }
  void drop() {
    boost::system::error_code ignored;
    peer->close(ignored);
  }
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& m : received)
      if (const auto* t = std::get_if<T>(&m)) out.push_back(*t);
    return out;
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  asio::io_context& io;
  tcp::acceptor acceptor;
  std::optional<tcp::socket> peer;
  std::array<std::uint8_t, 4096> buf{};
  bh::frame_reader reader;
  std::vector<bh::message> received;
  int accepted = 0;
};

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds bound = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(10ms);
  }
  return true;
}

struct link_fixture : ::testing::Test {
  asio::io_context io;
  fake_call_agent ca{io};
  recording_sink sink;
  counter_set counters{"backhaul"};
  std::unique_ptr<backhaul_link> link;

  void SetUp() override {
    backhaul_config c;
    c.port = ca.port();
    c.name = "mgw1.tandem.test";
    c.spans = {{1, bh::span_kind::e1}};
    c.keepalive = 300ms;
    c.backoff_min = 20ms;
    c.backoff_max = 80ms;
    link = create_backhaul_link(io, c, sink, counters);
    ca.accept();
    link->start();
    ASSERT_TRUE(run_until(io, [&] { return link->state() == link_state::up && !ca.received.empty(); }));
  }
  void TearDown() override { link->stop(); }
};

TEST_F(link_fixture, when_the_link_comes_up_then_the_gateway_says_hello_with_its_name_and_spans_first) {
  ASSERT_FALSE(ca.received.empty());
  const auto* h = std::get_if<bh::hello>(&ca.received.front());
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->name, "mgw1.tandem.test");
  ASSERT_EQ(h->spans.size(), 1u);
  EXPECT_EQ(h->spans[0].number, 1);
  EXPECT_EQ(counters.value("connects"), 1u);
}

TEST_F(link_fixture, when_frames_flow_both_ways_then_each_arrives_unchanged_and_is_counted) {
  const std::vector<std::uint8_t> sabme{0x00, 0x01, 0x7F};
  link->send_dchannel(1, sabme);
  ca.send(bh::dchannel_frame{1, {0x02, 0x01, 0x73}});
  ASSERT_TRUE(run_until(io, [&] { return !ca.all<bh::dchannel_frame>().empty() && !sink.frames.empty(); }));
  EXPECT_EQ(ca.all<bh::dchannel_frame>()[0], (bh::dchannel_frame{1, sabme}));
  EXPECT_EQ(sink.frames[0], (bh::dchannel_frame{1, {0x02, 0x01, 0x73}}));
  EXPECT_EQ(counters.value("tx.dchannel"), 1u);
  EXPECT_EQ(counters.value("rx.dchannel"), 1u);
}

TEST_F(link_fixture, when_the_call_agent_names_a_span_the_gateway_lacks_then_the_frame_is_dropped_and_counted) {
  ca.send(bh::dchannel_frame{9, {0x02, 0x01, 0x73}});
  ASSERT_TRUE(run_until(io, [&] { return counters.value("rx.dropped.unknown_span") == 1; }));
  EXPECT_TRUE(sink.frames.empty());
  EXPECT_EQ(link->state(), link_state::up);
}

TEST_F(link_fixture, when_the_call_agent_goes_away_then_the_link_reconnects_and_says_hello_again_with_span_status) {
  link->set_span_status(1, static_cast<std::uint8_t>(bh::span_alarm::loss_of_signal));
  ASSERT_TRUE(run_until(io, [&] { return !ca.all<bh::span_status>().empty(); }));
  ca.drop();
  ca.received.clear();
  ca.accept();
  ASSERT_TRUE(run_until(io, [&] { return ca.accepted == 2 && ca.all<bh::span_status>().size() == 1; }));
  EXPECT_TRUE(std::holds_alternative<bh::hello>(ca.received.front()));
  EXPECT_EQ(ca.all<bh::span_status>()[0].alarms, static_cast<std::uint8_t>(bh::span_alarm::loss_of_signal));
  EXPECT_EQ(counters.value("disconnects"), 1u);
  EXPECT_EQ(counters.value("reconnects"), 1u);
}

TEST_F(link_fixture, when_frames_are_sent_while_the_link_is_down_then_they_are_dropped_and_counted) {
  ca.acceptor.close();
  ca.drop();
  ASSERT_TRUE(run_until(io, [&] { return link->state() != link_state::up; }));
  link->send_dchannel(1, std::vector<std::uint8_t>{0x00, 0x01, 0x7F});
  EXPECT_EQ(counters.value("tx.dropped.link_down"), 1u);
  // Connection refused now: the link keeps trying with backoff.
  ASSERT_TRUE(run_until(io, [&] { return counters.value("connect_failures") >= 2; }));
}

TEST_F(link_fixture, when_the_call_agent_sends_an_undecodable_frame_then_the_link_is_closed_and_reopened) {
  ca.send_raw({0x00, 0x05, 0x07, 0x02, 0x00, 0x01, 0x00});  // version 7
  ca.accept();
  ASSERT_TRUE(run_until(io, [&] { return counters.value("rx.decode_error") == 1 && ca.accepted == 2; }));
  ASSERT_TRUE(run_until(io, [&] { return link->state() == link_state::up; }));
}

TEST_F(link_fixture, when_the_call_agent_asks_for_a_keepalive_then_the_gateway_replies) {
  ca.send(bh::keepalive{false});
  ASSERT_TRUE(run_until(io, [&] {
    for (const auto& k : ca.all<bh::keepalive>())
      if (k.reply) return true;
    return false;
  }));
}

TEST_F(link_fixture, when_the_call_agent_stays_silent_then_the_gateway_asks_and_finally_declares_the_link_dead) {
  // The fake never answers keep-alives: after three intervals the link goes down and comes back.
  ASSERT_TRUE(run_until(io, [&] { return counters.value("keepalive_timeouts") >= 1; }, 5s));
  EXPECT_FALSE(ca.all<bh::keepalive>().empty());
  EXPECT_EQ(counters.value("disconnects"), 1u);
  ca.accept();
  ASSERT_TRUE(run_until(io, [&] { return ca.accepted == 2 && link->state() == link_state::up; }));
}

TEST_F(link_fixture, when_the_gateway_keeps_sending_then_it_still_asks_and_an_answering_call_agent_keeps_the_link) {
  // Traffic from the gateway alone (span status while alarms flap, D-channel frames) must not
  // replace its keep-alive requests: the link is judged by what arrives, so the gateway asks
  // whenever it has heard nothing for an interval, and a call agent that answers keeps it up.
  const std::vector<std::uint8_t> rr{0x00, 0x01, 0x01, 0x00};
  std::size_t answered = 0;
  auto last_send = std::chrono::steady_clock::now();
  const auto until = last_send + 2100ms;  // seven keep-alive intervals
  ASSERT_TRUE(run_until(io, [&] {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_send >= 50ms) {
      link->send_dchannel(1, rr);
      last_send = now;
    }
    std::size_t requests = 0;
    for (const auto& k : ca.all<bh::keepalive>())
      if (!k.reply) ++requests;
    for (; answered < requests; ++answered) ca.send(bh::keepalive{true});
    return now > until;
  }, 4s));
  EXPECT_GE(answered, 3u);
  EXPECT_EQ(counters.value("keepalive_timeouts"), 0u);
  EXPECT_EQ(counters.value("disconnects"), 0u);
  EXPECT_EQ(link->state(), link_state::up);
}

}  // namespace
}  // namespace tandem::gateway::backhaul
