// The lab config loader and the topology plan: nodes, spans, start order, generated
// exchange configs (checked with the exchange's own loader), and config errors with lines.
#include <gtest/gtest.h>

#include <cstdlib>

#include "lab/runner/topology/lab_config.hpp"
#include "lab/runner/topology/plan.hpp"
#ifdef TANDEM_HAVE_PSTN_LOADER
#include "lab/pstn/pstn_config.hpp"
#endif

namespace tandem::lab::runner {
namespace {

constexpr const char* two_exchanges = R"(
lab = {
  name = "t";
  exchanges = (
    { name = "A"; mode = "cpe"; subscribers = ( { number = "1001"; behaviour = "manual"; } ); },
    { name = "B"; mode = "network";
      subscribers = ( { number = "2001"; answer_after_ms = 100; }, { number = "2002"; behaviour = "busy"; } ); }
  );
  spans = ( { master = "B"; slave = "A"; type = "e1"; } );
};
)";

std::string errors_of(std::string_view text) {
  auto r = parse_lab_config(text);
  if (r) return "";
  return config::to_string(r.error());
}

TEST(lab_config, when_two_exchanges_share_a_span_then_the_plan_starts_the_master_first) {
  auto lab = parse_lab_config(two_exchanges);
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  EXPECT_EQ(lab->name, "t");
  ASSERT_EQ(lab->exchanges.size(), 2u);
  EXPECT_EQ(lab->exchanges[1].subscribers[1].behaviour, pstn::subscriber_behaviour::busy);
  auto plan = plan_topology(*lab, "/tmp/run1", "/tmp/run1/sockets");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  ASSERT_EQ(plan->processes.size(), 2u);
  EXPECT_EQ(plan->processes[0].name, "B");  // creates the socket
  EXPECT_EQ(plan->processes[1].name, "A");
  const auto& b = plan->processes[0];
  EXPECT_EQ(b.program, "tandem-pstn");
  EXPECT_EQ(b.config_path, "/tmp/run1/B.cfg");
  EXPECT_EQ(b.log_path, "/tmp/run1/B.log");
  EXPECT_EQ(b.args, (std::vector<std::string>{"-c", "/tmp/run1/B.cfg", "--port-file", "/tmp/run1/B.port"}));
  ASSERT_EQ(b.spans.size(), 1u);
  EXPECT_EQ(b.spans[0].peer, "A");
  EXPECT_NE(b.config_text.find("\"/tmp/run1/sockets/span1-B-A.sock\""), std::string::npos);
  EXPECT_NE(plan->processes[1].config_text.find("role = \"connect\""), std::string::npos);
}

#ifdef TANDEM_HAVE_PSTN_LOADER
TEST(lab_config, when_a_plan_is_made_then_each_generated_config_passes_the_exchange_loader) {
  auto lab = parse_lab_config(two_exchanges);
  ASSERT_TRUE(lab.has_value());
  auto plan = plan_topology(*lab, "/tmp/run1", "/tmp/run1/sockets");
  ASSERT_TRUE(plan.has_value());
  for (const auto& p : plan->processes) {
    auto cfg = pstn::parse_pstn_config(p.config_text);
    ASSERT_TRUE(cfg.has_value()) << p.name << ":\n" << p.config_text << "\n" << config::to_string(cfg.error());
    ASSERT_EQ(cfg->spans.size(), 1u);
    EXPECT_EQ(cfg->spans[0].socket_path, "/tmp/run1/sockets/span1-B-A.sock");
    EXPECT_EQ(cfg->control.port, 0u);  // a free port, never a fixed one: labs do not collide
    if (p.name == "A") {
      EXPECT_EQ(cfg->side, pstn::interface_side::cpe);
      EXPECT_EQ(cfg->spans[0].role, pstn::socket_role::connect);
      EXPECT_EQ(cfg->spans[0].clock, pstn::clock_role::slave);
      EXPECT_EQ(cfg->spans[0].subscribers[0].behaviour, pstn::subscriber_behaviour::manual);
    } else {
      EXPECT_EQ(cfg->spans[0].role, pstn::socket_role::listen);
      EXPECT_EQ(cfg->spans[0].subscribers.size(), 2u);
      EXPECT_EQ(cfg->spans[0].subscribers[0].answer_after.count(), 100);
    }
  }
}
#endif

TEST(lab_config, when_a_socket_path_is_too_long_then_the_plan_says_so) {
  auto lab = parse_lab_config(two_exchanges);
  ASSERT_TRUE(lab.has_value());
  auto plan = plan_topology(*lab, "/tmp/r", "/tmp/" + std::string(120, 'x'));
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().find("longer than 107 bytes"), std::string::npos);
}

TEST(lab_config, when_the_lab_is_wrong_then_each_error_has_its_path_and_line) {
  EXPECT_NE(errors_of("x = 1;").find("lab: missing"), std::string::npos);
  EXPECT_NE(errors_of("lab = { name = \"x\"; };").find("lab.exchanges: missing"), std::string::npos);
  auto e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; mode = "cpe"; }, { name = "A"; mode = "network"; } );
  spans = ( { master = "A"; slave = "C"; } );
};)");
  EXPECT_NE(e.find("node \"A\" is defined twice"), std::string::npos) << e;
  EXPECT_NE(e.find("no node named \"C\""), std::string::npos) << e;
  EXPECT_NE(e.find("(line 3)"), std::string::npos) << e;
  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; mode = "cpe"; }, { name = "B"; mode = "network"; } );
  spans = ( { master = "A"; slave = "B"; } );
};)");
  EXPECT_NE(e.find("is in cpe mode"), std::string::npos) << e;
  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; mode = "network"; }, { name = "B"; mode = "network"; } );
  spans = ( { master = "A"; slave = "B"; } );
};)");
  EXPECT_NE(e.find("one in network mode and one in cpe mode"), std::string::npos) << e;
  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; subscribers = ( { number = "12a"; behaviour = "dance"; } ); } );
  sip_peers = ( { name = "alice"; } );
  colour = "red";
};)");
  EXPECT_NE(e.find("expected digits"), std::string::npos) << e;
  EXPECT_NE(e.find("behaviour"), std::string::npos) << e;
  EXPECT_NE(e.find("call_agent: missing: SIP user agents talk to the call agent"), std::string::npos) << e;
  EXPECT_NE(e.find("colour"), std::string::npos) << e;
  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; } );
  media = ( { name = "marker"; file = "/nonexistent.wav"; } );
};)");
  EXPECT_NE(e.find("built-in delay marker"), std::string::npos) << e;
  EXPECT_NE(e.find("/nonexistent.wav does not exist"), std::string::npos) << e;
}

TEST(lab_config, when_the_example_labs_load_then_they_are_valid) {
  const char* root = std::getenv("TANDEM_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  auto lab = load_lab_config(std::string(root) + "/etc/lab/exchanges.cfg");
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  EXPECT_EQ(lab->exchanges.size(), 2u);
  ASSERT_EQ(lab->media.size(), 1u);
  EXPECT_TRUE(lab->media[0].file.ends_with("tests/data/audio/speech_8k.wav")) << lab->media[0].file;
}

}  // namespace
}  // namespace tandem::lab::runner
