// Two sim spans back to back in one process (master and slave, each on its own clock thread).
#include <gtest/gtest.h>

#include "tdm/sim/sim_span.hpp"
#include "tests/unit/tdm/span_test_support.hpp"

namespace tandem::tdm {
namespace {

using namespace std::chrono_literals;
using test::pattern_handler;
using test::wait_until;

struct back_to_back {
  explicit back_to_back(span_layout layout, unsigned los_ticks = 5)
      : layout_(layout), master_handler(layout, 0x11, 0x5A), slave_handler(layout, 0x5A, 0x11) {
    sim_span_config m;
    m.layout = layout;
    m.socket_path = dir.file("span1.sock");
    m.clock_role = sim_span_config::role::master;
    m.mode = sim_span_config::connect_mode::listen;
    m.loss_of_signal_ticks = los_ticks;
    m.reconnect_interval = 20ms;
    m.counters = &master_counters;
    sim_span_config s = m;
    s.clock_role = sim_span_config::role::slave;
    s.mode = sim_span_config::connect_mode::connect;
    s.counters = &slave_counters;
    master = std::move(*create_sim_span(m));
    slave = std::move(*create_sim_span(s));
  }
  ~back_to_back() {
    slave->stop();
    master->stop();
  }
  void start() {
    master->start(master_handler);
    slave->start(slave_handler);
  }
  /// Both sides have seen the other's pattern and no alarm is left.
  bool locked(std::uint64_t good = 10) const {
    return master_handler.good_blocks >= good && slave_handler.good_blocks >= good &&
           master->alarms() == alarm::none && slave->alarms() == alarm::none;
  }

