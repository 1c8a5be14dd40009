// SIP user agents in a lab: the loader (sip_peers, routes to them), the plan (sipp UAS with
// its ports, the call agent's sip group and route targets), the sipp scenarios generated, the
// reading of sipp's message trace, and the parser's `expect X status N`.
#include <gtest/gtest.h>

#include "common/config/reader.hpp"
#include "lab/runner/driver/sipp_scenarios.hpp"
#include "lab/runner/run/scenario_runner.hpp"
#include "lab/runner/scenario/parser.hpp"
#include "lab/runner/topology/lab_config.hpp"
#include "lab/runner/topology/plan.hpp"

namespace tandem::lab::runner {
namespace {

constexpr const char* with_sip = R"(
lab = {
  name = "s";
  exchanges = ( { name = "A"; subscribers = ( { number = "1001"; behaviour = "manual"; } ); } );
  gateways = ( { name = "gw1"; } );
  sip_peers = ( { name = "alice"; answer_after_ms = 50; codec = "PCMU"; },
                { name = "bob"; behaviour = "reject"; status = 603; } );
  call_agent = { routes = ( { name = "to-alice"; prefix = "05"; strip = 2; to = "alice"; codecs = [ "PCMU" ]; },
                            { prefix = "01"; strip = 2; to = "A"; } ); };
  spans = ( { master = "A"; slave = "gw1"; } );
};
)";

port_allocation sip_ports() {
  port_allocation p;
  p.ca_mgcp = 40001;
  p.ca_backhaul = 40002;
  p.ca_sip = 40003;
  p.gateways["gw1"] = {40011, 41000, 41127};
  p.sip_peers["alice"] = {40021, 42000};
  p.sip_peers["bob"] = {40031, 42004};
  return p;
}

TEST(sip_ua, when_a_lab_has_sip_peers_then_they_load_and_routes_may_reach_them) {
  auto lab = parse_lab_config(with_sip);
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  ASSERT_EQ(lab->sip_peers.size(), 2u);
  EXPECT_EQ(lab->sip_peers[0].codec, "PCMU");
  EXPECT_EQ(lab->sip_peers[0].answer_after.count(), 50);
  EXPECT_EQ(lab->sip_peers[1].behaviour, sip_behaviour::reject);
  EXPECT_EQ(lab->sip_peers[1].status, 603);
  EXPECT_EQ(lab->node_names(), (std::vector<std::string>{"A", "gw1", "alice", "bob", "ca"}));
}

TEST(sip_ua, when_planned_then_sipp_runs_as_uas_and_the_call_agent_knows_its_peers) {
  auto lab = parse_lab_config(with_sip);
  ASSERT_TRUE(lab.has_value());
  auto plan = plan_topology(*lab, "/tmp/run4", "/tmp/run4/sockets", sip_ports());
  ASSERT_TRUE(plan.has_value()) << plan.error();
  const process_plan* alice = nullptr;
  for (const auto& p : plan->processes)
    if (p.name == "alice") alice = &p;
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->kind, node_kind::sip_ua);
  EXPECT_EQ(alice->program, "sipp");
  EXPECT_EQ(alice->config_path, "/tmp/run4/alice.xml");
  const auto& a = alice->args;
  auto after = [&a](const std::string& flag) {
    for (std::size_t i = 0; i + 1 < a.size(); ++i)
      if (a[i] == flag) return a[i + 1];
    return std::string();
  };
  EXPECT_EQ(after("-sf"), "/tmp/run4/alice.xml");
  EXPECT_EQ(after("-p"), "40021");
  EXPECT_EQ(after("-mp"), "42000");
  EXPECT_NE(std::find(a.begin(), a.end(), "-rtp_echo"), a.end());
  EXPECT_NE(alice->config_text.find("m=audio [media_port] RTP/AVP 0"), std::string::npos) << alice->config_text;
  EXPECT_NE(alice->config_text.find("<pause milliseconds=\"50\"/>"), std::string::npos);

  const auto& ca = plan->processes[1].config_text;  // A, then the call agent
  ASSERT_EQ(plan->processes[1].program, "tandem-ca");
  EXPECT_NE(ca.find("address = \"127.0.0.1\"; port = 40003;"), std::string::npos) << ca;
  EXPECT_NE(ca.find("{ name = \"alice\"; host = \"127.0.0.1\"; port = 40021; keepalive = false; }"), std::string::npos)
      << ca;
  EXPECT_NE(ca.find("targets = ( { sip_peer = \"alice\"; } )"), std::string::npos) << ca;
  for (const auto& p : plan->processes)
    if (p.program != "sipp") {
      auto doc = config::document::load_string(p.config_text);
      EXPECT_TRUE(doc.has_value()) << p.name << ":\n" << p.config_text;
    }
}

