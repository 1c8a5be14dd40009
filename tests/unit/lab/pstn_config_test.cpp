// The tandem-pstn configuration loader: every example in etc/pstn loads, and every mistake is
// reported with its setting path and line.
#include "lab/pstn/pstn_config.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

namespace tandem::lab::pstn {
namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("TANDEM_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

bool mentions(const config::config_errors& errors, std::string_view text) {
  for (const auto& e : errors)
    if (e.to_string().find(text) != std::string::npos) return true;
  return false;
}

TEST(pstn_config, when_loading_every_example_in_etc_pstn_then_each_loads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "etc/pstn")) {
    if (entry.path().extension() != ".cfg") continue;
    auto cfg = load_pstn_config(entry.path().string());
    EXPECT_TRUE(cfg.has_value()) << entry.path() << ": " << (cfg ? "" : config::to_string(cfg.error()));
    if (cfg) {
      EXPECT_FALSE(cfg->spans.empty()) << entry.path();
    }
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(pstn_config, when_the_e1_example_loads_then_its_fields_are_filled) {
  auto cfg = load_pstn_config((source_dir() / "etc/pstn/exchange-e1.cfg").string());
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->side, interface_side::network);
  ASSERT_EQ(cfg->spans.size(), 1u);
  const auto& s = cfg->spans[0];
  EXPECT_EQ(s.type, tdm::span_type::e1);
  EXPECT_EQ(s.switch_kind, switch_type::euroisdn_e1);
  EXPECT_EQ(s.clock, clock_role::master);
  EXPECT_EQ(s.role, socket_role::listen);
  ASSERT_GE(s.subscribers.size(), 4u);
  EXPECT_EQ(s.subscribers[0].answer_after, std::chrono::milliseconds{500});
  EXPECT_EQ(s.subscribers[1].behaviour, subscriber_behaviour::busy);
  EXPECT_EQ(s.subscribers[3].behaviour, subscriber_behaviour::reject);
  EXPECT_EQ(s.subscribers[3].cause, 21);
}

TEST(pstn_config, when_mode_is_cpe_then_spans_default_to_clock_slave) {
  auto cfg = parse_pstn_config(R"(pstn = { mode = "cpe"; spans = ( { number = 1; socket = "/tmp/x"; } ); };)");
  ASSERT_TRUE(cfg.has_value()) << config::to_string(cfg.error());
  EXPECT_EQ(cfg->spans[0].clock, clock_role::slave);
}

TEST(pstn_config, when_the_type_is_t1_then_the_switch_defaults_to_ni2) {
  auto cfg = parse_pstn_config(R"(pstn = { spans = ( { number = 1; type = "t1"; socket = "/tmp/x"; } ); };)");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->spans[0].switch_kind, switch_type::ni2);
}

TEST(pstn_config, when_a_span_type_is_wrong_then_the_error_names_its_path_and_line) {
  auto cfg = parse_pstn_config("pstn = {\n  spans = (\n    { number = 1; socket = \"/tmp/a\"; },\n"
                               "    { number = 2; socket = \"/tmp/b\";\n      type = \"j1\"; }\n  );\n};\n");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(mentions(cfg.error(), "pstn.spans.[1].type: expected \"e1\" or \"t1\" (line 5)"))
      << config::to_string(cfg.error());
}

TEST(pstn_config, when_several_settings_are_wrong_then_all_errors_come_back_together) {
  auto cfg = parse_pstn_config(
      "pstn = {\n mode = \"user\";\n control = { port = 99999; };\n"
      " spans = ( { number = 1; socket = \"/tmp/a\"; tick_ms = 50;\n"
      "   subscribers = ( { number = \"12a\"; behaviour = \"reject\"; cause = 0; } ); } );\n};\n");
  ASSERT_FALSE(cfg.has_value());
  const auto& e = cfg.error();
  EXPECT_TRUE(mentions(e, "pstn.mode: expected \"network\" or \"cpe\" (line 2)")) << config::to_string(e);
  EXPECT_TRUE(mentions(e, "pstn.control.port: 99999 is out of range [0, 65535] (line 3)"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].tick_ms: 50 is out of range [1, 20] (line 4)"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].subscribers.[0].number: expected digits 0-9, * or # (line 5)"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].subscribers.[0].cause: 0 is out of range [1, 127] (line 5)"));
}

TEST(pstn_config, when_a_socket_is_missing_then_it_is_reported_as_required) {
  auto cfg = parse_pstn_config("pstn = {\n spans = ( { number = 1; } );\n};\n");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(mentions(cfg.error(), "pstn.spans.[0].socket: missing")) << config::to_string(cfg.error());
}

TEST(pstn_config, when_there_is_no_pstn_group_then_loading_says_so) {
  auto cfg = parse_pstn_config("gateway = { };\n");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(mentions(cfg.error(), "gateway: unknown setting (line 1)")) << config::to_string(cfg.error());
  EXPECT_TRUE(mentions(cfg.error(), "pstn: missing"));
}

TEST(pstn_config, when_cross_field_rules_break_then_the_validator_reports_each_with_a_line) {
  auto cfg = parse_pstn_config(
      "pstn = {\n spans = (\n  { number = 1; socket = \"/tmp/a\"; switch = \"ni2\";\n"
      "    subscribers = ( { number = \"1\"; }, { number = \"1\"; behaviour = \"busy\"; media = \"echo\"; } ); },\n"
      "  { number = 1; socket = \"/tmp/a\"; }\n );\n};\n");
  ASSERT_FALSE(cfg.has_value());
  const auto& e = cfg.error();
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].switch: \"ni2\" runs on T1 spans only (line 3)")) << config::to_string(e);
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].subscribers.[1].number: subscriber 1 is defined twice (line 4)"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[0].subscribers.[1].media: media applies to answering subscribers only"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[1].number: span 1 is defined twice (line 5)"));
  EXPECT_TRUE(mentions(e, "pstn.spans.[1].socket: socket /tmp/a is used by two spans (line 5)"));
}

TEST(pstn_config, when_a_media_file_is_relative_then_it_resolves_against_the_config_folder) {
  auto cfg = parse_pstn_config(
      "pstn = { media = ( { name = \"hello\"; file = \"sounds/hello.wav\"; } );\n"
      " spans = ( { number = 1; socket = \"/tmp/a\"; } ); };\n",
      "/etc/tandem");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->media[0].file, "/etc/tandem/sounds/hello.wav");
}

}  // namespace
}  // namespace tandem::lab::pstn
