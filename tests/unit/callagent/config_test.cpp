/// The call agent's configuration loader: the example files, and errors named by path.
#include <filesystem>

#include <gtest/gtest.h>

#include "callagent/ca_config.hpp"
#include "callagent/call_agent.hpp"
#include "common/manual_clock.hpp"

namespace tandem::callagent {
namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("TANDEM_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string errors_of(std::string_view text) {
  auto cfg = load_ca_config_string(text);
  return cfg ? std::string{} : config::to_string(cfg.error());
}

TEST(ca_config, when_example_files_are_loaded_then_each_is_valid) {
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "etc" / "ca")) {
    if (entry.path().extension() != ".cfg") continue;
    auto cfg = load_ca_config_file(entry.path().string());
    EXPECT_TRUE(cfg) << entry.path() << ":\n" << (cfg ? "" : config::to_string(cfg.error()));
    if (cfg) {
      EXPECT_FALSE(cfg->gateways.empty()) << entry.path();
      EXPECT_FALSE(cfg->routes.empty()) << entry.path();
    }
    ++loaded;
  }
  EXPECT_GE(loaded, 2u);
}

TEST(ca_config, when_pstn_example_is_loaded_then_values_are_as_written) {
  auto cfg = load_ca_config_file((source_dir() / "etc/ca/pstn-ip-pstn.cfg").string());
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->gateways.size(), 2u);
  EXPECT_EQ(cfg->gateways[1].port, 2428);
  EXPECT_EQ(cfg->gateways[0].domain, "mgw1");
  ASSERT_EQ(cfg->trunk_groups.size(), 2u);
  EXPECT_EQ(cfg->trunk_groups[0].hunting, hunting::descending);
  EXPECT_EQ(cfg->trunk_groups[0].spans[0].channels.size(), 30u);
  EXPECT_EQ(cfg->routes[0].codecs, (std::vector<std::string>{"G729", "PCMA"}));
  EXPECT_EQ(cfg->routes[0].called.strip, 4u);
  EXPECT_EQ(cfg->normalise.size(), 2u);
  EXPECT_EQ(cfg->timers.no_answer, std::chrono::milliseconds(90'000));
  EXPECT_EQ(cfg->backhaul.port, 2944);
  EXPECT_EQ(cfg->mgcp_address, "0.0.0.0");
  EXPECT_EQ(cfg->trunk_groups[1].signalling, trunk_signalling::pri);
  EXPECT_EQ(cfg->trunk_groups[1].switch_kind, isdn::switch_type::euroisdn_e1);
}

TEST(ca_config, when_t1_example_is_loaded_then_spans_speak_ni2_and_backhaul_port_is_any) {
  auto cfg = load_ca_config_file((source_dir() / "etc/ca/route-advance.cfg").string());
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->backhaul.address, "127.0.0.1");
  EXPECT_EQ(cfg->backhaul.port, 0);
  EXPECT_EQ(cfg->trunk_groups[0].switch_kind, isdn::switch_type::ni2);
}

TEST(ca_config, when_signalling_or_switch_type_is_unknown_then_error_names_the_setting) {
  const std::string e = errors_of(R"(callagent = {
  backhaul = { port = 70000; };
  gateways = ( { name = "g"; } );
  trunk_groups = ( { name = "t"; gateway = "g"; signalling = "cas"; switch_type = "dms100";
                     spans = ( { span = 1; channels = "1-23"; } ); } );
  routes = ( { name = "r"; prefix = "1"; targets = ( { trunk_group = "t"; } ); } );
};)");
  EXPECT_NE(e.find("callagent.backhaul.port"), std::string::npos) << e;
  EXPECT_NE(e.find("signalling"), std::string::npos) << e;
  EXPECT_NE(e.find("switch_type"), std::string::npos) << e;
}

