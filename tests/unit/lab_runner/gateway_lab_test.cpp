// Labs with gateways and a call agent: the loader's checks (spans, routes, codecs, missing
// nodes), the plan (start order, generated tandem-mgw and tandem-ca configs with the
// allocated ports), the parser's `dial` and `expect record`, and the call record reader.
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/config/reader.hpp"
#include "lab/runner/driver/call_records.hpp"
#include "lab/runner/run/scenario_runner.hpp"
#include "lab/runner/scenario/parser.hpp"
#include "lab/runner/topology/lab_config.hpp"
#include "lab/runner/topology/plan.hpp"
#include "lab/runner/topology/ports.hpp"
#include "lab/runner/topology/readiness.hpp"

namespace tandem::lab::runner {
namespace {

constexpr const char* pstn_ip_pstn = R"(
lab = {
  name = "g";
  exchanges = (
    { name = "A"; mode = "network"; subscribers = ( { number = "1001"; behaviour = "manual"; } ); },
    { name = "B"; mode = "network"; subscribers = ( { number = "2001"; } ); }
  );
  gateways = ( { name = "gw1"; }, { name = "gw2"; codecs = [ "G729", "PCMA" ]; echo_cancellation = true; } );
  call_agent = {
    routes = (
      { name = "b-g729"; prefix = "0203"; strip = 4; to = "B"; codecs = [ "G729", "PCMA" ]; },
      { prefix = "0100"; strip = 4; to = "A"; }
    );
  };
  spans = ( { master = "A"; slave = "gw1"; }, { master = "B"; slave = "gw2"; type = "t1"; } );
};
)";

std::string errors_of(std::string_view text) {
  auto r = parse_lab_config(text);
  if (r) return "";
  return config::to_string(r.error());
}

port_allocation some_ports() {
  port_allocation p;
  p.ca_mgcp = 40001;
  p.ca_backhaul = 40002;
  p.gateways["gw1"] = {40011, 41000, 41127};
  p.gateways["gw2"] = {40021, 42000, 42127};
  return p;
}

TEST(gateway_lab, when_a_lab_has_gateways_and_a_call_agent_then_they_load_with_their_settings) {
  auto lab = parse_lab_config(pstn_ip_pstn);
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  ASSERT_EQ(lab->gateways.size(), 2u);
  EXPECT_EQ(lab->gateways[0].codecs, (std::vector<std::string>{"PCMA", "PCMU", "G729", "G723"}));
  EXPECT_EQ(lab->gateways[1].codecs, (std::vector<std::string>{"G729", "PCMA"}));
  EXPECT_TRUE(lab->gateways[1].echo_cancellation);
  ASSERT_TRUE(lab->call_agent.has_value());
  EXPECT_EQ(lab->call_agent->name, "ca");
  ASSERT_EQ(lab->call_agent->routes.size(), 2u);
  EXPECT_EQ(lab->call_agent->routes[1].name, "route-0100");
  EXPECT_EQ(lab->call_agent->routes[1].codecs, (std::vector<std::string>{"PCMA"}));
  EXPECT_EQ(lab->node_names(), (std::vector<std::string>{"A", "B", "gw1", "gw2", "ca"}));
  ASSERT_EQ(lab->gateway_spans("gw2").size(), 1u);
  EXPECT_EQ(lab->gateway_spans("gw2")[0]->master, "B");
}

TEST(gateway_lab, when_planned_then_exchanges_start_first_then_the_call_agent_then_the_gateways) {
  auto lab = parse_lab_config(pstn_ip_pstn);
  ASSERT_TRUE(lab.has_value());
  auto plan = plan_topology(*lab, "/tmp/run2", "/tmp/run2/sockets", some_ports());
  ASSERT_TRUE(plan.has_value()) << plan.error();
  ASSERT_EQ(plan->processes.size(), 5u);
  EXPECT_EQ(plan->processes[0].name, "A");
  EXPECT_EQ(plan->processes[1].name, "B");
  EXPECT_EQ(plan->processes[2].name, "ca");
  EXPECT_EQ(plan->processes[2].program, "tandem-ca");
  EXPECT_EQ(plan->processes[2].args, (std::vector<std::string>{"--config", "/tmp/run2/ca.cfg"}));
  EXPECT_TRUE(plan->processes[2].port_file.empty());
  EXPECT_EQ(plan->processes[3].program, "tandem-mgw");
  EXPECT_EQ(plan->cdr_path, "/tmp/run2/cdr.csv");

  const auto& gw1 = plan->processes[3].config_text;
  EXPECT_NE(gw1.find("port = 40011; domain = \"gw1\""), std::string::npos) << gw1;
  EXPECT_NE(gw1.find("call_agent = { address = \"127.0.0.1\"; port = 40001;"), std::string::npos) << gw1;
  EXPECT_NE(gw1.find("port_min = 41000; port_max = 41127;"), std::string::npos) << gw1;
  EXPECT_NE(gw1.find("socket = \"/tmp/run2/sockets/span1-A-gw1.sock\"; mode = \"connect\""), std::string::npos) << gw1;
  EXPECT_NE(gw1.find("backhaul = { address = \"127.0.0.1\"; port = 40002;"), std::string::npos) << gw1;
  EXPECT_NE(gw1.find("echo_cancellation = false"), std::string::npos) << gw1;
  const auto& gw2 = plan->processes[4].config_text;
  EXPECT_NE(gw2.find("enabled = [ \"G729\", \"PCMA\" ]"), std::string::npos) << gw2;
  EXPECT_NE(gw2.find("type = \"t1\""), std::string::npos) << gw2;

  const auto& ca = plan->processes[2].config_text;
  EXPECT_NE(ca.find("mgcp_address = \"127.0.0.1\"; mgcp_port = 40001;"), std::string::npos) << ca;
  EXPECT_NE(ca.find("cdr = { path = \"/tmp/run2/cdr.csv\"; };"), std::string::npos) << ca;
  EXPECT_NE(ca.find("{ name = \"gw1\"; address = \"127.0.0.1\"; port = 40011; endpoint_pattern = \"ds/e1-{span}/{channel}\""),
            std::string::npos) << ca;
  EXPECT_NE(ca.find("endpoint_pattern = \"ds/t1-{span}/{channel}\""), std::string::npos) << ca;
  EXPECT_NE(ca.find("name = \"gw2-1\"; gateway = \"gw2\"; hunting = \"descending\"; signalling = \"pri\"; switch_type = \"ni2\""),
            std::string::npos) << ca;
  EXPECT_NE(ca.find("channels = \"1-15,17-31\""), std::string::npos) << ca;
  EXPECT_NE(ca.find("channels = \"1-23\""), std::string::npos) << ca;
  EXPECT_NE(ca.find("name = \"b-g729\"; prefix = \"0203\"; strip = 4; prepend = \"\"; codecs = [ \"G729\", \"PCMA\" ];"),
            std::string::npos) << ca;
  EXPECT_NE(ca.find("targets = ( { trunk_group = \"gw2-1\"; } )"), std::string::npos) << ca;
  EXPECT_NE(ca.find("targets = ( { trunk_group = \"gw1-1\"; } )"), std::string::npos) << ca;
}

TEST(gateway_lab, when_gateways_have_several_spans_then_every_generated_config_is_valid_libconfig) {
  auto lab = parse_lab_config(R"(lab = {
  exchanges = ( { name = "A"; }, { name = "B"; } );
  gateways = ( { name = "gw1"; }, { name = "gw2"; } );
  call_agent = { routes = ( { prefix = "02"; to = "B"; }, { prefix = "01"; to = "A"; } ); };
  spans = ( { master = "A"; slave = "gw1"; }, { master = "B"; slave = "gw2"; },
            { master = "A"; slave = "gw1"; }, { master = "B"; slave = "gw2"; } );
};)");
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  auto plan = plan_topology(*lab, "/tmp/run3", "/tmp/run3/sockets", some_ports());
  ASSERT_TRUE(plan.has_value()) << plan.error();
  for (const auto& p : plan->processes) {
    auto doc = config::document::load_string(p.config_text);
    EXPECT_TRUE(doc.has_value()) << p.name << ":\n" << p.config_text << "\n"
                                 << (doc ? std::string() : config::to_string(doc.error()));
  }
  const auto& ca = plan->processes[2].config_text;
  EXPECT_NE(ca.find("targets = ( { trunk_group = \"gw2-1\"; }, { trunk_group = \"gw2-2\"; } )"), std::string::npos) << ca;
  EXPECT_NE(plan->processes[3].config_text.find("span3-A-gw1.sock"), std::string::npos);
}

