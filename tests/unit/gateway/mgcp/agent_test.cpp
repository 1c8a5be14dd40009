#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "codecs/core_codecs.hpp"
#include "common/manual_clock.hpp"
#include "gateway/mgcp/agent.hpp"
#include "gateway/mgcp/packages.hpp"
#include "proto/mgcp/parser.hpp"
#include "tests/unit/gateway/mgcp/fake_media_control.hpp"
#include "tests/unit/gateway/mgcp/recording_notifier.hpp"

namespace tandem::gateway::mgcp::test {
namespace {

namespace m = tandem::mgcp;

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(agent_docs, when_a_failure_reason_exists_then_docs_counters_lists_it) {
  const auto doc = read(std::filesystem::path(TANDEM_SOURCE_DIR) / "docs" / "counters.md");
  ASSERT_FALSE(doc.empty());
  for (int i = 0; i < failure_count; ++i) {
    const auto n = std::string(name(static_cast<failure>(i)));
    EXPECT_NE(doc.find("`" + n + "`"), std::string::npos) << n << " is not documented";
  }
}

class agent_fixture : public ::testing::Test {
 protected:
  agent_fixture() {
    codecs::register_core_codecs(reg_);
    config_.spans = {span_config{1, false, {1, 2}}};
    config_.rtp_endpoints = 1;
    config_.codecs = {"PCMU", "PCMA", "G729"};  // G729 is not in the core: left out
  }
  agent& make() {
    a_ = std::make_unique<agent>(config_, reg_, media_, notifier_, clock_, counters_, [] { return 5u; });
    return *a_;
  }
  m::command parse(const std::string& text) {
    auto p = m::parse_message(text);
    EXPECT_TRUE(p.has_value());
    return std::get<m::command>(*p);
  }
  agent_config config_;
  codecs::registry reg_;
  manual_clock clock_;
  fake_media_control media_;
  recording_notifier notifier_;
  counter_set counters_{"mgcp_agent"};
  std::unique_ptr<agent> a_;
  m::peer ca_{"127.0.0.1", 2727};
};

TEST_F(agent_fixture, when_a_codec_is_not_built_in_then_it_is_not_a_capability) {
  auto& a = make();
  ASSERT_EQ(a.capabilities().size(), 2u);
  EXPECT_EQ(a.capabilities()[1].encoding, "PCMA");
}

TEST_F(agent_fixture, when_every_endpoint_is_busy_then_any_of_gets_410_and_nothing_changes) {
  auto& a = make();
  for (int i = 1; i <= 2; ++i) {
    auto r = a.handle(ca_, parse(fmt::format("CRCX {} ds/e1-1/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly", i)));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, m::return_code::ok);
  }
  auto r = a.handle(ca_, parse("CRCX 3 ds/e1-1/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, m::return_code::no_endpoint_available);
  EXPECT_EQ(a.connection_count(), 2u);
  EXPECT_EQ(media_.live.size(), 2u);
  EXPECT_EQ(counters_.value("crcx.fail.no_endpoint_available"), 1u);
}

/// The local name of the endpoint a CRCX answer names in Z: ("ds/e1-1/2").
std::string created_on(const std::optional<m::response>& r) {
  if (!r || r->params.specific_endpoints.empty()) return {};
  return r->params.specific_endpoints.front().local;
}

TEST_F(agent_fixture, when_the_lowest_endpoints_are_busy_then_any_of_takes_the_lowest_free_one_and_reuses_a_freed_one) {
  config_.spans = {span_config{1, false, {1, 2, 3, 4}}};
  config_.rtp_endpoints = 5;
  auto& a = make();
  // Busy by name: ds/e1-1/1, ds/e1-1/2, rtp/1, rtp/2.
  for (const char* ep : {"ds/e1-1/1", "ds/e1-1/2", "rtp/1", "rtp/2"}) {
    auto r = a.handle(ca_, parse(fmt::format("CRCX 1 {}@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly", ep)));
    ASSERT_TRUE(r && r->code == m::return_code::ok) << ep;
  }
  auto r = a.handle(ca_, parse("CRCX 2 rtp/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "rtp/3");
  r = a.handle(ca_, parse("CRCX 3 ds/e1-1/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "ds/e1-1/3");
  // "ds/$" and "*"-free "$" forms walk the same index.
  r = a.handle(ca_, parse("CRCX 4 ds/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "ds/e1-1/4");
  // rtp/1 freed by DLCX (every connection of the call) is the lowest free one again.
  r = a.handle(ca_, parse("DLCX 5 rtp/1@mgw.tandem.test MGCP 1.0\nC: 1"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(m::to_int(r->code) / 100, 2) << m::to_int(r->code);
  r = a.handle(ca_, parse("CRCX 6 rtp/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "rtp/1");
}

TEST_F(agent_fixture, when_a_span_goes_out_of_service_then_any_of_skips_its_endpoints_until_it_returns) {
  config_.spans = {span_config{1, false, {1, 2}}, span_config{2, false, {1}}};
  auto& a = make();
  a.set_span_in_service(1, false);
  auto r = a.handle(ca_, parse("CRCX 1 ds/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "ds/e1-2/1");
  r = a.handle(ca_, parse("CRCX 2 ds/e1-1/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, m::return_code::no_endpoint_available);
  a.set_span_in_service(1, true);
  r = a.handle(ca_, parse("CRCX 3 ds/e1-1/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  EXPECT_EQ(created_on(r), "ds/e1-1/1");
}

TEST_F(agent_fixture, when_any_of_names_no_endpoint_at_all_then_500_not_410) {
  auto& a = make();
  auto r = a.handle(ca_, parse("CRCX 1 ds/e1-7/$@mgw.tandem.test MGCP 1.0\nC: 1\nM: recvonly"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, m::return_code::endpoint_unknown);
}

TEST_F(agent_fixture, when_the_agent_is_destroyed_then_its_timers_are_cancelled) {
  config_.max_restart_wait = std::chrono::milliseconds(1000);
  make().start();
  EXPECT_EQ(clock_.pending(), 1u);
  a_.reset();
  EXPECT_EQ(clock_.pending(), 0u);
  clock_.advance(std::chrono::seconds(2));
  EXPECT_TRUE(notifier_.sent_commands.empty());
}

TEST_F(agent_fixture, when_a_peer_is_on_the_allowed_list_with_any_port_then_every_port_is_allowed) {
  config_.allowed_call_agents = {{"10.0.0.1", 0}, {"10.0.0.2", 2727}};
  auto& a = make();
  EXPECT_TRUE(a.is_allowed({"10.0.0.1", 5000}));
  EXPECT_TRUE(a.is_allowed({"10.0.0.2", 2727}));
  EXPECT_FALSE(a.is_allowed({"10.0.0.2", 2728}));
  EXPECT_FALSE(a.is_allowed({"127.0.0.1", 2727}));
}

TEST(packages, when_a_name_is_unqualified_then_it_resolves_in_g_d_t_r_order) {
  m::event_name n;
  n.event = "rto";
  auto r = resolve(n, false);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pkg->name, "R");
  n.event = "oc";
  EXPECT_EQ(resolve(n, false)->pkg->name, "G");
  n.package = "L";
  n.event = "hd";
  EXPECT_EQ(resolve(n, false).error().reason, failure::unknown_package);
  n.package = "D";
  n.event = "zz";
  EXPECT_EQ(resolve(n, false).error().reason, failure::unknown_event);
}

}  // namespace
}  // namespace tandem::gateway::mgcp::test

namespace tandem::gateway::mgcp::test {
namespace {

// Commands built in code (not parsed) reach the agent's own checks of mandatory parameters.
TEST_F(agent_fixture, when_a_command_built_in_code_lacks_a_mandatory_parameter_then_510_names_it) {
  auto& a = make();
  m::command crcx;
  crcx.verb = m::verb::crcx;
  crcx.id = m::transaction_id{77};
  crcx.endpoint = m::parse_endpoint_name("ds/e1-1/1@mgw.tandem.test").value();
  auto r = a.handle(ca_, crcx);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, m::return_code::protocol_error);
  EXPECT_EQ(r->id, m::transaction_id{77});
  EXPECT_EQ(counters_.value("crcx.fail.missing_call_id"), 1u);
  crcx.params.call = m::call_id{"1"};
  r = a.handle(ca_, crcx);
  EXPECT_EQ(counters_.value("crcx.fail.missing_mode"), 1u);
  m::command epcf;
  epcf.verb = m::verb::epcf;
  epcf.endpoint = crcx.endpoint;
  r = a.handle(ca_, epcf);
  EXPECT_EQ(counters_.value("epcf.fail.missing_bearer"), 1u);
  EXPECT_EQ(a.connection_count(), 0u);
}

TEST_F(agent_fixture, when_media_events_arrive_for_an_unknown_endpoint_then_nothing_happens) {
  auto& a = make();
  m::observed_event ev;
  ev.name.package = "D";
  ev.name.event = "5";
  a.on_media_event(endpoint_address{endpoint_kind::e1, 9, 1}, ev);
  EXPECT_TRUE(notifier_.sent_commands.empty());
  EXPECT_EQ(counters_.value("events.observed"), 0u);
}

}  // namespace
}  // namespace tandem::gateway::mgcp::test
