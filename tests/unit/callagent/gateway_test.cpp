/// Gateway management: audits, RSIP methods, lost and returning gateways, keep-alive, and the
/// commands a gateway sends (NTFY, DLCX).
#include <gtest/gtest.h>

#include "proto/mgcp/serializer.hpp"
#include "tests/unit/callagent/harness.hpp"

namespace tandem::callagent::test {
namespace {

using mgcp::restart_method_kind;
using mgcp::verb;

/// A call from mgw1 channel 1 to mgw2, answered. Returns (originating ref, far SETUP).
std::pair<q931_call_ref, fake_q931_link::message> answered_call(harness& h, unsigned channel = 1) {
  const auto a_ref = h.call_from_a(channel, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_connect(setup.ref);
  h.run_ms(10);
  return {a_ref, setup};
}

TEST(gateways, when_started_then_each_gateway_is_audited_and_its_circuits_unblocked) {
  harness h;
  EXPECT_EQ(h.ca->circuits().count(circuit_state::blocked), 8u);
  h.start();
  EXPECT_EQ(h.gw("mgw1").sent(verb::auep, "*").size(), 1u);
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::in_service);
  EXPECT_EQ(h.ca->circuits().count(circuit_state::idle), 8u);
}

TEST(gateways, when_audit_does_not_list_an_endpoint_then_its_circuit_stays_blocked) {
  harness h;
  h.gw("mgw2").endpoints = {"ds/e1-1/1", "ds/e1-1/2", "ds/e1-1/3"};
  h.start();
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 3u);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 1u);
  EXPECT_EQ(h.counters.value("audit.endpoint_missing"), 1u);
}

TEST(gateways, when_circuits_are_blocked_then_incoming_setup_is_refused_with_44) {
  harness h;
  h.ca->start();
  h.link("mgw1").up();
  h.gw("mgw1").answering = false;  // never comes into service
  h.run_ms(20);
  auto ref = h.link("mgw1").incoming(1, "02015551234", "1");
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref)[0].cause, 44);
  h.run_ms(5);
  EXPECT_EQ(h.ca->q931_refs(), 0u);
  EXPECT_EQ(h.counters.value("q931.unknown_ref"), 0u);  // the RELEASE was expected
}

TEST(gateways, when_gateway_restarts_mid_call_then_calls_cleared_and_circuits_unblocked_after) {
  harness h;
  h.start();
  auto [a_ref, setup] = answered_call(h);
  h.gw("mgw2").connections.clear();  // a restarted gateway has no connections
  h.gw("mgw2").send_rsip("*", restart_method_kind::restart, 2);
  h.run_ms(10);
  ASSERT_FALSE(h.gw("mgw2").responses.empty());
  EXPECT_EQ(h.gw("mgw2").responses.back().code, mgcp::return_code::ok);
  // The caller is cleared; no DLCX goes to the restarted gateway.
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 41);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(h.gw("mgw2").count(verb::dlcx), 0u);
  EXPECT_EQ(h.gw("mgw1").count(verb::dlcx), 1u);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::restarting);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 4u);
  // RD = 2 s, then the audit, then back in service.
  h.run(std::chrono::seconds(3));
  EXPECT_EQ(h.gw("mgw2").sent(verb::auep, "*").size(), 2u);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 4u);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.at(0).released_by, released_by::gateway);
}

TEST(gateways, when_gateway_goes_graceful_then_no_new_calls_and_old_ones_cleared_after_delay) {
  harness h;
  h.start();
  auto [a_ref, setup] = answered_call(h);
  h.gw("mgw2").send_rsip("*", restart_method_kind::graceful, 10);
  h.run_ms(10);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::draining);
  EXPECT_EQ(h.ca->active_calls(), 1u);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 3u);
  // A new call toward mgw2 finds nothing.
  auto ref2 = h.call_from_a(2, "02015550000");
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", ref2).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref2)[0].cause, 34);
  h.run(std::chrono::seconds(11));
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::out_of_service);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  // The gateway still answers: its connection is deleted properly.
  EXPECT_EQ(h.gw("mgw2").count(verb::dlcx), 1u);
  h.expect_nothing_left();
}

TEST(gateways, when_graceful_is_cancelled_then_circuits_come_back) {
  harness h;
  h.start();
  h.gw("mgw2").send_rsip("*", restart_method_kind::graceful, 10);
  h.run_ms(10);
  h.gw("mgw2").send_rsip("*", restart_method_kind::cancel_graceful);
  h.run_ms(10);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 4u);
  h.run(std::chrono::seconds(20));
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
}