TEST(gateway_lab, when_ports_are_allocated_then_they_are_distinct_and_ranges_even_and_wide_enough) {
  auto lab = parse_lab_config(pstn_ip_pstn);
  ASSERT_TRUE(lab.has_value());
  auto ports = allocate_ports(*lab);
  ASSERT_TRUE(ports.has_value()) << ports.error();
  EXPECT_NE(ports->ca_mgcp, 0);
  EXPECT_NE(ports->ca_backhaul, 0);
  ASSERT_EQ(ports->gateways.size(), 2u);
  const auto& g1 = ports->gateways.at("gw1");
  const auto& g2 = ports->gateways.at("gw2");
  EXPECT_NE(g1.mgcp, g2.mgcp);
  EXPECT_NE(g1.mgcp, ports->ca_mgcp);
  for (const auto& g : {g1, g2}) {
    EXPECT_EQ(g.rtp_min % 2, 0);
    EXPECT_EQ(g.rtp_max - g.rtp_min + 1, static_cast<int>(rtp_ports_per_span));
  }
  // The two ranges do not overlap.
  EXPECT_TRUE(g1.rtp_max < g2.rtp_min || g2.rtp_max < g1.rtp_min);
}

TEST(gateway_lab, when_a_gateway_lab_is_wrong_then_each_error_has_its_path_and_line) {
  auto e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; mode = "cpe"; }, { name = "B"; } );
  gateways = ( { name = "gw1"; codecs = [ "G711" ]; }, { name = "gw2"; } );
  call_agent = { routes = ( { prefix = "01"; to = "C"; }, { prefix = "02"; to = "gw1"; } ); };
  spans = ( { master = "A"; slave = "gw1"; }, { master = "gw2"; slave = "B"; } );
  sip_peers = ( { name = "alice"; behaviour = "hangup"; status = 200; codec = "G729"; } );
};)");
  EXPECT_NE(e.find("lab.gateways.[0].codecs: unknown codec \"G711\""), std::string::npos) << e;
  EXPECT_NE(e.find("lab.call_agent.routes.[0].to: no exchange or SIP user agent named \"C\""), std::string::npos) << e;
  EXPECT_NE(e.find("lab.call_agent.routes.[1].to: no exchange or SIP user agent named \"gw1\""), std::string::npos) << e;
  EXPECT_NE(e.find("\"A\" faces gateway gw1: it must be in network mode"), std::string::npos) << e;
  EXPECT_NE(e.find("\"gw2\" is a gateway: the exchange keeps the clock"), std::string::npos) << e;
  EXPECT_NE(e.find("gateway gw2 is on no span"), std::string::npos) << e;
  EXPECT_NE(e.find("lab.sip_peers.[0].behaviour: expected \"answer\" or \"reject\""), std::string::npos) << e;
  EXPECT_NE(e.find("lab.sip_peers.[0].status"), std::string::npos) << e;
  EXPECT_NE(e.find("lab.sip_peers.[0].codec"), std::string::npos) << e;
  EXPECT_NE(e.find("(line 5)"), std::string::npos) << e;

  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; } );
  gateways = ( { name = "gw1"; } );
  spans = ( { master = "A"; slave = "gw1"; } );
};)");
  EXPECT_NE(e.find("call_agent: missing: gateways need a call agent"), std::string::npos) << e;

  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; }, { name = "B"; mode = "cpe"; } );
  call_agent = { name = "A"; routes = ( { prefix = "0"; to = "B"; } ); };
  spans = ( { master = "A"; slave = "B"; } );
};)");
  EXPECT_NE(e.find("gateways: missing: a call agent needs at least one gateway"), std::string::npos) << e;
  EXPECT_NE(e.find("node \"A\" is defined twice"), std::string::npos) << e;
  EXPECT_NE(e.find("exchange B has no span to a gateway"), std::string::npos) << e;

  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; } );
  gateways = ( { name = "gw1"; } );
  call_agent = { routes = ( ); };
  spans = ( { master = "A"; slave = "gw1"; } );
};)");
  EXPECT_NE(e.find("call_agent.routes: missing"), std::string::npos) << e;

  e = errors_of(R"(lab = {
  exchanges = ( { name = "A"; }, { name = "B"; } );
  gateways = ( { name = "gw1"; } );
  call_agent = { routes = ( { prefix = "0"; to = "B"; } ); };
  spans = ( { master = "A"; slave = "gw1"; }, { master = "B"; slave = "gw1"; type = "t1"; } );
};)");
  EXPECT_NE(e.find("lab.spans.[1].type: gateway gw1 has E1 and T1 spans"), std::string::npos) << e;
}

