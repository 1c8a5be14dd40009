// A misbehaving peer (a raw SOCK_SEQPACKET socket driven by the test) against a sim span:
// every bad message is a counted rejection and an alarm, and the span keeps working.
#include <cstring>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tdm/sim/sim_span.hpp"
#include "tdm/sim/wire_format.hpp"
#include "tests/unit/tdm/span_test_support.hpp"

namespace tandem::tdm {
namespace {

using namespace std::chrono_literals;
using test::pattern_handler;
using test::wait_until;

/// The test's end of the socket, playing the master.
class raw_peer {
 public:
  bool connect_to(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    return wait_until([&] {
      return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }, 5s);
  }
  ~raw_peer() {
    if (fd_ >= 0) ::close(fd_);
  }
  void send(std::span<const std::uint8_t> m) {
    ASSERT_EQ(::send(fd_, m.data(), m.size(), MSG_NOSIGNAL), static_cast<ssize_t>(m.size()));
  }
  void send_hello(span_type type, bool master = true, std::uint16_t tick_ms = 10) {
    wire::hello h;
    h.type = type;
    h.law = type == span_type::e1 ? companding_law::alaw : companding_law::ulaw;
    h.sender_is_master = master;
    h.span = 1;
    h.tick_ms = tick_ms;
    std::vector<std::uint8_t> buf(64);
    buf.resize(wire::encode_hello(buf, h));
    send(buf);
  }
  std::vector<std::uint8_t> block_message(std::uint32_t seq, unsigned slots = 32,
                                          unsigned samples = 80) {
    // What a pattern_handler seeded 2 would send on an E1: the fixture's handler checks it.
    block b(slots, samples);
    const auto layout = span_layout::e1();
    b.fill(layout.idle_octet());
    for (unsigned p = 0; p < slots; ++p)
      if (layout.is_bearer(p))
        for (unsigned i = 0; i < samples; ++i) b.slot(p)[i] = test::pattern_octet(2, p, i);
    std::vector<std::uint8_t> buf(wire::max_message);
    buf.resize(wire::encode_block(buf, seq, b));
    return buf;
  }
  /// True when the span closed the connection (recv sees end of stream), within a bound.
  bool closed_by_span() {
    std::vector<std::uint8_t> buf(wire::max_message);
    return wait_until([&] {
      const auto n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      return n == 0;
    }, 5s);
  }

 private:
  int fd_ = -1;
};

class sim_span_reject : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir.ok());
    sim_span_config c;
    c.layout = span_layout::e1();
    c.socket_path = dir.file("span.sock");
    c.clock_role = sim_span_config::role::slave;
    c.mode = sim_span_config::connect_mode::listen;
    c.framing_clear_ticks = 5;
    // The test sends blocks only when it means to: keep the span from free-running meanwhile.
    c.loss_of_signal_ticks = 1000;
    c.counters = &counters;
    s = std::move(*create_sim_span(c));
    s->start(handler);
    ASSERT_TRUE(peer.connect_to(c.socket_path));
  }
  void TearDown() override { s->stop(); }
  std::uint64_t rejected(const char* reason) const {
    return counters.value(std::string("span1.rx.rejected.") + reason);
  }
  /// After the hello, a few good blocks so the span is locked and alarm-free.
  void lock() {
    peer.send_hello(span_type::e1);
    for (std::uint32_t i = 0; i < 6; ++i) peer.send(peer.block_message(seq++));
    ASSERT_TRUE(wait_until([&] { return s->alarms() == alarm::none; }));
  }
  bool framing() const { return any(s->alarms() & alarm::framing); }

  test::temp_dir dir;
  counter_set counters{"tdm"};
  pattern_handler handler{span_layout::e1(), 1, 2};
  std::unique_ptr<span> s;
  raw_peer peer;
  std::uint32_t seq = 0;
};