  test::temp_dir dir;
  span_layout layout_;
  counter_set master_counters{"tdm"}, slave_counters{"tdm"};
  pattern_handler master_handler, slave_handler;
  std::unique_ptr<span> master, slave;
};

void expect_bit_exact_both_ways(span_layout layout) {
  back_to_back b(layout);
  ASSERT_TRUE(b.dir.ok());
  b.start();
  ASSERT_TRUE(wait_until([&] { return b.locked(100); }));
  EXPECT_EQ(b.master_handler.bad_blocks, 0u);
  EXPECT_EQ(b.slave_handler.bad_blocks, 0u);
  EXPECT_EQ(b.master->stats().blocks_rejected, 0u);
  EXPECT_EQ(b.slave->stats().blocks_rejected, 0u);
  EXPECT_GE(b.slave->stats().blocks_rx, 100u);
  EXPECT_EQ(b.master->samples_per_tick(), 80u);
}

TEST(sim_span, when_e1_pattern_written_on_every_bearer_then_it_arrives_bit_exact_both_ways) {
  expect_bit_exact_both_ways(span_layout::e1());
}

TEST(sim_span, when_t1_pattern_written_on_every_bearer_then_it_arrives_bit_exact_both_ways) {
  expect_bit_exact_both_ways(span_layout::t1());
}

TEST(sim_span, when_frames_are_sent_on_the_dchannel_then_they_arrive_in_order_both_ways) {
  back_to_back b(span_layout::e1());
  b.start();
  ASSERT_TRUE(wait_until([&] { return b.locked(); }));
  constexpr unsigned frames = 40;
  for (unsigned i = 0; i < frames; ++i) {
    // Q.921-looking frames of varying length: SAPI 0, TEI 0, an I-frame, then i octets.
    std::vector<std::uint8_t> f{0x00, 0x01, static_cast<std::uint8_t>(i * 2), 0x00};
    for (unsigned k = 0; k < i; ++k) f.push_back(static_cast<std::uint8_t>(i + k));
    b.master->send_dchannel_frame(f);
    f[0] = 0x02;  // the other direction carries C/R = 1
    b.slave->send_dchannel_frame(f);
  }
  ASSERT_TRUE(wait_until([&] {
    return b.slave_handler.frames().size() == frames && b.master_handler.frames().size() == frames;
  }));
  const auto at_slave = b.slave_handler.frames();
  const auto at_master = b.master_handler.frames();
  for (unsigned i = 0; i < frames; ++i) {
    ASSERT_EQ(at_slave[i].size(), 4 + i);
    EXPECT_EQ(at_slave[i][0], 0x00);
    EXPECT_EQ(at_slave[i][2], static_cast<std::uint8_t>(i * 2)) << "frame " << i;
    ASSERT_EQ(at_master[i].size(), 4 + i);
    EXPECT_EQ(at_master[i][0], 0x02);
    EXPECT_EQ(at_master[i][2], static_cast<std::uint8_t>(i * 2)) << "frame " << i;
  }
  EXPECT_EQ(b.master->stats().dchannel_tx, frames);
  EXPECT_EQ(b.slave->stats().dchannel_rx, frames);
  EXPECT_EQ(b.slave->stats().dchannel_rejected, 0u);
}

TEST(sim_span, when_frame_longer_than_n201_is_queued_then_it_is_dropped_and_counted) {
  back_to_back b(span_layout::e1());
  std::vector<std::uint8_t> too_long(265, 0x42);
  b.master->send_dchannel_frame(too_long);
  EXPECT_EQ(b.master->stats().dchannel_tx_dropped, 1u);
  EXPECT_EQ(b.master_counters.value("span1.tx.dropped"), 1u);
}

TEST(sim_span, when_master_ticks_200_times_then_slave_ticks_as_many) {
  // A generous loss-of-signal threshold keeps a loaded CI machine's scheduling hiccup from
  // sending the slave into free-run, which is not what this test is about.
  back_to_back b(span_layout::e1(), 30);
  b.start();
  ASSERT_TRUE(wait_until([&] { return b.locked(); }));
  const auto m0 = b.master->stats().ticks;
  const auto s0 = b.slave->stats().ticks;
  const auto lost0 = b.slave->stats().blocks_lost;
  const auto late0 = b.slave->stats().blocks_late;
  ASSERT_TRUE(wait_until([&] { return b.master->stats().ticks >= m0 + 200; }, 20s));
  // The slave answers each block as it comes; let the last one in flight arrive.
  const auto m1 = b.master->stats().ticks;
  ASSERT_TRUE(wait_until([&] { return b.slave->stats().ticks >= s0 + (m1 - m0); }));
  const auto s1 = b.slave->stats().ticks;
  const auto m_delta = static_cast<std::int64_t>(m1 - m0);
  const auto s_delta = static_cast<std::int64_t>(s1 - s0);
  // The slave may already have seen a block or two the master sent after m1 was read.
  EXPECT_GE(s_delta, m_delta);
  EXPECT_LE(s_delta, m_delta + 2);
  EXPECT_EQ(b.slave->stats().blocks_lost, lost0);
  EXPECT_EQ(b.slave->stats().blocks_late, late0);
}

TEST(sim_span, when_master_restarts_then_slave_raises_loss_of_signal_and_clears_it_on_return) {
  back_to_back b(span_layout::t1());
  b.start();
  ASSERT_TRUE(wait_until([&] { return b.locked(); }));

  b.master->stop();
  ASSERT_TRUE(wait_until([&] { return any(b.slave->alarms() & alarm::loss_of_signal); }));
  EXPECT_TRUE(b.slave_handler.has_alarm(alarm::loss_of_signal));
  // Free-run: the slave keeps ticking on its own clock with idle rx while the master is away.
  const auto idle_before = b.slave_handler.idle_blocks.load();
  ASSERT_TRUE(wait_until([&] { return b.slave_handler.idle_blocks >= idle_before + 10; }));
  EXPECT_GE(b.slave_counters.value("span1.link.lost"), 1u);

  const auto good_before = b.slave_handler.good_blocks.load();
  b.master->start(b.master_handler);
  ASSERT_TRUE(wait_until([&] {
    return b.slave_handler.good_blocks >= good_before + 10 && b.slave->alarms() == alarm::none;
  }));
  EXPECT_FALSE(b.slave_handler.has_alarm(alarm::loss_of_signal));
  EXPECT_GE(b.slave_counters.value("span1.link.up"), 2u);
  EXPECT_EQ(b.slave_handler.bad_blocks, 0u);
}

TEST(sim_span, when_slave_restarts_then_master_raises_loss_of_signal_and_keeps_ticking) {
  back_to_back b(span_layout::e1());
  b.start();
  ASSERT_TRUE(wait_until([&] { return b.locked(); }));

  b.slave->stop();
  ASSERT_TRUE(wait_until([&] { return any(b.master->alarms() & alarm::loss_of_signal); }));
  // The master is the clock: it ticks on, with idle rx, whether or not the slave is there.
  const auto ticks = b.master->stats().ticks;
  const auto clears = b.master_handler.loss_of_signal_clears.load();
  ASSERT_TRUE(wait_until([&] { return b.master->stats().ticks >= ticks + 10; }));
  // The answer to the last block before the slave left must not count as a block from it.
  EXPECT_EQ(b.master_handler.loss_of_signal_clears.load(), clears);

  const auto good_before = b.master_handler.good_blocks.load();
  b.slave->start(b.slave_handler);
  ASSERT_TRUE(wait_until([&] {
    return b.master_handler.good_blocks >= good_before + 10 && b.master->alarms() == alarm::none;
  }));
  EXPECT_EQ(b.master_handler.bad_blocks, 0u);
}

TEST(sim_span, when_slave_listens_and_master_connects_then_they_lock_too) {
  test::temp_dir dir;
  const auto layout = span_layout::e1();
  pattern_handler mh(layout, 1, 2), sh(layout, 2, 1);
  sim_span_config s;
  s.socket_path = dir.file("rev.sock");
  s.mode = sim_span_config::connect_mode::listen;
  sim_span_config m = s;
  m.clock_role = sim_span_config::role::master;
  m.mode = sim_span_config::connect_mode::connect;
  m.reconnect_interval = 10ms;
  auto slave = std::move(*create_sim_span(s));
  auto master = std::move(*create_sim_span(m));
  slave->start(sh);
  master->start(mh);
  EXPECT_TRUE(wait_until([&] { return mh.good_blocks >= 20 && sh.good_blocks >= 20; }));
  master->stop();
  slave->stop();
  EXPECT_EQ(mh.bad_blocks + sh.bad_blocks, 0u);
}

TEST(sim_span, when_both_sides_claim_master_then_hello_is_rejected_as_wrong_role) {
  test::temp_dir dir;
  const auto layout = span_layout::e1();
  pattern_handler h1(layout, 1, 2), h2(layout, 2, 1);
  counter_set counters{"tdm"};
  sim_span_config a;
  a.socket_path = dir.file("role.sock");
  a.clock_role = sim_span_config::role::master;
  a.mode = sim_span_config::connect_mode::listen;
  a.counters = &counters;
  sim_span_config c = a;
  c.number = span_number{2};
  c.mode = sim_span_config::connect_mode::connect;
  auto s1 = std::move(*create_sim_span(a));
  auto s2 = std::move(*create_sim_span(c));
  s1->start(h1);
  s2->start(h2);
  EXPECT_TRUE(wait_until([&] { return counters.value("span1.rx.rejected.wrong_role") >= 1; }));
  EXPECT_TRUE(any(s1->alarms() & alarm::framing));
  EXPECT_TRUE(any(s1->alarms() & alarm::loss_of_signal));
  s2->stop();
  s1->stop();
  EXPECT_EQ(h1.good_blocks + h2.good_blocks, 0u);
}

TEST(sim_span_config, when_fields_are_out_of_range_then_validation_names_the_field) {
  sim_span_config c;
  c.socket_path = "/tmp/x.sock";
  EXPECT_TRUE(validate(c).has_value());
  auto bad = c;
  bad.tick = 25ms;
  ASSERT_FALSE(validate(bad).has_value());
  EXPECT_NE(validate(bad).error().find("tick"), std::string::npos);
  bad = c;
  bad.tick = 0ms;
  EXPECT_FALSE(validate(bad).has_value());
  bad = c;
  bad.socket_path = std::string(120, 'a');
  ASSERT_FALSE(create_sim_span(bad).has_value());
  EXPECT_NE(create_sim_span(bad).error().find("socket_path"), std::string::npos);
  bad = c;
  bad.socket_path.clear();
  EXPECT_FALSE(validate(bad).has_value());
  bad = c;
  bad.loss_of_signal_ticks = 1;
  EXPECT_NE(validate(bad).error().find("loss_of_signal_ticks"), std::string::npos);
  bad = c;
  bad.number = span_number{0};
  EXPECT_NE(validate(bad).error().find("number"), std::string::npos);
}

}  // namespace
}  // namespace tandem::tdm