TEST(gateway_lab, when_the_default_lab_loads_then_it_is_the_pstn_ip_pstn_topology) {
  const char* root = std::getenv("TANDEM_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  auto lab = load_lab_config(std::string(root) + "/etc/lab/default.cfg");
  ASSERT_TRUE(lab.has_value()) << config::to_string(lab.error());
  EXPECT_EQ(lab->exchanges.size(), 2u);
  EXPECT_EQ(lab->gateways.size(), 2u);
  ASSERT_TRUE(lab->call_agent.has_value());
  // One route per IP codec toward B.
  std::vector<std::string> codecs;
  for (const auto& r : lab->call_agent->routes)
    if (r.to == "B") codecs.push_back(r.codecs.front());
  EXPECT_EQ(codecs, (std::vector<std::string>{"PCMA", "PCMU", "G729", "G723"}));
}

TEST(scenario_dial, when_a_call_dials_another_number_then_the_called_leg_keeps_its_own) {
  auto r = parse_scenarios(
      "scenario \"g729\"\ncall A:1001 -> B:2001 dial 02032001\nexpect A answered within 2s\n"
      "expect record codec G729 cause 16 route b-g729 within 3s\n",
      "ok.scn");
  ASSERT_TRUE(r.has_value()) << to_string(r.error());
  const auto& s = r->front();
  EXPECT_EQ(s.call().callee.number, "2001");
  EXPECT_EQ(s.call().dialled(), "02032001");
  const auto* rec = std::get_if<expect_record_step>(&s.steps[2].body);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->codec, "G729");
  EXPECT_EQ(rec->cause, 16);
  EXPECT_EQ(rec->route, "b-g729");
  EXPECT_EQ(rec->within.count(), 3000);
  // Without dial the caller dials the called party's number.
  auto plain = parse_scenarios("scenario \"x\"\ncall A:1 -> B:2\n", "ok.scn");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->front().call().dialled(), "2");
}

