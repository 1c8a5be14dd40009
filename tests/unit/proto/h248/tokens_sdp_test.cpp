/// Tokens (Annex B.2): each spelling finds its own token; SDP in Local/Remote (H.248.1
/// §7.1.8): alternatives split at v= lines, CHOOSE values and partial descriptions accepted.
#include <gtest/gtest.h>

#include "proto/h248/sdp_text.hpp"
#include "proto/h248/tokens.hpp"

namespace tandem::h248 {
namespace {

TEST(h248_tokens, when_any_spelling_is_looked_up_in_any_case_then_it_finds_its_own_token) {
  for (int i = static_cast<int>(token::add); i <= static_cast<int>(token::version); ++i) {
    const auto t = static_cast<token>(i);
    SCOPED_TRACE(std::string(long_name(t)));
    EXPECT_EQ(find_token(long_name(t)), t);
    EXPECT_EQ(find_token(short_name(t)), t) << short_name(t);
    std::string lower(long_name(t));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(find_token(lower), t);
  }
  EXPECT_EQ(find_token("Frobnicate"), std::nullopt);
  EXPECT_EQ(token_text(token::service_change, true), "SC");
  EXPECT_EQ(token_text(token::service_change, false), "ServiceChange");
}

TEST(h248_sdp_text, when_a_descriptor_holds_alternatives_then_they_are_split_at_v_lines) {
  const std::string text = "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8\nv=0\nc=IN IP4 $\nm=image $ udptl t38";
  const auto sessions = split_sessions(text);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[1].rfind("v=0\nc=IN IP4 $\nm=image", 0), 0u);
  EXPECT_TRUE(check_sdp(text).has_value());
}

TEST(h248_sdp_text, when_sdp_is_partial_or_empty_then_it_is_accepted_and_when_run_together_it_is_not) {
  EXPECT_TRUE(check_sdp("").has_value());
  EXPECT_TRUE(check_sdp("v=0\nc=IN IP4 10.23.1.52\nm=audio 16756 RTP/AVP 8 102\na=ptime:30").has_value());
  EXPECT_FALSE(check_sdp("v=0 c=IN IP4 $ m=audio $ RTP/AVP 4\na=ptime:30").has_value());
  EXPECT_FALSE(check_sdp("c=IN IP4 1.2.3.4\n").has_value());
  const auto bad = check_sdp("v=0\nc=IN IP4 1.2.3.4\nm=audio 1 RTP/AVP 0\nv=0\nm=audio port RTP/AVP 0");
  ASSERT_FALSE(bad.has_value());
  EXPECT_GE(bad.error(), 39u) << "the position points into the second description";
}

}  // namespace
}  // namespace tandem::h248
