#include <filesystem>

#include <gtest/gtest.h>

#include "gateway/app/mgw_config.hpp"

namespace tandem::gateway::app {
namespace {

namespace fs = std::filesystem;

TEST(mgw_config, when_each_example_in_etc_mgw_is_loaded_then_it_is_valid_and_dumps_back_the_same) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(TANDEM_SOURCE_DIR) / "etc" / "mgw")) {
    if (entry.path().extension() != ".cfg") continue;
    ++files;
    auto c = load_mgw_config_file(entry.path().string());
    ASSERT_TRUE(c.has_value()) << entry.path() << "\n" << config::to_string(c.error());
    const auto dumped = dump_config(*c);
    auto again = load_mgw_config_string(dumped);
    ASSERT_TRUE(again.has_value()) << dumped << "\n" << config::to_string(again.error());
    EXPECT_EQ(dump_config(*again), dumped) << entry.path();
  }
  EXPECT_GE(files, 4);
}

TEST(mgw_config, when_the_e1_example_is_loaded_then_its_values_arrive) {
  auto c = load_mgw_config_file((fs::path(TANDEM_SOURCE_DIR) / "etc" / "mgw" / "e1-sim.cfg").string());
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->agent.domain, "mgw1.tandem.test");
  ASSERT_EQ(c->agent.spans.size(), 1u);
  EXPECT_FALSE(c->agent.spans[0].t1);
  EXPECT_EQ(c->span_links[0].device, "/tmp/tandem-mgw1-e1-1");
  EXPECT_EQ(c->agent.rtp_endpoints, 4u);
  EXPECT_EQ(c->agent.max_restart_wait.count(), 2000);
  EXPECT_EQ(c->rtp.port_min, 20000);
}

TEST(mgw_config, when_settings_are_wrong_then_every_error_names_its_path_and_line) {
  auto c = load_mgw_config_string(
      "mgw = {\n"
      "  mgcp = { port = 70000; domian = \"x\"; };\n"
      "  spans = ( { number = 1; type = \"e3\"; socket = \"/tmp/a\"; },\n"
      "            { number = 1; type = \"e1\"; backend = \"sim\"; } );\n"
      "  codecs = { telephone_event_payload_type = 13; };\n"
      "};\n");
  ASSERT_FALSE(c.has_value());
  const auto text = config::to_string(c.error());
  EXPECT_NE(text.find("mgw.mgcp.port"), std::string::npos) << text;
  EXPECT_NE(text.find("mgw.mgcp.domian"), std::string::npos) << text;
  EXPECT_NE(text.find("type"), std::string::npos) << text;
  EXPECT_NE(text.find("socket"), std::string::npos) << text;
  EXPECT_NE(text.find("span 1 is defined twice"), std::string::npos) << text;
  EXPECT_NE(text.find("telephone_event_payload_type"), std::string::npos) << text;
  EXPECT_NE(text.find("line 2"), std::string::npos) << text;
}