TEST(sip_ua, when_a_sip_lab_is_wrong_then_the_errors_say_where) {
  auto r = parse_lab_config(R"(lab = {
  exchanges = ( { name = "A"; }, { name = "B"; mode = "cpe"; } );
  sip_peers = ( { name = "alice"; }, { name = "A"; } );
  spans = ( { master = "A"; slave = "B"; }, { master = "alice"; slave = "B"; } );
};)");
  ASSERT_FALSE(r.has_value());
  const auto e = config::to_string(r.error());
  EXPECT_NE(e.find("call_agent: missing: SIP user agents talk to the call agent"), std::string::npos) << e;
  EXPECT_NE(e.find("lab.sip_peers.[1].name: node \"A\" is defined twice"), std::string::npos) << e;
  EXPECT_NE(e.find("\"alice\" is a SIP user agent: it has no spans"), std::string::npos) << e;
}

TEST(sip_ua, when_a_rejecting_peer_or_a_caller_is_generated_then_the_sipp_scenarios_say_so) {
  sip_ua_node bob;
  bob.name = "bob";
  bob.behaviour = sip_behaviour::reject;
  bob.status = 486;
  const auto uas = sipp_uas_xml(bob);
  EXPECT_NE(uas.find("SIP/2.0 486 Busy Here"), std::string::npos) << uas;
  EXPECT_EQ(uas.find("200 OK"), std::string::npos) << uas;
  const auto uac = sipp_uac_xml("5001", "PCMA");
  EXPECT_NE(uac.find("From: <sip:5001@[local_ip]:[local_port]>"), std::string::npos) << uac;
  EXPECT_NE(uac.find("m=audio [media_port] RTP/AVP 8"), std::string::npos);
  EXPECT_NE(uac.find("<recv response=\"486\" optional=\"true\" next=\"error\"/>"), std::string::npos);
  EXPECT_NE(uac.find("<recv request=\"BYE\"/>"), std::string::npos);
}

TEST(sip_ua, when_sipps_trace_is_read_then_each_message_has_its_direction_and_start_line) {
  const char* trace =
      "----------------------------------------------- 2026-11-25 03:23:50.1\n"
      "UDP message sent (512 bytes):\n\nINVITE sip:02012001@127.0.0.1:40003 SIP/2.0\nVia: x\n\n"
      "----------------------------------------------- 2026-11-25 03:23:50.2\n"
      "UDP message received [300] bytes :\n\nSIP/2.0 100 Trying\nVia: x\n\n"
      "----------------------------------------------- 2026-11-25 03:23:50.3\n"
      "UDP message received [300] bytes :\n\nSIP/2.0 486 Busy Here\nVia: x\n\n"
      "----------------------------------------------- 2026-11-25 03:23:50.4\n"
      "UDP message received [300] bytes :\n\nBYE sip:5001@127.0.0.1 SIP/2.0\n\n"
      "----------------------------------------------- 2026-11-25 03:23:50.5\n"
      "UDP message received [300] bytes :\n\nSIP/2.0 2";  // being written
  const auto m = parse_sipp_trace(trace);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_FALSE(m[0].received);
  EXPECT_EQ(m[0].method, "INVITE");
  EXPECT_TRUE(m[1].received);
  EXPECT_EQ(m[1].status, 100);
  EXPECT_EQ(m[2].status, 486);
  EXPECT_EQ(m[3].method, "BYE");
  EXPECT_FALSE(m[3].status.has_value());
}

TEST(sip_ua, when_a_sip_call_fails_then_its_status_reads_as_the_rfc_3398_cause) {
  EXPECT_EQ(q850_cause_of_sip_status(486), 17);
  EXPECT_EQ(q850_cause_of_sip_status(404), 1);
  EXPECT_EQ(q850_cause_of_sip_status(480), 18);
  EXPECT_EQ(q850_cause_of_sip_status(503), 41);
  EXPECT_EQ(q850_cause_of_sip_status(603), 21);
  EXPECT_FALSE(q850_cause_of_sip_status(200).has_value());
  EXPECT_FALSE(q850_cause_of_sip_status(599).has_value());
}

TEST(sip_ua, when_a_scenario_expects_a_sip_status_then_it_parses_and_is_checked_against_the_lab) {
  auto s = parse_scenarios("scenario \"x\"\ncall alice:5001 -> A:1001 dial 011001\nexpect alice status 486 within 3s\n",
                           "x.scn");
  ASSERT_TRUE(s.has_value()) << to_string(s.error());
  const auto* st = std::get_if<expect_status_step>(&s->front().steps[1].body);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->status, 486);
  EXPECT_EQ(st->leg, leg_role::caller);
  auto lab = parse_lab_config(with_sip);
  ASSERT_TRUE(lab.has_value());
  EXPECT_TRUE(check_against_lab(s->front(), *lab).empty());

  // A SIP leg cannot play or be hung up by the runner; status is for SIP legs only.
  s = parse_scenarios(
      "scenario \"y\"\ncall A:1001 -> alice:5001 dial 055001\nplay alice tone 1000Hz\nexpect A status 200 within 1s\n",
      "y.scn");
  ASSERT_TRUE(s.has_value()) << to_string(s.error());
  auto problems = check_against_lab(s->front(), *lab);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("y.scn:3: alice is a SIP user agent: it cannot answer, hang up, play or hear"),
            std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("y.scn:4: A is not a SIP user agent: status applies to SIP legs"), std::string::npos)
      << problems[1];
}

}  // namespace
}  // namespace tandem::lab::runner
