#include <gtest/gtest.h>

#include "gateway/mgcp/digit_map_matcher.hpp"

namespace tandem::gateway::mgcp {
namespace {

tandem::mgcp::digit_map map_of(std::initializer_list<const char*> patterns) {
  tandem::mgcp::digit_map m;
  for (const char* p : patterns) m.patterns.emplace_back(p);
  return m;
}

TEST(digit_map, when_a_fixed_length_pattern_is_complete_then_it_is_a_full_match_only) {
  const auto m = map_of({"[2-9]xxx"});
  const auto r = match_digit_map(m, "5551");
  EXPECT_TRUE(r.full);
  EXPECT_FALSE(r.partial);
  EXPECT_TRUE(match_digit_map(m, "55").partial);
  EXPECT_FALSE(match_digit_map(m, "55").full);
}

TEST(digit_map, when_no_pattern_can_match_then_neither_full_nor_partial) {
  const auto r = match_digit_map(map_of({"[2-9]xxx", "0T"}), "1");
  EXPECT_FALSE(r.full);
  EXPECT_FALSE(r.partial);
}

TEST(digit_map, when_a_pattern_ends_in_timer_then_the_short_timer_is_wanted) {
  const auto m = map_of({"0T", "00T", "9011x.T"});
  const auto zero = match_digit_map(m, "0");
  EXPECT_TRUE(zero.partial);
  EXPECT_TRUE(zero.timer_next);
  EXPECT_TRUE(match_digit_map(m, "0T").full);
  const auto intl = match_digit_map(m, "901144");
  EXPECT_TRUE(intl.partial);
  EXPECT_TRUE(intl.timer_next);
  EXPECT_TRUE(match_digit_map(m, "901144T").full);
}

TEST(digit_map, when_a_position_repeats_then_it_matches_zero_or_more_times) {
  const auto m = map_of({"#x.#"});
  EXPECT_TRUE(match_digit_map(m, "##").full);
  EXPECT_TRUE(match_digit_map(m, "#1234#").full);
  EXPECT_FALSE(match_digit_map(m, "#12a#").full);
}

TEST(digit_map, when_letters_and_star_are_in_a_set_then_they_match_case_insensitively) {
  const auto m = map_of({"[*#a-d]x"});
  EXPECT_TRUE(match_digit_map(m, "*1").full);
  EXPECT_TRUE(match_digit_map(m, "B2").full);
  EXPECT_FALSE(match_digit_map(m, "E2").full);
}

}  // namespace
}  // namespace tandem::gateway::mgcp
