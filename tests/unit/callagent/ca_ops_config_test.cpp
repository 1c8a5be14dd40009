/// The `metrics` and `control` groups of tandem-ca's configuration (ops::read_ops_config inside
/// `callagent = {}`), the --dump-config text that prints them back, and the example files.
#include <filesystem>

#include <gtest/gtest.h>

#include "callagent/app/config_dump.hpp"
#include "callagent/ca_config.hpp"

namespace tandem::callagent {
namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("TANDEM_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

constexpr std::string_view minimal_head = R"(callagent = {
  gateways = ( { name = "mgw1"; } );
  trunk_groups = ( { name = "tg"; gateway = "mgw1"; signalling = "none";
                     spans = ( { span = 1; channels = "1-2"; } ); } );
  routes = ( { name = "all"; prefix = ""; targets = ( { trunk_group = "tg"; } ); } );
)";

std::string with(std::string_view groups) { return std::string(minimal_head) + std::string(groups) + "};\n"; }

TEST(ca_ops_config, when_groups_are_absent_then_no_endpoint_and_no_socket) {
  auto cfg = load_ca_config_string(with(""));
  ASSERT_TRUE(cfg) << config::to_string(cfg.error());
  EXPECT_FALSE(cfg->ops.metrics.has_value());
  EXPECT_FALSE(cfg->ops.control.has_value());
}

TEST(ca_ops_config, when_groups_are_given_then_every_setting_is_read) {
  auto cfg = load_ca_config_string(with(R"(
  metrics = { address = "::1"; port = 9465; max_request_bytes = 4096; timeout_ms = 2000; max_connections = 8; };
  control = { socket = "/run/tandem/ca.ctl"; mode = "0600"; max_line = 2048; max_clients = 4; };
)"));
  ASSERT_TRUE(cfg) << config::to_string(cfg.error());
  ASSERT_TRUE(cfg->ops.metrics.has_value());
  EXPECT_EQ(cfg->ops.metrics->address, "::1");
  EXPECT_EQ(cfg->ops.metrics->port, 9465);
  EXPECT_EQ(cfg->ops.metrics->max_request_bytes, 4096u);
  EXPECT_EQ(cfg->ops.metrics->timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(cfg->ops.metrics->max_connections, 8u);
  ASSERT_TRUE(cfg->ops.control.has_value());
  EXPECT_EQ(cfg->ops.control->path, "/run/tandem/ca.ctl");
  EXPECT_EQ(cfg->ops.control->mode, 0600u);
  EXPECT_EQ(cfg->ops.control->max_line, 2048u);
  EXPECT_EQ(cfg->ops.control->max_clients, 4u);
}

TEST(ca_ops_config, when_a_setting_is_wrong_then_the_error_names_it_and_its_line) {
  auto cfg = load_ca_config_string(with(R"(
  metrics = { port = 70000; };
  control = { socket = "relative.ctl"; mode = "0999"; colour = "blue"; };
)"));
  ASSERT_FALSE(cfg);
  const auto text = config::to_string(cfg.error());
  EXPECT_NE(text.find("callagent.metrics.port"), std::string::npos) << text;
  EXPECT_NE(text.find("callagent.control.socket"), std::string::npos) << text;
  EXPECT_NE(text.find("callagent.control.mode"), std::string::npos) << text;
  EXPECT_NE(text.find("colour"), std::string::npos) << text;
  EXPECT_NE(text.find("line 7"), std::string::npos) << text;  // the metrics line
}

TEST(ca_ops_config, when_the_command_line_gives_an_option_then_it_replaces_the_file_value_only) {
  auto cfg = load_ca_config_string(with(R"(
  metrics = { address = "127.0.0.1"; port = 9465; max_connections = 8; };
  control = { socket = "/run/tandem/ca.ctl"; mode = "0600"; };
)"));
  ASSERT_TRUE(cfg) << config::to_string(cfg.error());
  ASSERT_TRUE(ops::apply_ops_option(cfg->ops, "--metrics", "0.0.0.0:0"));
  ASSERT_TRUE(ops::apply_ops_option(cfg->ops, "--control", "/tmp/ca.ctl"));
  EXPECT_EQ(cfg->ops.metrics->address, "0.0.0.0");
  EXPECT_EQ(cfg->ops.metrics->port, 0);
  EXPECT_EQ(cfg->ops.metrics->max_connections, 8u);  // the rest of the group stays
  EXPECT_EQ(cfg->ops.control->path, "/tmp/ca.ctl");
  EXPECT_EQ(cfg->ops.control->mode, 0600u);
}

TEST(ca_ops_config, when_dumped_then_the_groups_load_back_the_same) {
  auto cfg = load_ca_config_string(with(R"(
  metrics = { address = "127.0.0.1"; port = 9465; timeout_ms = 3000; };
  control = { socket = "/run/tandem/ca.ctl"; mode = "0640"; };
)"));
  ASSERT_TRUE(cfg) << config::to_string(cfg.error());
  const auto text = app::dump_config(*cfg);
  EXPECT_NE(text.find("metrics = { address = \"127.0.0.1\"; port = 9465;"), std::string::npos) << text;
  EXPECT_NE(text.find("mode = \"0640\""), std::string::npos) << text;
  auto again = load_ca_config_string(text);
  ASSERT_TRUE(again) << config::to_string(again.error()) << "\n" << text;
  ASSERT_TRUE(again->ops.metrics && again->ops.control);
  EXPECT_EQ(again->ops.metrics->port, 9465);
  EXPECT_EQ(again->ops.metrics->timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(again->ops.control->path, "/run/tandem/ca.ctl");
  EXPECT_EQ(again->ops.control->mode, 0640u);
}

TEST(ca_ops_config, when_the_log_group_names_a_file_then_it_is_read_and_dumped_back) {
  auto cfg = load_ca_config_string(with(R"(
  log = { sink = "file"; path = "/var/log/tandem/ca.log"; levels = "info,q931=debug"; };
)"));
  ASSERT_TRUE(cfg) << config::to_string(cfg.error());
  EXPECT_EQ(cfg->log.settings.sink, log::sink_kind::file);
  EXPECT_EQ(cfg->log.settings.path, "/var/log/tandem/ca.log");
  ASSERT_EQ(cfg->log.settings.levels.subsystems.size(), 1u);
  EXPECT_EQ(cfg->log.settings.levels.subsystems[0].first, "q931");
  const auto text = app::dump_config(*cfg);
  EXPECT_NE(text.find(R"(log = { sink = "file"; path = "/var/log/tandem/ca.log"; levels = "info,q931=debug"; };)"),
            std::string::npos)
      << text;
  auto again = load_ca_config_string(text);
  ASSERT_TRUE(again) << config::to_string(again.error());
  EXPECT_EQ(again->log.settings.path, "/var/log/tandem/ca.log");
}

TEST(ca_ops_config, when_the_log_group_is_wrong_then_the_error_names_the_setting) {
  auto cfg = load_ca_config_string(with(R"(
  log = { sink = "file"; path = "ca.log"; };
)"));
  ASSERT_FALSE(cfg);
  const auto text = config::to_string(cfg.error());
  EXPECT_NE(text.find("callagent.log.path"), std::string::npos) << text;
  auto levels = load_ca_config_string(with(R"(
  log = { sink = "syslog"; levels = "warn,sip=chatty"; };
)"));
  ASSERT_FALSE(levels);
  EXPECT_NE(config::to_string(levels.error()).find("callagent.log.levels"), std::string::npos)
      << config::to_string(levels.error());
}

TEST(ca_ops_config, when_example_files_are_loaded_then_each_shows_the_ops_groups) {
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "etc" / "ca")) {
    if (entry.path().extension() != ".cfg") continue;
    auto cfg = load_ca_config_file(entry.path().string());
    ASSERT_TRUE(cfg) << entry.path() << ":\n" << config::to_string(cfg.error());
    ASSERT_TRUE(cfg->ops.metrics.has_value()) << entry.path();
    EXPECT_EQ(cfg->ops.metrics->address, "127.0.0.1") << entry.path();
    EXPECT_EQ(cfg->ops.metrics->port, 9465) << entry.path();
    ASSERT_TRUE(cfg->ops.control.has_value()) << entry.path();
    EXPECT_EQ(cfg->ops.control->path, "/run/tandem/ca.ctl") << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 2u);
}

}  // namespace
}  // namespace tandem::callagent