TEST(mgw_config, when_the_call_agent_is_not_among_the_allowed_then_it_is_an_error) {
  auto c = load_mgw_config_string(
      "mgw = { mgcp = { call_agent = { address = \"192.0.2.1\"; };\n"
      "                 allowed_call_agents = ( { address = \"192.0.2.9\"; } ); };\n"
      "        virtual_endpoints = 1; };\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(config::to_string(c.error()).find("allowed_call_agents"), std::string::npos);
}

TEST(mgw_config, when_there_are_no_endpoints_then_it_is_an_error) {
  auto c = load_mgw_config_string("mgw = { };\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(config::to_string(c.error()).find("no endpoints"), std::string::npos);
}

TEST(mgw_config, when_a_sim_span_names_its_clock_mode_and_tick_and_a_backhaul_is_given_then_they_arrive) {
  auto c = load_mgw_config_string(
      "mgw = { spans = ( { number = 3; type = \"t1\"; socket = \"/tmp/x\"; mode = \"listen\"; clock = \"master\";\n"
      "                    tick_ms = 20; alarm_hold_ms = 250; } );\n"
      "        backhaul = { address = \"127.0.0.1\"; port = 3000; keepalive_ms = 500; backoff_max_ms = 800; }; };\n");
  ASSERT_TRUE(c.has_value()) << config::to_string(c.error());
  ASSERT_EQ(c->span_links.size(), 1u);
  EXPECT_TRUE(c->span_links[0].listen);
  EXPECT_TRUE(c->span_links[0].clock_master);
  EXPECT_EQ(c->span_links[0].tick.count(), 20);
  EXPECT_EQ(c->span_links[0].alarm_hold.count(), 250);
  EXPECT_TRUE(c->backhaul.enabled);
  EXPECT_EQ(c->backhaul.port, 3000);
  EXPECT_EQ(c->backhaul.keepalive.count(), 500);
  EXPECT_EQ(c->backhaul.backoff_max.count(), 800);
  auto again = load_mgw_config_string(dump_config(*c));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(dump_config(*again), dump_config(*c));
}

TEST(mgw_config, when_transaction_timers_are_given_then_they_arrive_and_inconsistent_ones_are_errors) {
  auto c = load_mgw_config_string(
      "mgw = { virtual_endpoints = 1; mgcp = { transactions = { initial_rto_ms = 100; max_rto_ms = 500; max1 = 2;\n"
      "        max2 = 3; tdinit_ms = 1500; tdmin_ms = 1000; tdmax_ms = 4000; }; }; };\n");
  ASSERT_TRUE(c.has_value()) << config::to_string(c.error());
  EXPECT_EQ(c->transactions.initial_rto.count(), 100);
  EXPECT_EQ(c->transactions.max_rto.count(), 500);
  EXPECT_EQ(c->transactions.max2, 3u);
  EXPECT_EQ(c->transactions.tdinit.count(), 1500);
  auto bad = load_mgw_config_string(
      "mgw = { virtual_endpoints = 1; mgcp = { transactions = { max1 = 5; max2 = 3; tdmin_ms = 9000; tdmax_ms = 4000; }; }; };\n");
  ASSERT_FALSE(bad.has_value());
  const auto text = config::to_string(bad.error());
  EXPECT_NE(text.find("max1"), std::string::npos) << text;
  EXPECT_NE(text.find("tdmin_ms"), std::string::npos) << text;
}

TEST(mgw_config, when_the_log_group_names_a_file_sink_and_levels_then_they_arrive_and_dump_back) {
  auto c = load_mgw_config_string(
      "mgw = { spans = ( { number = 1; type = \"e1\"; socket = \"/tmp/a\"; } );\n"
      "  log = { level = \"warn\"; sink = \"file\"; path = \"/var/log/tandem/mgw.log\"; levels = \"mgcp=debug\"; }; };\n");
  ASSERT_TRUE(c.has_value()) << config::to_string(c.error());
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_EQ(c->log_settings.sink, log::sink_kind::file);
  EXPECT_EQ(c->log_settings.path, "/var/log/tandem/mgw.log");
  ASSERT_EQ(c->log_settings.levels.subsystems.size(), 1u);
  EXPECT_EQ(c->log_settings.levels.subsystems[0].first, "mgcp");
  auto again = load_mgw_config_string(dump_config(*c));
  ASSERT_TRUE(again.has_value()) << dump_config(*c);
  EXPECT_EQ(again->log_settings.path, "/var/log/tandem/mgw.log");
  EXPECT_EQ(dump_config(*again), dump_config(*c));
}

TEST(mgw_config, when_the_log_sink_is_unknown_or_a_file_has_no_path_then_the_error_names_the_setting) {
  for (const char* group : {"log = { sink = \"printer\"; };", "log = { sink = \"file\"; };"}) {
    auto c = load_mgw_config_string(std::string("mgw = { spans = ( { number = 1; type = \"e1\"; socket = \"/tmp/a\"; } );\n  ") +
                                    group + " };\n");
    ASSERT_FALSE(c.has_value()) << group;
    const auto text = config::to_string(c.error());
    EXPECT_NE(text.find("mgw.log."), std::string::npos) << text;
    EXPECT_NE(text.find("line 2"), std::string::npos) << text;
  }
}

TEST(mgw_config, when_no_backhaul_group_is_given_then_there_is_no_backhaul) {
  auto c = load_mgw_config_string("mgw = { virtual_endpoints = 1; };\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->backhaul.enabled);
}

TEST(mgw_config, when_span_and_backhaul_settings_are_wrong_then_each_error_names_its_path) {
  auto c = load_mgw_config_string(
      "mgw = { spans = ( { number = 1; socket = \"/tmp/x\"; mode = \"accept\"; clock = \"boss\"; tick_ms = 40; } );\n"
      "        backhaul = { address = \"ca.example.net\"; port = 0; retries = 3; }; };\n");
  ASSERT_FALSE(c.has_value());
  const auto text = config::to_string(c.error());
  for (const char* path : {"mode", "clock", "tick_ms", "mgw.backhaul.port", "mgw.backhaul.retries",
                           "not an IPv4 or IPv6 literal"})
    EXPECT_NE(text.find(path), std::string::npos) << path << "\n" << text;
}

TEST(mgw_config, when_the_backhaul_has_no_address_then_it_is_an_error) {
  auto c = load_mgw_config_string("mgw = { virtual_endpoints = 1; backhaul = { port = 2944; }; };\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(config::to_string(c.error()).find("address"), std::string::npos);
}

}  // namespace
}  // namespace tandem::gateway::app