TEST(gateways, when_gateway_is_forced_out_then_calls_cleared_and_circuits_blocked) {
  harness h;
  h.start();
  auto [a_ref, setup] = answered_call(h);
  h.gw("mgw2").connections.clear();
  h.gw("mgw2").send_rsip("*", restart_method_kind::forced);
  h.run_ms(20);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::out_of_service);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 4u);
  h.expect_nothing_left();
}

TEST(gateways, when_one_endpoint_restarts_then_only_its_call_is_cleared) {
  harness h;
  h.start();
  auto [ref1, setup1] = answered_call(h, 1);
  auto [ref2, setup2] = answered_call(h, 2);
  ASSERT_EQ(setup2.channel, 2u);
  h.gw("mgw2").send_rsip("ds/e1-1/1", restart_method_kind::forced);
  h.run_ms(20);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref1).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref2).size(), 0u);
  EXPECT_EQ(h.ca->active_calls(), 1u);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 1u);
}

TEST(gateways, when_gateway_reconnects_then_calls_without_connection_are_cleared) {
  harness h;
  h.start();
  auto [ref1, setup1] = answered_call(h, 1);
  auto [ref2, setup2] = answered_call(h, 2);
  // The gateway lost one call's connection while it could not reach us.
  for (auto it = h.gw("mgw2").connections.begin(); it != h.gw("mgw2").connections.end(); ++it)
    if (it->second.endpoint == "ds/e1-1/1") {
      h.gw("mgw2").connections.erase(it);
      break;
    }
  h.gw("mgw2").send_rsip("*", restart_method_kind::disconnected);
  h.run_ms(20);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  EXPECT_EQ(h.counters.value("audit.connection_missing"), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref1).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", ref2).size(), 0u);
  EXPECT_EQ(h.ca->active_calls(), 1u);
}

TEST(gateways, when_keepalive_goes_unanswered_then_gateway_lost_and_back_when_it_answers) {
  std::string cfg = harness_config;
  cfg.replace(cfg.find("keepalive_ms = 0"), 16, "keepalive_ms = 10000");
  harness h(cfg);
  h.start();
  auto [a_ref, setup] = answered_call(h);
  h.run(std::chrono::seconds(10));
  EXPECT_EQ(h.gw("mgw1").sent(verb::auep, "ds/e1-1/1").size(), 1u);
  h.gw("mgw1").answering = false;
  h.run(std::chrono::seconds(40));
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::disconnected);
  EXPECT_EQ(h.counters.value("gateways.lost"), 1u);
  EXPECT_EQ(h.ca->circuits().count("mgw1", circuit_state::blocked), 4u);
  EXPECT_EQ(h.ca->active_calls(), 0u);
  // mgw2's side of the call was deleted; mgw1's is forgotten with the gateway.
  EXPECT_TRUE(h.gw("mgw2").connections.empty());
  EXPECT_EQ(h.records.records.at(0).cause, 38);
  h.gw("mgw1").answering = true;
  h.gw("mgw1").connections.clear();
  h.run(std::chrono::seconds(30));
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::in_service);
  EXPECT_EQ(h.ca->circuits().count("mgw1", circuit_state::idle), 4u);
}

TEST(gateways, when_gateway_deletes_a_connection_then_call_cleared_with_its_stats) {
  harness h;
  h.start();
  auto [a_ref, setup] = answered_call(h);
  std::string conn = h.gw("mgw2").connections.begin()->first;
  h.gw("mgw2").send_dlcx(conn, 902);
  h.run_ms(20);
  ASSERT_FALSE(h.gw("mgw2").responses.empty());
  EXPECT_EQ(h.gw("mgw2").responses.back().code, mgcp::return_code::ok);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  h.expect_nothing_left();
  const auto& r = h.records.records.at(0);
  EXPECT_EQ(r.released_by, released_by::gateway);
  ASSERT_TRUE(r.terminating.stats);
  EXPECT_EQ(r.terminating.stats->packets_lost, 10);
}

TEST(gateways, when_gateway_deletes_an_unknown_connection_then_515) {
  harness h;
  h.start();
  h.gw("mgw2").send_dlcx("DEAD", 900);
  h.run_ms(10);
  ASSERT_FALSE(h.gw("mgw2").responses.empty());
  EXPECT_EQ(h.gw("mgw2").responses.back().code, mgcp::return_code::incorrect_connection_id);
}

TEST(gateways, when_notify_arrives_then_it_is_answered) {
  harness h;
  h.start();
  h.gw("mgw1").send_ntfy("ds/e1-1/3", "ft");
  h.gw("mgw1").send_ntfy("ds/e1-9/3", "ft");
  h.run_ms(10);
  ASSERT_EQ(h.gw("mgw1").responses.size(), 2u);
  EXPECT_EQ(h.gw("mgw1").responses[0].code, mgcp::return_code::ok);
  EXPECT_EQ(h.gw("mgw1").responses[1].code, mgcp::return_code::endpoint_unknown);
}