TEST(ca_config, when_setting_is_wrong_then_error_names_its_path_and_line) {
  const std::string e = errors_of(R"(callagent = {
  gateways = ( { name = "g"; port = 70000; } );
  trunk_groups = ( { name = "t"; gateway = "g"; hunting = "random";
                     spans = ( { span = 1; channels = "1-40"; } ); } );
  routes = ( { name = "r"; prefix = "1"; pattern = "2"; targets = ( { trunk_group = "t"; } ); } );
};)");
  EXPECT_NE(e.find("callagent.gateways.[0].port"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.trunk_groups.[0].hunting"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.trunk_groups.[0].spans.[0].channels"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.routes.[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("exactly one of prefix or pattern"), std::string::npos) << e;
  EXPECT_NE(e.find("(line 2)"), std::string::npos) << e;
}

TEST(ca_config, when_names_do_not_resolve_then_cross_field_errors_name_them) {
  const std::string e = errors_of(R"(callagent = {
  gateways = ( { name = "g"; }, { name = "g"; } );
  trunk_groups = ( { name = "t"; gateway = "nowhere"; spans = ( { span = 1; channels = "1-2"; } ); },
                   { name = "u"; gateway = "g"; spans = ( { span = 1; channels = "1-2"; } ); },
                   { name = "v"; gateway = "g"; spans = ( { span = 1; channels = "2-3"; } ); } );
  routes = ( { name = "r"; prefix = "1"; codecs = [ "OPUS" ]; targets = ( { trunk_group = "missing"; } ); } );
};)");
  EXPECT_NE(e.find("callagent.gateways.[1].name: duplicate gateway \"g\""), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.trunk_groups.[0].gateway: unknown gateway \"nowhere\""), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.trunk_groups.[2].spans.[0].channels: span 1 channel 2"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.routes.[0].targets.[0].trunk_group: unknown trunk group \"missing\""),
            std::string::npos) << e;
  EXPECT_NE(e.find("callagent.routes.[0].codecs.[0]: unknown codec \"OPUS\""), std::string::npos) << e;
}

TEST(ca_config, when_addresses_are_malformed_then_they_are_reported) {
  const std::string e = errors_of(R"(callagent = {
  notified_entity = "ca@@x";
  gateways = ( { name = "g"; address = ""; domain = "bad domain"; } );
};)");
  EXPECT_NE(e.find("callagent.notified_entity"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.gateways.[0].address"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.gateways.[0].domain"), std::string::npos) << e;
}

TEST(ca_config, when_setting_name_is_misspelt_then_it_is_reported) {
  const std::string e = errors_of(R"(callagent = { gatways = (); };)");
  EXPECT_NE(e.find("gatways"), std::string::npos) << e;
}

TEST(ca_config, when_pattern_or_prefix_is_bad_then_offset_is_given) {
  const std::string e = errors_of(R"(callagent = {
  routes = ( { name = "r"; pattern = "02.1"; targets = ( { sip_peer = "p"; } ); },
             { name = "s"; prefix = "12a"; prepend = "x"; targets = ( { user = "alice"; } ); } );
};)");
  EXPECT_NE(e.find("callagent.routes.[0].pattern: '.' and '!' must end the pattern at offset 2"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.routes.[1].prefix"), std::string::npos) << e;
  EXPECT_NE(e.find("callagent.routes.[1].prepend"), std::string::npos) << e;
}

TEST(ca_config, when_file_is_missing_or_broken_then_error_is_a_value) {
  EXPECT_FALSE(load_ca_config_file("/nonexistent/ca.cfg"));
  const std::string e = errors_of("callagent = { routes = ( ; };");
  EXPECT_FALSE(e.empty());
  EXPECT_NE(errors_of("other = 1;").find("callagent"), std::string::npos);
}

TEST(ca_config, when_example_drives_a_call_agent_then_its_circuits_and_endpoints_are_built) {
  struct null_transport final : mgcp_transport {
    std::vector<std::string> sent;
    void send(const mgcp::peer&, std::string_view d) override { sent.emplace_back(d); }
  } transport;
  auto cfg = load_ca_config_file((source_dir() / "etc/ca/route-advance.cfg").string());
  ASSERT_TRUE(cfg);
  manual_clock clock;
  counter_set counters("ca");
  recording_cdr_sink records;
  call_agent ca(*cfg, clock, [] { return std::chrono::system_clock::time_point{}; }, transport, &records, counters);
  EXPECT_EQ(ca.circuits().size(), 46u);
  EXPECT_TRUE(ca.circuits().find_endpoint("edge", "ds/t1-2/23"));
  ca.start();
  clock.advance(std::chrono::milliseconds(1));
  ASSERT_FALSE(transport.sent.empty());
  EXPECT_NE(transport.sent[0].find("AUEP"), std::string::npos);
  EXPECT_NE(transport.sent[0].find("*@edge.example.net"), std::string::npos);
}

}  // namespace
}  // namespace tandem::callagent