TEST_F(sim_span_reject, when_magic_is_wrong_then_rejection_is_counted_and_framing_alarm_raised) {
  lock();
  auto m = peer.block_message(seq++);
  m[0] = 'X';
  peer.send(m);
  ASSERT_TRUE(wait_until([&] { return rejected("bad_magic") == 1 && framing(); }));
  EXPECT_EQ(s->stats().blocks_rejected, 1u);
  EXPECT_TRUE(handler.has_alarm(alarm::framing));
}

TEST_F(sim_span_reject, when_message_is_oversized_then_it_is_rejected_without_harm) {
  lock();
  std::vector<std::uint8_t> huge(wire::max_message + 100, 0x55);
  std::memcpy(huge.data(), wire::magic, 4);
  peer.send(huge);
  ASSERT_TRUE(wait_until([&] { return rejected("oversized") == 1 && framing(); }));
  // The span still takes good blocks afterwards, and the alarm clears after enough of them.
  for (int i = 0; i < 8; ++i) peer.send(peer.block_message(seq++));
  ASSERT_TRUE(wait_until([&] { return !framing(); }));
  EXPECT_EQ(handler.bad_blocks, 0u);
}

TEST_F(sim_span_reject, when_block_length_field_disagrees_then_bad_length_is_counted) {
  lock();
  auto m = peer.block_message(seq++);
  m.pop_back();  // the header still claims the full payload
  peer.send(m);
  auto short_header = std::vector<std::uint8_t>(m.begin(), m.begin() + 7);
  peer.send(short_header);
  ASSERT_TRUE(wait_until([&] { return rejected("bad_length") == 2 && framing(); }));
}

TEST_F(sim_span_reject, when_block_has_t1_shape_on_e1_span_then_wrong_block_shape_is_counted) {
  lock();
  peer.send(peer.block_message(seq++, 24, 80));
  peer.send(peer.block_message(seq++, 32, 40));
  ASSERT_TRUE(wait_until([&] { return rejected("wrong_block_shape") == 2 && framing(); }));
  EXPECT_EQ(s->stats().blocks_rejected, 2u);
}

TEST_F(sim_span_reject, when_block_comes_before_hello_then_no_hello_is_counted) {
  peer.send(peer.block_message(0));
  ASSERT_TRUE(wait_until([&] { return rejected("no_hello") == 1 && framing(); }));
}

TEST_F(sim_span_reject, when_hello_has_wrong_span_type_then_it_is_rejected_and_link_closed) {
  peer.send_hello(span_type::t1);
  ASSERT_TRUE(wait_until([&] { return rejected("wrong_span_type") == 1; }));
  EXPECT_TRUE(framing());
  EXPECT_TRUE(any(s->alarms() & alarm::loss_of_signal));
  EXPECT_TRUE(peer.closed_by_span());
}

TEST_F(sim_span_reject, when_hello_has_wrong_tick_then_it_is_rejected) {
  peer.send_hello(span_type::e1, true, 20);
  ASSERT_TRUE(wait_until([&] { return rejected("wrong_tick") == 1; }));
  EXPECT_TRUE(peer.closed_by_span());
}

TEST_F(sim_span_reject, when_version_or_type_is_unknown_then_each_is_counted) {
  lock();
  auto m = peer.block_message(seq++);
  m[4] = 2;
  peer.send(m);
  m[4] = wire::version;
  m[5] = 9;
  peer.send(m);
  ASSERT_TRUE(wait_until([&] {
    return rejected("bad_version") == 1 && rejected("unknown_type") == 1 && framing();
  }));
}

TEST_F(sim_span_reject, when_dchannel_frame_names_unknown_channel_then_it_is_rejected) {
  lock();
  const std::uint8_t frame[] = {0x00, 0x01, 0x7F};
  std::vector<std::uint8_t> buf(wire::max_message);
  buf.resize(wire::encode_dchannel(buf, 0, 5, frame));  // E1 D-channel is TS16, not TS5
  peer.send(buf);
  buf.resize(wire::max_message);
  buf.resize(wire::encode_dchannel(buf, 1, 16, frame));
  peer.send(buf);
  ASSERT_TRUE(wait_until([&] { return handler.frames().size() == 1; }));
  EXPECT_EQ(rejected("unknown_channel"), 1u);
  EXPECT_EQ(s->stats().dchannel_rejected, 1u);
  EXPECT_EQ(s->stats().dchannel_rx, 1u);
  EXPECT_TRUE(framing());
}

