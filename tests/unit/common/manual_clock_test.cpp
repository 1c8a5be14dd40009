#include "common/manual_clock.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace tandem {
namespace {

using namespace std::chrono_literals;

TEST(manual_clock, when_advanced_then_due_timers_run_in_deadline_order_at_their_deadline) {
  manual_clock clk;
  const time_point start = clk.now();
  std::vector<std::pair<int, time_point>> ran;
  clk.schedule_after(30ms, [&] { ran.emplace_back(3, clk.now()); });
  clk.schedule_after(10ms, [&] { ran.emplace_back(1, clk.now()); });
  clk.schedule_after(20ms, [&] { ran.emplace_back(2, clk.now()); });
  clk.advance(25ms);
  ASSERT_EQ(ran.size(), 2u);
  EXPECT_EQ(ran[0].first, 1);
  EXPECT_EQ(ran[0].second, start + 10ms);
  EXPECT_EQ(ran[1].first, 2);
  EXPECT_EQ(clk.now(), start + 25ms);
  EXPECT_EQ(clk.pending(), 1u);
  EXPECT_EQ(clk.next_deadline(), start + 30ms);
}

TEST(manual_clock, when_cancelled_then_timer_never_runs) {
  manual_clock clk;
  bool ran = false;
  timer_id id = clk.schedule_after(5ms, [&] { ran = true; });
  EXPECT_TRUE(clk.cancel(id));
  EXPECT_FALSE(clk.cancel(id));
  clk.advance(1s);
  EXPECT_FALSE(ran);
  EXPECT_EQ(clk.next_deadline(), time_point::max());
}

TEST(manual_clock, when_callback_schedules_within_window_then_it_runs_in_same_advance) {
  manual_clock clk;
  int count = 0;
  std::function<void()> rearm = [&] {
    ++count;
    if (count < 5) clk.schedule_after(10ms, rearm);
  };
  clk.schedule_after(10ms, rearm);
  clk.advance(100ms);
  EXPECT_EQ(count, 5);
}

TEST(manual_clock, equal_deadlines_run_in_scheduling_order) {
  manual_clock clk;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) clk.schedule_after(1ms, [&order, i] { order.push_back(i); });
  clk.advance(1ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace tandem
