#include <gtest/gtest.h>

#include "proto/mgcp/event.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_event, when_event_has_package_range_and_connection_then_each_part_is_kept) {
  auto d = parse_event_name("D/[0-9#*T]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->package, "D");
  EXPECT_EQ(d->event, "[0-9#*T]");
  EXPECT_TRUE(d->is_range());
  auto r = parse_event_name("R/rto@364823");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event, "rto");
  EXPECT_EQ(r->connection, "364823");
  auto all = parse_event_name("*/all");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->package, "*");
  EXPECT_TRUE(all->is_all());
  auto bare = parse_event_name("hd");
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->package.empty());
}

TEST(mgcp_event, when_embedded_request_is_given_then_it_nests_events_signals_and_digit_map) {
  auto r = parse_requested_events("L/hd(A, E(S(L/dl),R(L/oc, L/hu, D/[0-9#*T](D)),D(xx)))");
  ASSERT_TRUE(r) << r.error().what;
  ASSERT_EQ(r->size(), 1u);
  const auto& hd = r->front();
  ASSERT_EQ(hd.actions.size(), 2u);
  EXPECT_EQ(hd.actions[0].kind, action_kind::accumulate);
  ASSERT_EQ(hd.actions[1].kind, action_kind::embedded);
  const auto& e = hd.actions[1].embedded;
  ASSERT_TRUE(e.signal_requests && e.requested_events && e.digits);
  EXPECT_EQ(e.signal_requests->front().name.event, "dl");
  ASSERT_EQ(e.requested_events->size(), 3u);
  EXPECT_EQ((*e.requested_events)[2].actions.front().kind, action_kind::accumulate_digit_map);
  EXPECT_EQ(e.digits->patterns.front(), "xx");
}

TEST(mgcp_event, when_requested_event_has_two_lists_then_actions_come_first_and_parameters_second) {
  auto r = parse_requested_events("r/rto@364823(N)(120,st=im)");
  ASSERT_TRUE(r);
  const auto& e = r->front();
  ASSERT_EQ(e.actions.size(), 1u);
  EXPECT_EQ(e.actions[0].kind, action_kind::notify);
  ASSERT_EQ(e.parameters.size(), 2u);
  EXPECT_EQ(e.parameters[0].value, "120");
  EXPECT_EQ(e.parameters[1].name, "st");
  EXPECT_EQ(e.parameters[1].value, "im");
}

TEST(mgcp_event, when_signal_parameters_hold_quotes_and_commas_then_they_stay_one_parameter) {
  auto s = parse_parameterized_events(R"x(L/ci(10:30, "555,1234", "John (home)"), t/ct(in=co1,out=co2,+))x");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 2u);
  ASSERT_EQ((*s)[0].parameters.size(), 3u);
  EXPECT_EQ((*s)[0].parameters[1].value, "\"555,1234\"");
  EXPECT_EQ((*s)[0].parameters[2].value, "\"John (home)\"");
  EXPECT_EQ((*s)[1].parameters[2].value, "+");
}

TEST(mgcp_event, when_rto_carries_a_parameter_then_only_the_second_list_of_a_request_holds_it) {
  // RFC 3435 Appendix A: RequestedEvent = EventName ["(" RequestedActions ")"] ["(" EventParameters ")"].
  auto observed = parse_parameterized_events("R/rto(100)");
  ASSERT_TRUE(observed);
  EXPECT_EQ(observed->front().parameters.front().value, "100");
  auto requested = parse_requested_events("R/rto(N)(100)");
  ASSERT_TRUE(requested);
  EXPECT_EQ(requested->front().parameters.front().value, "100");
  EXPECT_EQ(parse_requested_events("R/rto(100)").error().code, return_code::unknown_action);
}

TEST(mgcp_event, when_actions_are_unknown_or_clash_then_523) {
  EXPECT_EQ(parse_requested_events("L/hd(Q)").error().code, return_code::unknown_action);
  EXPECT_EQ(parse_requested_events("L/hd(N,A)").error().code, return_code::unknown_action);
  EXPECT_EQ(parse_requested_events("L/hd(N,N)").error().code, return_code::unknown_action);
  EXPECT_EQ(parse_requested_events("L/hd()").error().code, return_code::unknown_action);
  EXPECT_TRUE(parse_requested_events("L/hd(N,S,K)"));
}

TEST(mgcp_event, when_embedded_requests_nest_too_deeply_then_refused_without_recursing_forever) {
  std::string s = "L/hd";
  for (int i = 0; i < 40; ++i) s = "L/hd(E(R(" + s + ")))";
  EXPECT_FALSE(parse_requested_events(s));
}

TEST(mgcp_event, when_lists_are_written_then_they_parse_back_equal) {
  const std::string text = "L/hu(N), D/[0-9](N), L/hd(A,E(R(L/oc),S(L/dl),D(xx)))";
  auto a = parse_requested_events(text);
  ASSERT_TRUE(a);
  std::string out;
  append(out, *a);
  auto b = parse_requested_events(out);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace tandem::mgcp
