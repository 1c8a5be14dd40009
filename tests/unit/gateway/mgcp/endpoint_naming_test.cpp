#include <gtest/gtest.h>

#include "gateway/mgcp/endpoint_address.hpp"

namespace tandem::gateway::mgcp {
namespace {

TEST(endpoint_naming, when_names_are_canonical_then_they_parse_and_print_back) {
  for (const char* n : {"ds/e1-1/17", "ds/t1-12/23", "rtp/4"}) {
    const auto a = parse_local_name(n);
    ASSERT_TRUE(a.has_value()) << n;
    EXPECT_EQ(a->local_name(), n);
  }
}

TEST(endpoint_naming, when_case_differs_then_the_name_is_the_same_endpoint) {
  EXPECT_EQ(parse_local_name("DS/E1-1/5"), parse_local_name("ds/e1-1/5"));
  EXPECT_EQ(parse_local_name("RTP/2"), parse_local_name("rtp/2"));
}

TEST(endpoint_naming, when_a_name_is_outside_the_grammar_then_it_is_refused) {
  for (const char* n : {"ds/e1-1", "ds/e1-01/5", "ds/e3-1/5", "ds/e1-1/0", "ds/e1-1/x", "rtp", "rtp/1/2",
                        "aaln/1", "ds/e1-/5", ""})
    EXPECT_FALSE(parse_local_name(n).has_value()) << n;
}

TEST(endpoint_naming, when_a_term_is_a_wildcard_then_the_pattern_matches_every_endpoint_below) {
  const endpoint_address e1_5{endpoint_kind::e1, 1, 5};
  const endpoint_address e1_2_5{endpoint_kind::e1, 2, 5};
  const endpoint_address rtp_1{endpoint_kind::rtp, 0, 1};
  const auto all = name_pattern::parse("*");
  const auto span1 = name_pattern::parse("ds/e1-1/*");
  const auto ds = name_pattern::parse("ds/*");
  const auto each_span_slot5 = name_pattern::parse("ds/*/5");
  const auto range = name_pattern::parse("ds/e1-1/[1-4,6]");
  ASSERT_TRUE(all && span1 && ds && each_span_slot5 && range);
  EXPECT_TRUE(all->matches(e1_5) && all->matches(rtp_1));
  EXPECT_TRUE(span1->matches(e1_5));
  EXPECT_FALSE(span1->matches(e1_2_5));
  EXPECT_TRUE(ds->matches(e1_2_5));
  EXPECT_FALSE(ds->matches(rtp_1));
  EXPECT_TRUE(each_span_slot5->matches(e1_5) && each_span_slot5->matches(e1_2_5));
  EXPECT_FALSE(range->matches(e1_5));
  EXPECT_TRUE(range->matches(endpoint_address{endpoint_kind::e1, 1, 6}));
  EXPECT_TRUE(range->all_of());
}

TEST(endpoint_naming, when_the_pattern_is_any_of_then_it_says_so) {
  const auto any = name_pattern::parse("ds/e1-1/$");
  ASSERT_TRUE(any.has_value());
  EXPECT_TRUE(any->any_of());
  EXPECT_FALSE(any->all_of());
  EXPECT_FALSE(name_pattern::parse("ds/e1-1/[3-1]").has_value());
}

}  // namespace
}  // namespace tandem::gateway::mgcp