TEST_F(sim_span_reject, when_a_second_peer_connects_then_it_is_refused_as_busy) {
  lock();
  raw_peer intruder;
  ASSERT_TRUE(intruder.connect_to(dir.file("span.sock")));
  ASSERT_TRUE(wait_until([&] { return rejected("peer_busy") == 1; }));
  EXPECT_TRUE(intruder.closed_by_span());
  // The first peer still drives the span.
  const auto before = handler.ticks.load();
  peer.send(peer.block_message(seq++));
  EXPECT_TRUE(wait_until([&] { return handler.ticks > before; }));
}

TEST_F(sim_span_reject, when_peer_sends_remote_alarm_indication_then_remote_alarm_follows) {
  lock();
  std::vector<std::uint8_t> buf(64);
  buf.resize(wire::encode_alarm(buf, {true}));
  peer.send(buf);
  ASSERT_TRUE(wait_until([&] { return any(s->alarms() & alarm::remote_alarm); }));
  buf.resize(64);
  buf.resize(wire::encode_alarm(buf, {false}));
  peer.send(buf);
  ASSERT_TRUE(wait_until([&] { return !any(s->alarms() & alarm::remote_alarm); }));
}

TEST_F(sim_span_reject, when_sequence_goes_back_then_block_is_late_and_dropped) {
  lock();
  const auto ticks = s->stats().ticks;
  const auto lost = s->stats().blocks_lost;
  peer.send(peer.block_message(seq - 2));
  peer.send(peer.block_message(seq + 3));  // jumps over three blocks: counted lost
  seq += 4;
  ASSERT_TRUE(wait_until([&] { return s->stats().blocks_lost == lost + 3; }));
  EXPECT_EQ(s->stats().blocks_late, 1u);
  EXPECT_GE(s->stats().ticks, ticks + 1);
}

}  // namespace
}  // namespace tandem::tdm

namespace tandem::tdm {
namespace {

/// A raw slave peer against a master span: answers out of turn are late or rejected.
TEST(sim_span_master, when_answers_are_stale_or_ahead_then_late_and_bad_sequence_are_counted) {
  test::temp_dir dir;
  counter_set counters{"tdm"};
  pattern_handler handler{span_layout::e1(), 2, 1};
  sim_span_config c;
  c.socket_path = dir.file("m.sock");
  c.clock_role = sim_span_config::role::master;
  c.mode = sim_span_config::connect_mode::listen;
  c.counters = &counters;
  auto m = std::move(*create_sim_span(c));
  m->start(handler);
  raw_peer peer;
  ASSERT_TRUE(peer.connect_to(c.socket_path));
  peer.send_hello(span_type::e1, false);
  // Wait for master blocks 0..2 to be sent, then answer block 0 (stale by then) and a block
  // numbered far ahead of anything the master sent.
  ASSERT_TRUE(wait_until([&] { return m->stats().blocks_tx >= 3; }));
  peer.send(peer.block_message(0));
  peer.send(peer.block_message(1'000'000));
  EXPECT_TRUE(wait_until([&] {
    return m->stats().blocks_late == 1 &&
           counters.value("span1.rx.rejected.bad_sequence") == 1;
  }));
  EXPECT_TRUE(any(m->alarms() & alarm::framing));
  // No answers: the master counts its ticks without one as lost and raises loss of signal.
  EXPECT_TRUE(wait_until([&] { return m->stats().blocks_lost >= 5; }));
  EXPECT_TRUE(any(m->alarms() & alarm::loss_of_signal));
  m->stop();
}

}  // namespace
}  // namespace tandem::tdm
