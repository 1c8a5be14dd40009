#include "common/asio_timer_service.hpp"

#include <gtest/gtest.h>

#include "common/asio.hpp"

namespace tandem {
namespace {

using namespace std::chrono_literals;

TEST(asio_timer_service, runs_timers_in_order_and_skips_cancelled_ones) {
  asio::io_context io;
  asio_timer_service timers(io);
  std::vector<int> ran;
  timers.schedule_after(2ms, [&] { ran.push_back(2); });
  timers.schedule_after(1ms, [&] { ran.push_back(1); });
  timer_id dropped = timers.schedule_after(1ms, [&] { ran.push_back(99); });
  EXPECT_TRUE(timers.cancel(dropped));
  io.run_for(200ms);
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
  EXPECT_FALSE(timers.cancel(dropped));
}

}  // namespace
}  // namespace tandem