TEST(scenario_dial, when_a_scenario_does_not_fit_the_lab_then_check_says_why_before_anything_starts) {
  auto gw_lab = parse_lab_config(pstn_ip_pstn);
  ASSERT_TRUE(gw_lab.has_value());
  auto s = parse_scenarios("scenario \"x\"\ncall gw1:1001 -> B:2001\n", "x.scn");
  ASSERT_TRUE(s.has_value());
  auto problems = check_against_lab(s->front(), *gw_lab);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("x.scn:2: \"gw1\" is a gateway of lab \"g\": calls start and end at exchanges"),
            std::string::npos) << problems[0];

  auto exchanges_only = parse_lab_config(R"(lab = {
  exchanges = ( { name = "A"; mode = "cpe"; }, { name = "B"; } );
  spans = ( { master = "B"; slave = "A"; } );
};)");
  ASSERT_TRUE(exchanges_only.has_value());
  s = parse_scenarios("scenario \"x\"\ncall A:1 -> B:2\nexpect record cause 16 within 1s\n", "x.scn");
  ASSERT_TRUE(s.has_value());
  problems = check_against_lab(s->front(), *exchanges_only);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("x.scn:3: lab \"lab\" has no call agent"), std::string::npos) << problems[0];
}

TEST(call_records, when_the_file_is_read_then_quoted_fields_and_a_partial_last_line_are_handled) {
  auto r = parse_call_records(
      "record,called,codec,route\n"
      "1,02032001,G729,\"b,\"\"g729\"\"\"\n"
      "2,02012002,PCMA,b-pcma\n"
      "3,0201");  // being written
  ASSERT_TRUE(r.has_value()) << r.error();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].at("route"), "b,\"g729\"");
  EXPECT_EQ((*r)[1].at("codec"), "PCMA");
  auto bad = parse_call_records("a,b\n1,2,3\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("line 2: 3 fields, the header has 2"), std::string::npos) << bad.error();
  EXPECT_TRUE(parse_call_records("").has_value());
}

}  // namespace
}  // namespace tandem::lab::runner

namespace tandem::lab::runner {
namespace {

TEST(readiness, when_the_call_agent_log_shows_rsip_audit_and_links_then_the_lab_is_ready) {
  auto lab = parse_lab_config(pstn_ip_pstn);
  ASSERT_TRUE(lab.has_value());
  std::string log =
      "2026-11-25 03:08:35.1 info  [ca] gateway gw1: RSIP restart on * (RD 0 s)\n"
      "2026-11-25 03:08:35.2 info  [ca] gateway gw1: restarting -> in_service on audit_ok\n"
      "2026-11-25 03:08:35.3 info  [ca] q931 gw1 span 1: link up\n"
      "2026-11-25 03:08:35.4 info  [ca] gateway gw2: RSIP restart on * (RD 0 s)\n";
  auto pending = call_agent_pending(log, *lab);
  EXPECT_EQ(pending, (std::vector<std::string>{"gw2 not in service at ca", "PRI link gw2 span 1 down at ca"}));
  log += "2026-11-25 03:08:35.5 info  [ca] gateway gw2: restarting -> in_service on audit_ok\n"
         "2026-11-25 03:08:35.6 info  [ca] q931 gw2 span 1: link up\n";
  EXPECT_TRUE(call_agent_pending(log, *lab).empty());
  EXPECT_EQ(call_agent_pending("", *lab).front(), "gw1 not registered (no RSIP at ca)");
  // A link going down later is not un-readiness here (up waits once); a gateway named like a
  // prefix of another is not confused with it.
  EXPECT_EQ(call_agent_pending("[ca] gateway gw10: RSIP restart on *\n", *lab).front(),
            "gw1 not registered (no RSIP at ca)");
}

}  // namespace
}  // namespace tandem::lab::runner
