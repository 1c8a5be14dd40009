#include <gtest/gtest.h>

#include "ops/metrics/counter_naming.hpp"

namespace m = tandem::ops::metrics;

TEST(counter_naming, when_no_rule_matches_then_dots_become_underscores_under_the_namespace) {
  const auto r = m::map_counter_name("mgcp.rx.crcx", {});
  EXPECT_EQ(r.family, "tandem_mgcp_rx_crcx");
  EXPECT_TRUE(r.labels.empty());
  EXPECT_EQ(m::map_counter_name("ca.mgcp_transaction.tx-retransmits", {}, "").family,
            "ca_mgcp_transaction_tx_retransmits");
}

TEST(counter_naming, when_a_rule_captures_then_captures_become_labels) {
  const std::vector<m::name_rule> rules{{"mgcp.rx.{verb}", "mgcp_rx"}};
  const auto r = m::map_counter_name("mgcp.rx.crcx", rules);
  EXPECT_EQ(r.family, "tandem_mgcp_rx");
  EXPECT_EQ(r.labels, (m::label_set{{"verb", "crcx"}}));
  EXPECT_EQ(r.origin, "mgcp.rx.{verb}");
}

TEST(counter_naming, when_a_segment_has_a_literal_prefix_then_only_the_rest_is_captured) {
  const auto r = m::map_counter_name("tdm.span12.rx.rejected.bad_magic", m::standard_rules());
  EXPECT_EQ(r.family, "tandem_tdm_span_rx_rejected");
  EXPECT_EQ(r.labels, (m::label_set{{"span", "12"}, {"reason", "bad_magic"}}));
  // "span" alone has nothing to capture: no match, default naming.
  EXPECT_EQ(m::map_counter_name("tdm.span.rx", m::standard_rules()).family, "tandem_tdm_span_rx");
}

TEST(counter_naming, when_the_family_template_uses_a_rest_capture_then_it_goes_into_the_name) {
  const auto r = m::map_counter_name("tdm.span1.dahdi.read_errors", m::standard_rules());
  EXPECT_EQ(r.family, "tandem_tdm_span_dahdi_read_errors");
  EXPECT_EQ(r.labels, (m::label_set{{"span", "1"}}));
}

TEST(counter_naming, when_an_exemption_comes_first_then_the_broader_rule_is_not_used) {
  const auto rules = m::standard_rules();
  EXPECT_EQ(m::map_counter_name("mgcp_agent.rx.malformed", rules).family, "tandem_mgcp_agent_rx_malformed");
  EXPECT_TRUE(m::map_counter_name("mgcp_agent.rx.malformed", rules).labels.empty());
  const auto verb = m::map_counter_name("mgcp_agent.rx.auep", rules);
  EXPECT_EQ(verb.family, "tandem_mgcp_agent_rx");
  EXPECT_EQ(verb.labels, (m::label_set{{"verb", "auep"}}));
  const auto fail = m::map_counter_name("mgcp_agent.fail.parse_510", rules);
  EXPECT_EQ(fail.family, "tandem_mgcp_agent_failures");
  EXPECT_EQ(fail.labels, (m::label_set{{"reason", "parse_510"}}));
}

TEST(counter_naming, when_segment_counts_differ_then_the_rule_does_not_match) {
  EXPECT_FALSE(m::apply_rule("mgcp.rx", {"mgcp.rx.{verb}", "x"}).has_value());
  EXPECT_FALSE(m::apply_rule("mgcp.rx.crcx.extra", {"mgcp.rx.{verb}", "x"}).has_value());
  EXPECT_FALSE(m::apply_rule("tdm.span1", {"tdm.span{span}.{what*}", "x"}).has_value());
}

TEST(counter_naming, when_names_are_checked_then_the_prometheus_grammar_applies) {
  EXPECT_TRUE(m::is_valid_metric_name("tandem_a:b_1"));
  EXPECT_FALSE(m::is_valid_metric_name("1abc"));
  EXPECT_FALSE(m::is_valid_metric_name("a-b"));
  EXPECT_FALSE(m::is_valid_metric_name(""));
  EXPECT_TRUE(m::is_valid_label_name("verb"));
  EXPECT_FALSE(m::is_valid_label_name("__name__"));
  EXPECT_FALSE(m::is_valid_label_name("a:b"));
  EXPECT_EQ(m::sanitize_metric_name("9.a-b"), "_9_a_b");
}
