#include "common/counters.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(counter_set, when_counter_is_added_to_then_snapshot_has_full_name_and_value) {
  counter_set set("mgcp");
  set.get("rx.crcx").add();
  set.get("rx.crcx").add(2);
  set.get("err.510");
  auto snap = set.snapshot();
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].first, "mgcp.err.510");
  EXPECT_EQ(snap[0].second, 0u);
  EXPECT_EQ(snap[1].first, "mgcp.rx.crcx");
  EXPECT_EQ(snap[1].second, 3u);
  EXPECT_EQ(set.value("rx.crcx"), 3u);
  EXPECT_EQ(set.value("never"), 0u);
}

TEST(counter_set, when_many_threads_add_then_no_increment_is_lost) {
  counter_set set("media");
  counter& c = set.get("rtp.rx");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.add();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
}

TEST(counter_set, references_stay_valid_when_more_counters_are_created) {
  counter_set set("x");
  counter& first = set.get("a");
  for (int i = 0; i < 1000; ++i) set.get("c" + std::to_string(i));
  first.add(5);
  EXPECT_EQ(set.value("a"), 5u);
}

}  // namespace
}  // namespace tandem
