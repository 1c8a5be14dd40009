// Load-mode scheduling with a manual clock: the offered rate, the concurrency limit, and no
// catching up above the rate after calls were held back.
#include <gtest/gtest.h>

#include "common/manual_clock.hpp"
#include "lab/runner/run/load_scheduler.hpp"

namespace tandem::lab::runner {
namespace {

using std::chrono::milliseconds;

/// Steps the clock by 1 ms up to `until`, starting calls whenever allowed; returns the start
/// times (ms from the beginning). `active_at(t)` says how many calls are up at t.
template <class F>
std::vector<long> drive(load_scheduler& s, manual_clock& clock, long until_ms, F active_at) {
  std::vector<long> starts;
  const auto t0 = clock.now();
  for (long t = 0; t <= until_ms; ++t) {
    while (s.may_start(active_at(t, starts))) {
      s.started();
      starts.push_back(std::chrono::duration_cast<milliseconds>(clock.now() - t0).count());
    }
    clock.advance(milliseconds{1});
  }
  return starts;
}

TEST(load_scheduler, when_concurrency_never_binds_then_calls_start_at_the_rate) {
  manual_clock clock;
  load_scheduler s({5, 4.0, 10}, clock);
  auto starts = drive(s, clock, 5000, [](long, const std::vector<long>&) { return 0u; });
  EXPECT_EQ(starts, (std::vector<long>{0, 250, 500, 750, 1000}));
  EXPECT_TRUE(s.all_started());
  EXPECT_EQ(s.held_back(), 0u);
  EXPECT_EQ(s.next_due(), time_point::max());
}

TEST(load_scheduler, when_max_calls_are_up_then_the_next_waits_for_one_to_end) {
  manual_clock clock;
  load_scheduler s({4, 10.0, 2}, clock);
  // Every call holds for 1000 ms.
  auto active = [](long t, const std::vector<long>& starts) {
    unsigned n = 0;
    for (long st : starts) n += (t < st + 1000) ? 1 : 0;
    return n;
  };
  auto starts = drive(s, clock, 5000, active);
  // Two at the rate (0, 100 ms); the third when the first ends (1000 ms); the fourth not before
  // both 1100 ms (the second ends) and one interval after the third.
  EXPECT_EQ(starts, (std::vector<long>{0, 100, 1000, 1100}));
  EXPECT_EQ(s.held_back(), 1u);  // the third; the fourth was due when it started
}

TEST(load_scheduler, when_calls_were_held_back_then_the_rate_is_not_exceeded_to_catch_up) {
  manual_clock clock;
  load_scheduler s({5, 10.0, 1}, clock);
  // The first call holds 500 ms; later calls end at once.
  auto active = [](long t, const std::vector<long>& starts) {
    return (starts.size() == 1 && t < 500) ? 1u : 0u;
  };
  auto starts = drive(s, clock, 3000, active);
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_EQ(starts[1], 500);
  for (std::size_t i = 2; i < starts.size(); ++i) EXPECT_GE(starts[i] - starts[i - 1], 100) << i;
}

TEST(load_scheduler, when_nothing_is_due_yet_then_no_call_may_start) {
  manual_clock clock;
  load_scheduler s({2, 1.0, 5}, clock);
  EXPECT_TRUE(s.may_start(0));
  s.started();
  EXPECT_FALSE(s.may_start(0));
  EXPECT_EQ(s.next_due(), clock.now() + std::chrono::seconds{1});
  clock.advance(milliseconds{999});
  EXPECT_FALSE(s.may_start(0));
  clock.advance(milliseconds{1});
  EXPECT_TRUE(s.may_start(0));
  EXPECT_FALSE(s.may_start(5));  // at the concurrency limit
}

}  // namespace
}  // namespace tandem::lab::runner
