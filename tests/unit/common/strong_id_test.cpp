#include "common/strong_id.hpp"

#include <string>
#include <type_traits>
#include <unordered_set>

#include <gtest/gtest.h>

namespace tandem {
namespace {

using call_id = strong_id<struct call_tag, std::string>;
using span_number = strong_id<struct span_tag, unsigned>;
using timeslot_number = strong_id<struct timeslot_tag, unsigned>;

TEST(strong_id, ids_of_different_tags_do_not_convert) {
  static_assert(!std::is_convertible_v<span_number, timeslot_number>);
  static_assert(!std::is_convertible_v<unsigned, span_number>);
  EXPECT_EQ(span_number{3}.value(), 3u);
}

TEST(strong_id, compares_hashes_and_formats_like_its_representation) {
  std::unordered_set<call_id> ids{call_id{"A3C47F21456789F0"}, call_id{"B"}};
  EXPECT_TRUE(ids.contains(call_id{"B"}));
  EXPECT_LT(span_number{1}, span_number{2});
  EXPECT_EQ(fmt::format("{}", span_number{17}), "17");
  EXPECT_EQ(fmt::format("{}", call_id{"abc"}), "abc");
}

}  // namespace
}  // namespace tandem
