#include <gtest/gtest.h>

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
