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
