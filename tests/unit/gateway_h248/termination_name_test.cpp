#include <gtest/gtest.h>

#include "gateway/h248/termination_name.hpp"

namespace tandem::gateway::h248::test {
namespace {

TEST(termination_name, when_tdm_name_is_parsed_then_span_and_timeslot_come_back) {
  auto a = parse_termination_name("tdm/2/17");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, termination_kind::tdm);
  EXPECT_EQ(a->span, 2u);
  EXPECT_EQ(a->index, 17u);
  EXPECT_EQ(a->name(), "tdm/2/17");
}

TEST(termination_name, when_rtp_name_is_parsed_then_its_number_comes_back_case_insensitively) {
  auto a = parse_termination_name("RTP/42");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, termination_kind::rtp);
  EXPECT_EQ(a->index, 42u);
  EXPECT_EQ(a->name(), "rtp/42");
}

TEST(termination_name, when_name_is_not_of_the_grammar_then_nothing) {
  for (const char* bad : {"tdm/1", "tdm/01/2", "tdm/1/0", "tdm/1/x", "rtp/", "rtp/$", "ds/e1-1/1", "ROOT", "tdm/1/2/3", ""})
    EXPECT_FALSE(parse_termination_name(bad)) << bad;
}

}  // namespace
}  // namespace tandem::gateway::h248::test
