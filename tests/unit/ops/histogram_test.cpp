#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "ops/metrics/histogram.hpp"

namespace m = tandem::ops::metrics;

TEST(histogram, when_a_value_equals_a_bound_then_it_counts_in_that_bucket) {
  const std::vector<double> bounds{0.01, 0.1, 1};
  m::histogram h(bounds);
  h.observe(0.01);
  h.observe(0.05);
  h.observe(1);
  h.observe(7);
  h.observe(std::nan(""));
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.sum, 0.01 + 0.05 + 1 + 7);
}

TEST(histogram, when_threads_observe_concurrently_then_no_observation_is_lost) {
  const std::vector<double> bounds{1, 2, 3};
  m::histogram h(bounds);
  constexpr int threads = 4;
  constexpr int per_thread = 50'000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&h, t] {
      // Thread t observes values in bucket t (0.5, 1.5, 2.5, 3.5 -> le 1, 2, 3, +Inf).
      for (int i = 0; i < per_thread; ++i) h.observe(0.5 + t);
    });
  }
  // A scrape while observing must always be self-consistent.
  for (int i = 0; i < 100; ++i) {
    const auto s = h.snapshot();
    EXPECT_LE(s.cumulative[0], s.cumulative[1]);
    EXPECT_LE(s.cumulative[1], s.cumulative[2]);
    EXPECT_LE(s.cumulative[2], s.count);
  }
  for (auto& w : workers) w.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{per_thread, 2 * per_thread, 3 * per_thread}));
  EXPECT_EQ(s.count, static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_DOUBLE_EQ(s.sum, per_thread * (0.5 + 1.5 + 2.5 + 3.5));
}

TEST(histogram, when_bucket_helpers_are_used_then_bounds_follow_prometheus) {
  EXPECT_EQ(m::exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(m::linear_buckets(10, 5, 3), (std::vector<double>{10, 15, 20}));
  const auto l = m::latency_buckets();
  EXPECT_TRUE(std::is_sorted(l.begin(), l.end()));
}
