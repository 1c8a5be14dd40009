#include <gtest/gtest.h>

#include "callagent/number_rule.hpp"
#include "callagent/router.hpp"

namespace tandem::callagent {
namespace {

TEST(number_rule, when_pattern_has_wildcards_then_whole_number_is_matched) {
  EXPECT_TRUE(matches_pattern("0201XXXX", "02015555"));
  EXPECT_FALSE(matches_pattern("0201XXXX", "020155551"));
  EXPECT_FALSE(matches_pattern("0201XXXX", "0201555"));
  EXPECT_TRUE(matches_pattern("0N", "02"));
  EXPECT_FALSE(matches_pattern("0N", "01"));
  EXPECT_TRUE(matches_pattern("Z0", "10"));
  EXPECT_FALSE(matches_pattern("Z0", "00"));
  EXPECT_TRUE(matches_pattern("07[1-5,9]X", "0790"));
  EXPECT_FALSE(matches_pattern("07[1-5,9]X", "0760"));
  EXPECT_TRUE(matches_pattern("00.", "0044"));
  EXPECT_FALSE(matches_pattern("00.", "00"));
  EXPECT_TRUE(matches_pattern("00!", "00"));
  EXPECT_TRUE(matches_pattern("*X#", "*5#"));
}

TEST(number_rule, when_pattern_is_malformed_then_check_says_where) {
  EXPECT_FALSE(check_pattern("0201XXXX"));
  auto e = check_pattern("02.1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->position, 2u);
  ASSERT_TRUE(check_pattern("07[1-"));
  EXPECT_TRUE(check_pattern("0A"));
  EXPECT_TRUE(check_pattern(""));
  EXPECT_TRUE(check_pattern("[]"));
  EXPECT_FALSE(matches_pattern("02.1", "0201"));
}

TEST(number_rule, when_edit_strips_and_prepends_then_number_is_rewritten) {
  EXPECT_EQ(edit_number({4, ""}, "02015551234"), "5551234");
  EXPECT_EQ(edit_number({1, "0044"}, "07700900123"), "00447700900123");
  EXPECT_EQ(edit_number({20, "9"}, "123"), "9");
  EXPECT_EQ(edit_number({}, "123"), "123");
}

TEST(number_rule, when_channel_list_is_parsed_then_ranges_expand_in_order) {
  auto l = parse_channel_list("1-3,17,30-31", 31);
  ASSERT_TRUE(l);
  EXPECT_EQ(*l, (std::vector<unsigned>{1, 2, 3, 17, 30, 31}));
  EXPECT_FALSE(parse_channel_list("0-3", 31));
  EXPECT_FALSE(parse_channel_list("5-3", 31));
  EXPECT_FALSE(parse_channel_list("1,1", 31));
  EXPECT_FALSE(parse_channel_list("32", 31));
  EXPECT_FALSE(parse_channel_list("a", 31));
  EXPECT_FALSE(parse_channel_list("", 31));
}

TEST(router, when_number_is_normalised_then_first_matching_route_wins_and_edits_apply) {
  ca_config cfg;
  cfg.normalise.push_back({match_kind::prefix, "+44", {3, "0"}});
  cfg.normalise.push_back({match_kind::prefix, "0044", {4, "0"}});
  route_config mobile;
  mobile.name = "mobile";
  mobile.kind = match_kind::pattern;
  mobile.match = "07[1-9]XXXXXXXX";
  mobile.called = {1, "44"};
  mobile.calling = {0, "0"};
  route_config national;
  national.name = "national";
  national.match = "0";
  cfg.routes = {mobile, national};

  auto d = find_route(cfg, "2020", "+447700900123");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->route->name, "mobile");
  EXPECT_EQ(d->normalised, "07700900123");
  EXPECT_EQ(d->called_out, "447700900123");
  EXPECT_EQ(d->calling_out, "02020");

  d = find_route(cfg, "", "00442079460000");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->route->name, "national");
  EXPECT_EQ(d->called_out, "02079460000");

  EXPECT_FALSE(find_route(cfg, "", "112"));
}

}  // namespace
}  // namespace tandem::callagent

#include "callagent/sip_cause.hpp"

namespace tandem::callagent {
namespace {

TEST(sip_cause, when_pstn_clears_then_rfc3398_status_is_chosen) {
  EXPECT_EQ(sip_status_for(cause::unallocated_number), 404);
  EXPECT_EQ(sip_status_for(cause::user_busy), 486);
  EXPECT_EQ(sip_status_for(cause::no_user_responding), 408);
  EXPECT_EQ(sip_status_for(cause::no_answer), 480);
  EXPECT_EQ(sip_status_for(cause::call_rejected), 403);
  EXPECT_EQ(sip_status_for(cause::no_circuit_available), 503);
  EXPECT_EQ(sip_status_for(cause::bearer_capability_not_implemented), 488);
  EXPECT_EQ(sip_status_for(cause::recovery_on_timer_expiry), 504);
  EXPECT_FALSE(sip_status_for(cause::normal_clearing));
  EXPECT_EQ(sip_status_for(cause{99}), 500);
}

TEST(sip_cause, when_sip_refuses_then_rfc3398_cause_is_passed_on) {
  EXPECT_EQ(cause_for_sip_status(404), cause::unallocated_number);
  EXPECT_EQ(cause_for_sip_status(486), cause::user_busy);
  EXPECT_EQ(cause_for_sip_status(600), cause::user_busy);
  EXPECT_EQ(cause_for_sip_status(480), cause::no_user_responding);
  EXPECT_EQ(cause_for_sip_status(484), cause::invalid_number_format);
  EXPECT_EQ(cause_for_sip_status(503), cause::temporary_failure);
  EXPECT_EQ(cause_for_sip_status(502), cause::network_out_of_order);
  EXPECT_EQ(cause_for_sip_status(603), cause::call_rejected);
  EXPECT_EQ(cause_for_sip_status(408), cause::recovery_on_timer_expiry);
  EXPECT_EQ(cause_for_sip_status(488), cause::interworking_unspecified);
}

}  // namespace
}  // namespace tandem::callagent
