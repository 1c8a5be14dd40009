#include <gtest/gtest.h>

#include "proto/h248/identifiers.hpp"
#include "proto/h248/serializer.hpp"

namespace tandem::h248 {
namespace {

TEST(h248_identifiers, when_a_termination_id_has_wildcards_then_all_and_choose_are_told_apart) {
  EXPECT_TRUE(termination_id{"*"}.is_all());
  EXPECT_TRUE(termination_id{"tdm/1/*"}.is_all());
  EXPECT_FALSE(termination_id{"tdm/1/*"}.is_choose());
  EXPECT_TRUE(termination_id{"RTP/$"}.is_choose());
  EXPECT_TRUE(termination_id{"root"}.is_root());
  EXPECT_FALSE(termination_id{"tdm/1/1"}.is_all());
}

TEST(h248_identifiers, when_a_wildcard_is_matched_then_it_stands_for_one_level) {
  EXPECT_TRUE(termination_id{"tdm/1/*"}.matches("TDM/1/17"));
  EXPECT_FALSE(termination_id{"tdm/1/*"}.matches("tdm/1/17/2"));
  EXPECT_TRUE(termination_id{"tdm/*/*"}.matches("tdm/2/3"));
  EXPECT_TRUE(termination_id{"*"}.matches("a4444"));
  EXPECT_FALSE(termination_id{"*"}.matches("tdm/1"));
  EXPECT_TRUE(termination_id{"RTP/$"}.matches("RTP/1727"));
  EXPECT_FALSE(termination_id{"RTP/$"}.matches("RTP/"));
}

TEST(h248_identifiers, when_context_and_mid_are_formatted_then_the_annex_b_spelling_is_used) {
  EXPECT_EQ(format_context(context_id::null()), "-");
  EXPECT_EQ(format_context(context_id::choose()), "$");
  EXPECT_EQ(format_context(context_id::all()), "*");
  EXPECT_EQ(format_context(context_id::of(191)), "191");
  EXPECT_EQ(format_mid({mid_kind::ipv6, "2001:db8::1", 2944}), "[2001:db8::1]:2944");
  EXPECT_EQ(format_mid({mid_kind::domain_name, "iMSS", std::nullopt}), "<iMSS>");
  EXPECT_EQ(format_mid({mid_kind::mtp, "0A1B", std::nullopt}), "MTP{0A1B}");
}

}  // namespace
}  // namespace tandem::h248
