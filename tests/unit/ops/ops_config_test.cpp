#include <gtest/gtest.h>

#include "common/log.hpp"
#include "ops/ops_config.hpp"

namespace cfg = tandem::config;

TEST(ops_config, when_groups_are_absent_then_metrics_and_control_are_off) {
  auto doc = cfg::document::load_string("name = \"x\";");
  ASSERT_TRUE(doc);
  const auto c = tandem::ops::read_ops_config(doc->root());
  EXPECT_FALSE(c.metrics);
  EXPECT_FALSE(c.control);
  EXPECT_TRUE(doc->ok());
}

TEST(ops_config, when_groups_are_given_then_values_are_read) {
  auto doc = cfg::document::load_string(
      "metrics = { address = \"::1\"; port = 0; timeout_ms = 2000; };\n"
      "control = { socket = \"/run/tandem/mgw.ctl\"; mode = \"0600\"; max_clients = 4; };\n");
  ASSERT_TRUE(doc);
  const auto c = tandem::ops::read_ops_config(doc->root());
  ASSERT_TRUE(c.metrics);
  EXPECT_EQ(c.metrics->address, "::1");
  EXPECT_EQ(c.metrics->port, 0);
  EXPECT_EQ(c.metrics->timeout, std::chrono::milliseconds(2000));
  ASSERT_TRUE(c.control);
  EXPECT_EQ(c.control->path, "/run/tandem/mgw.ctl");
  EXPECT_EQ(c.control->mode, 0600u);
  EXPECT_EQ(c.control->max_clients, 4u);
  EXPECT_TRUE(doc->ok()) << cfg::to_string(doc->errors());
}

TEST(ops_config, when_settings_are_wrong_then_each_error_names_its_setting) {
  auto doc = cfg::document::load_string(
      "metrics = { port = 70000; adress = \"x\"; };\n"
      "control = { socket = \"relative.sock\"; mode = \"rw\"; };\n");
  ASSERT_TRUE(doc);
  (void)tandem::ops::read_ops_config(doc->root());
  const auto text = cfg::to_string(doc->errors());
  EXPECT_NE(text.find("metrics.port"), std::string::npos) << text;
  EXPECT_NE(text.find("metrics.adress"), std::string::npos) << text;
  EXPECT_NE(text.find("control.socket"), std::string::npos) << text;
  EXPECT_NE(text.find("control.mode"), std::string::npos) << text;
  EXPECT_EQ(doc->errors().size(), 4u) << text;
}

TEST(ops_config, when_the_control_group_has_another_name_then_that_group_is_read) {
  auto doc = cfg::document::load_string("control = { address = \"x\"; };\nops_control = { socket = \"/tmp/p.ctl\"; };\n");
  ASSERT_TRUE(doc);
  const auto c = tandem::ops::read_ops_config(doc->root(), "ops_control");
  ASSERT_TRUE(c.control);
  EXPECT_EQ(c.control->path, "/tmp/p.ctl");
  EXPECT_TRUE(doc->ok()) << cfg::to_string(doc->errors());
}

TEST(ops_config, when_options_are_given_on_the_command_line_then_they_fill_the_groups) {
  tandem::ops::ops_config c;
  ASSERT_TRUE(tandem::ops::apply_ops_option(c, "--metrics", "127.0.0.1:0"));
  ASSERT_TRUE(c.metrics);
  EXPECT_EQ(c.metrics->address, "127.0.0.1");
  EXPECT_EQ(c.metrics->port, 0);
  ASSERT_TRUE(tandem::ops::apply_ops_option(c, "--metrics", "[::1]:9465"));
  EXPECT_EQ(c.metrics->address, "::1");
  EXPECT_EQ(c.metrics->port, 9465);
  ASSERT_TRUE(tandem::ops::apply_ops_option(c, "--control", "/run/tandem/ca.ctl"));
  EXPECT_EQ(c.control->path, "/run/tandem/ca.ctl");
}

TEST(ops_config, when_command_line_values_are_wrong_then_the_error_says_why) {
  tandem::ops::ops_config c;
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:70000", "127.0.0.1:x", "::1:80", "[::1:80"}) {
    auto r = tandem::ops::apply_ops_option(c, "--metrics", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().find("--metrics"), std::string::npos) << r.error();
  }
  EXPECT_FALSE(tandem::ops::apply_ops_option(c, "--control", "relative.ctl"));
  EXPECT_FALSE(tandem::ops::apply_ops_option(c, "--bogus", "x"));
  EXPECT_FALSE(c.metrics);
  EXPECT_FALSE(c.control);
}

TEST(ops_config, when_log_levels_are_given_per_subsystem_then_each_gets_its_level) {
  ASSERT_TRUE(tandem::ops::apply_log_levels("warn,ops_cfg_test_a=debug,ops_cfg_test_b=off"));
  EXPECT_EQ(tandem::log::get("ops_cfg_test_a")->level(), spdlog::level::debug);
  EXPECT_EQ(tandem::log::get("ops_cfg_test_b")->level(), spdlog::level::off);
  EXPECT_EQ(tandem::log::get("ops_cfg_test_c")->level(), spdlog::level::warn);  // the default
  ASSERT_TRUE(tandem::ops::apply_log_levels("info"));
  EXPECT_EQ(tandem::log::get("ops_cfg_test_c")->level(), spdlog::level::info);
}

TEST(ops_config, when_one_log_level_is_wrong_then_none_is_applied_and_the_error_names_it) {
  ASSERT_TRUE(tandem::ops::apply_log_levels("ops_cfg_test_d=error"));
  for (const char* bad : {"", "loud", "ops_cfg_test_d=debug,q931=loud", "=debug", "ops_cfg_test_d=debug,"}) {
    auto r = tandem::ops::apply_log_levels(bad);
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_EQ(tandem::log::get("ops_cfg_test_d")->level(), spdlog::level::err);
  auto r = tandem::ops::apply_log_levels("info,q931=loud");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("q931=loud"), std::string::npos) << r.error();
}
