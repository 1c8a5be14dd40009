#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/counters.hpp"
#include "ops/metrics/exposition.hpp"
#include "ops/metrics/registry.hpp"

namespace m = tandem::ops::metrics;

namespace {

std::vector<m::family> sample_families() {
  m::family c{"tandem_mgcp_agent_rx", "Commands received, by verb", m::metric_type::counter, {}, {}};
  c.samples.push_back({{{"verb", "crcx"}}, std::uint64_t{3}});
  c.samples.push_back({{{"verb", "dlcx"}}, std::uint64_t{18446744073709551615ull}});
  m::family g{"tandem_calls", "Calls in progress", m::metric_type::gauge, {}, {}};
  g.samples.push_back({{}, 2.5});
  m::family h{"tandem_mgcp_transaction_seconds", "MGCP transaction latency", m::metric_type::histogram, {}, {}};
  h.histograms.push_back({{{"peer", "ca\"1\\\n"}}, {0.01, 1}, {1, 3}, 1.25, 4});
  return {c, g, h};
}

/// Every line that is not a comment must read as `name{labels} value`.
void expect_sample_lines_parse(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) continue;
    const auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const auto value = line.substr(space + 1);
    EXPECT_FALSE(value.empty()) << line;
    if (value != "+Inf" && value != "-Inf" && value != "NaN") {
      std::size_t used = 0;
      (void)std::stod(value, &used);
      EXPECT_EQ(used, value.size()) << line;
    }
    const auto series = line.substr(0, space);
    const auto brace = series.find('{');
    EXPECT_TRUE(m::is_valid_metric_name(series.substr(0, brace))) << line;
    if (brace != std::string::npos) {
      EXPECT_EQ(series.back(), '}') << line;
    }
  }
}

}  // namespace

TEST(exposition, when_prometheus_format_then_counters_are_described_with_total_and_no_eof) {
  const auto text = m::render(sample_families(), m::exposition_format::prometheus_0_0_4);
  const std::string expected =
      "# HELP tandem_mgcp_agent_rx_total Commands received, by verb\n"
      "# TYPE tandem_mgcp_agent_rx_total counter\n"
      "tandem_mgcp_agent_rx_total{verb=\"crcx\"} 3\n"
      "tandem_mgcp_agent_rx_total{verb=\"dlcx\"} 18446744073709551615\n"
      "# HELP tandem_calls Calls in progress\n"
      "# TYPE tandem_calls gauge\n"
      "tandem_calls 2.5\n"
      "# HELP tandem_mgcp_transaction_seconds MGCP transaction latency\n"
      "# TYPE tandem_mgcp_transaction_seconds histogram\n"
      "tandem_mgcp_transaction_seconds_bucket{peer=\"ca\\\"1\\\\\\n\",le=\"0.01\"} 1\n"
      "tandem_mgcp_transaction_seconds_bucket{peer=\"ca\\\"1\\\\\\n\",le=\"1.0\"} 3\n"
      "tandem_mgcp_transaction_seconds_bucket{peer=\"ca\\\"1\\\\\\n\",le=\"+Inf\"} 4\n"
      "tandem_mgcp_transaction_seconds_sum{peer=\"ca\\\"1\\\\\\n\"} 1.25\n"
      "tandem_mgcp_transaction_seconds_count{peer=\"ca\\\"1\\\\\\n\"} 4\n";
  EXPECT_EQ(text, expected);
  expect_sample_lines_parse(text);
}

TEST(exposition, when_openmetrics_format_then_family_name_has_no_total_and_ends_with_eof) {
  const auto text = m::render(sample_families(), m::exposition_format::openmetrics_1_0);
  EXPECT_NE(text.find("# TYPE tandem_mgcp_agent_rx counter\n"), std::string::npos);
  EXPECT_NE(text.find("# HELP tandem_mgcp_agent_rx Commands received, by verb\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_mgcp_agent_rx_total{verb=\"crcx\"} 3\n"), std::string::npos);
  EXPECT_EQ(text.find("_total counter"), std::string::npos);
  ASSERT_GE(text.size(), 6u);
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
  EXPECT_EQ(text.find("# EOF"), text.size() - 6) << "only one # EOF, at the end";
  expect_sample_lines_parse(text);
}

TEST(exposition, when_help_has_backslash_and_newline_then_they_are_escaped) {
  m::family g{"x", "a\\b\nc \"q\"", m::metric_type::gauge, {{{}, 1.0}}, {}};
  EXPECT_EQ(m::render({g}, m::exposition_format::prometheus_0_0_4),
            "# HELP x a\\\\b\\nc \"q\"\n# TYPE x gauge\nx 1\n");
}