TEST(gateways, when_unknown_gateway_sends_rsip_then_it_is_learnt) {
  harness h;
  h.start();
  fake_gateway stranger("mgw9", {}, [&h](const std::string& text) {
    h.clock.schedule_after(std::chrono::milliseconds(1),
                           [&h, text] { h.ca->on_mgcp_datagram(mgcp::peer{"127.0.0.9", 2427}, text); });
  });
  h.network.gateways[mgcp::peer{"127.0.0.9", 2427}] = &stranger;
  stranger.send_rsip("*", restart_method_kind::restart);
  h.run_ms(20);
  ASSERT_FALSE(stranger.responses.empty());
  EXPECT_EQ(stranger.responses[0].code, mgcp::return_code::ok);
  EXPECT_EQ(h.counters.value("gateways.learnt"), 1u);
  EXPECT_EQ(h.ca->state_of("mgw9"), gateway_state::in_service);
}

TEST(gateways, when_rsip_method_is_unknown_then_536) {
  harness h;
  h.start();
  mgcp::command c;
  c.verb = verb::rsip;
  c.id = mgcp::transaction_id{77};
  c.endpoint = mgcp::endpoint_name{"*", {"mgw1", {}}};
  c.params.restart = mgcp::restart_method{restart_method_kind::extension, "X-reboot"};
  h.ca->on_mgcp_datagram(mgcp::peer{"127.0.0.1", 2427}, mgcp::serialize(c));
  h.run_ms(10);
  ASSERT_FALSE(h.gw("mgw1").responses.empty());
  EXPECT_EQ(h.gw("mgw1").responses.back().code, mgcp::return_code::unknown_restart_method);
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::in_service);
}

TEST(gateways, when_gateway_sends_garbage_or_wrong_commands_then_each_gets_an_error_answer) {
  harness h;
  h.start();
  const mgcp::peer mgw1{"127.0.0.1", 2427};
  // A NTFY whose O: does not parse: answered with the parser's code.
  h.ca->on_mgcp_datagram(mgw1, "NTFY 901 ds/e1-1/1@mgw1 MGCP 1.0\r\nO: L/hd(((\r\n");
  // A verb a call agent does not take.
  h.ca->on_mgcp_datagram(mgw1, "CRCX 902 ds/e1-1/1@mgw1 MGCP 1.0\r\nC: 1\r\nM: sendrecv\r\n");
  // A command from nobody the call agent knows.
  h.ca->on_mgcp_datagram(mgcp::peer{"192.0.2.99", 2427}, "NTFY 903 aaln/1@stranger MGCP 1.0\r\nX: 1\r\nO: L/hd\r\n");
  // Not MGCP at all.
  h.ca->on_mgcp_datagram(mgw1, "hello\r\n");
  h.run_ms(10);
  auto& rs = h.gw("mgw1").responses;
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].id, mgcp::transaction_id{901});
  EXPECT_TRUE(mgcp::is_permanent_error(rs[0].code)) << mgcp::to_int(rs[0].code);
  EXPECT_EQ(rs[1].id, mgcp::transaction_id{902});
  EXPECT_EQ(rs[1].code, mgcp::return_code::unknown_command);
  EXPECT_EQ(h.counters.value("mgcp.rx_bad_command"), 1u);
  EXPECT_EQ(h.counters.value("mgcp.rx_unsupported"), 1u);
  EXPECT_EQ(h.counters.value("mgcp.rx_unknown_gateway"), 1u);
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::in_service);
}

TEST(gateways, when_gateway_answers_with_garbage_then_the_call_is_cleared) {
  harness h;
  h.start();
  // mgw2 answers the CRCX with a response whose SDP does not parse.
  h.gw("mgw2").raw_answer = [](const mgcp::command& c) -> std::optional<std::string> {
    if (c.verb != verb::crcx) return std::nullopt;
    return fmt::format("200 {} OK\r\nI: 1\r\n\r\nv=0\r\nthis is not SDP\r\n", c.id.value());
  };
  const auto a_ref = h.call_from_a(1, "02015551234");
  EXPECT_EQ(h.counters.value("mgcp.rx_bad_response"), 1u);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  h.run_ms(20);
  EXPECT_EQ(h.ca->active_calls(), 0u);
  EXPECT_TRUE(h.gw("mgw1").connections.empty());
  EXPECT_EQ(h.ca->circuits().count(circuit_state::busy), 0u);
}

}  // namespace
}  // namespace tandem::callagent::test
