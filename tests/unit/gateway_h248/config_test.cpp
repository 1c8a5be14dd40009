/// The `h248` group of tandem-mgw's configuration: the example file loads, errors name their
/// setting, and --dump-config loads back to the same settings.
#include <gtest/gtest.h>

#include "gateway/app/mgw_config.hpp"

namespace tandem::gateway::h248::test {
namespace {

TEST(h248_config, when_the_example_file_is_loaded_then_controllers_and_spans_come_through) {
  auto c = app::load_mgw_config_file(std::string(TANDEM_SOURCE_DIR) + "/etc/mgw/h248-e1-sim.cfg");
  ASSERT_TRUE(c) << config::to_string(c.error());
  ASSERT_TRUE(c->h248.enabled);
  EXPECT_EQ(c->h248.port, 2944);
  ASSERT_EQ(c->h248.agent.controllers.size(), 2u);
  EXPECT_EQ(c->h248.agent.controllers[1].port, 2948);
  ASSERT_EQ(c->h248.agent.spans.size(), 1u);  // shared with the MGCP agent
  EXPECT_EQ(c->h248.agent.codecs, c->agent.codecs);
  auto mid = parse_mid(c->h248.mid);
  ASSERT_TRUE(mid);
  EXPECT_EQ(mid->name, "127.0.0.1");
  EXPECT_EQ(mid->port, 2944);
}

TEST(h248_config, when_h248_is_absent_then_the_gateway_speaks_mgcp_only) {
  auto c = app::load_mgw_config_file(std::string(TANDEM_SOURCE_DIR) + "/etc/mgw/e1-sim.cfg");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->h248.enabled);
}

TEST(h248_config, when_settings_are_wrong_then_each_error_names_its_path) {
  auto c = app::load_mgw_config_string(R"(mgw = { virtual_endpoints = 1;
    h248 = { port = 70000; mid = "mg1"; controllers = ( { address = "mgc.example"; } ); colour = 1; }; };)");
  ASSERT_FALSE(c);
  const auto text = config::to_string(c.error());
  for (const char* path : {"h248.port", "h248.mid", "address", "h248.colour"})
    EXPECT_NE(text.find(path), std::string::npos) << path << " not in: " << text;
  auto none = app::load_mgw_config_string("mgw = { virtual_endpoints = 1; h248 = { port = 0; }; };");
  ASSERT_FALSE(none);
  EXPECT_NE(config::to_string(none.error()).find("controllers"), std::string::npos);
}

TEST(h248_config, when_dumped_then_the_text_loads_back_to_the_same_settings) {
  auto c = app::load_mgw_config_file(std::string(TANDEM_SOURCE_DIR) + "/etc/mgw/h248-e1-sim.cfg");
  ASSERT_TRUE(c);
  auto again = app::load_mgw_config_string(app::dump_config(*c));
  ASSERT_TRUE(again) << config::to_string(again.error()) << "\n" << app::dump_config(*c);
  EXPECT_EQ(again->h248.bind_address, c->h248.bind_address);
  EXPECT_EQ(again->h248.port, c->h248.port);
  EXPECT_EQ(again->h248.mid, c->h248.mid);
  EXPECT_EQ(again->h248.agent.controllers, c->h248.agent.controllers);
  EXPECT_EQ(again->h248.agent.retry_after_all_failed, c->h248.agent.retry_after_all_failed);
  EXPECT_EQ(again->h248.transactions.max_retransmissions, c->h248.transactions.max_retransmissions);
  EXPECT_EQ(again->h248.transactions.compact, c->h248.transactions.compact);
}

}  // namespace
}  // namespace tandem::gateway::h248::test