TEST(exposition, when_numbers_are_special_then_they_use_the_format_spelling) {
  EXPECT_EQ(m::format_number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(m::format_number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(m::format_number(std::nan("")), "NaN");
  EXPECT_EQ(m::format_number(0.1), "0.1");
  EXPECT_EQ(m::format_bound(5), "5.0");
  EXPECT_EQ(m::format_bound(0.0025), "0.0025");
}

TEST(exposition, when_accept_prefers_openmetrics_then_openmetrics_is_chosen) {
  using f = m::exposition_format;
  EXPECT_EQ(m::negotiate(""), f::prometheus_0_0_4);
  EXPECT_EQ(m::negotiate("*/*"), f::prometheus_0_0_4);
  EXPECT_EQ(m::negotiate("text/plain"), f::prometheus_0_0_4);
  EXPECT_EQ(m::negotiate("application/openmetrics-text"), f::openmetrics_1_0);
  // What Prometheus 2.x sends.
  EXPECT_EQ(m::negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                         "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            f::openmetrics_1_0);
  EXPECT_EQ(m::negotiate("application/openmetrics-text;q=0.2, text/plain;q=0.9"), f::prometheus_0_0_4);
  EXPECT_EQ(m::negotiate("application/openmetrics-text;q=0"), f::prometheus_0_0_4);
  EXPECT_EQ(m::negotiate("application/openmetrics-text;q=bogus"), f::prometheus_0_0_4);
  EXPECT_EQ(m::content_type(f::openmetrics_1_0), "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_EQ(m::content_type(f::prometheus_0_0_4), "text/plain; version=0.0.4; charset=utf-8");
}

TEST(exposition, when_registry_renders_adopted_counters_then_values_and_labels_come_through) {
  tandem::counter_set agent("mgcp_agent");
  agent.get("rx.crcx").add(2);
  agent.get("rx.malformed").add();
  agent.get("crcx.fail.unknown_endpoint").add(5);
  tandem::counter_set tdm("tdm");
  tdm.get("span1.rx.rejected.bad_magic").add(7);
  tdm.get("span2.link.up").add();

  m::registry r;
  r.adopt(agent);
  r.adopt(tdm);
  r.describe("tandem_mgcp_agent_rx", "MGCP commands received from an allowed call agent");
  r.gauge_of("tandem_mgw_connections", "Connections").set(4);
  const auto text = m::render(r.collect(), m::exposition_format::prometheus_0_0_4);

  EXPECT_NE(text.find("# HELP tandem_mgcp_agent_rx_total MGCP commands received from an allowed call agent\n"),
            std::string::npos);
  EXPECT_NE(text.find("tandem_mgcp_agent_rx_total{verb=\"crcx\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_mgcp_agent_rx_malformed_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_mgcp_agent_verb_failures_total{verb=\"crcx\",reason=\"unknown_endpoint\"} 5\n"),
            std::string::npos);
  EXPECT_NE(text.find("tandem_tdm_span_rx_rejected_total{span=\"1\",reason=\"bad_magic\"} 7\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_tdm_span_link_up_total{span=\"2\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_mgw_connections 4\n"), std::string::npos);
  expect_sample_lines_parse(text);

  // A counter added after adoption shows at the next scrape; a forgotten set disappears.
  agent.get("rx.dlcx").add();
  r.forget(tdm);
  const auto again = m::render(r.collect(), m::exposition_format::prometheus_0_0_4);
  EXPECT_NE(again.find("tandem_mgcp_agent_rx_total{verb=\"dlcx\"} 1\n"), std::string::npos);
  EXPECT_EQ(again.find("tandem_tdm_"), std::string::npos);
}

TEST(exposition, when_callback_gauge_is_registered_then_it_is_sampled_at_each_scrape) {
  m::registry r;
  int calls = 0;
  r.gauge_family("tandem_endpoints", "Endpoints by state", [&] {
    ++calls;
    return std::vector<m::sample>{{{{"state", "idle"}}, 29.0}, {{{"state", "busy"}}, double(calls)}};
  });
  (void)r.collect();
  const auto text = m::render(r.collect(), m::exposition_format::openmetrics_1_0);
  EXPECT_EQ(calls, 2);
  EXPECT_NE(text.find("tandem_endpoints{state=\"busy\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("tandem_endpoints{state=\"idle\"} 29\n"), std::string::npos);
}

TEST(exposition, when_registration_is_invalid_then_it_throws_at_start_up) {
  m::registry r;
  EXPECT_THROW((void)r.gauge_of("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW((void)r.gauge_of("ok_name", "x", {{"bad label", "v"}}), std::invalid_argument);
  (void)r.gauge_of("tandem_x", "x");
  const std::vector<double> bounds{1, 2};
  EXPECT_THROW((void)r.histogram_of("tandem_x", "x", bounds), std::invalid_argument);
  const std::vector<double> unsorted{2, 1};
  EXPECT_THROW((void)r.histogram_of("tandem_h", "x", unsorted), std::invalid_argument);
  EXPECT_THROW((void)r.histogram_of("tandem_h", "x", bounds, {{"le", "1"}}), std::invalid_argument);
}
