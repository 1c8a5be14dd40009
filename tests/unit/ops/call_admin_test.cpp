/// The call agent's administrative operations (callagent/call_admin.cpp, docs/ctl.md) with the
/// call agent test harness: fake PRI links and fake gateways on a manual clock.
#include <gtest/gtest.h>

#include "tests/unit/callagent/harness.hpp"

namespace tandem::callagent::test {
namespace {

using status = call_agent::admin_status;

class call_admin : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }

  /// A call from mgw1 channel `channel` to tg-b, answered; returns the far SETUP's reference.
  q931_call_ref answered(unsigned channel, q931_call_ref& a_ref) {
    a_ref = h.call_from_a(channel, "02015551234");
    auto setup = h.link("mgw2").last_setup();
    h.link("mgw2").network().on_proceeding(setup.ref, setup.channel);
    h.link("mgw2").network().on_connect(setup.ref);
    h.run_ms(20);
    return setup.ref;
  }

  /// The cause of the first DISCONNECT (or RELEASE) the call agent sent on mgw1 for `ref`.
  int cause_to_a(q931_call_ref ref) {
    for (const auto& m : h.link("mgw1").sent)
      if (m.ref == ref && (m.what == "DISCONNECT" || m.what == "RELEASE")) return m.cause;
    return -1;
  }

  harness h;
};

TEST_F(call_admin, when_circuits_are_blocked_under_a_call_then_it_finishes_and_new_calls_get_34) {
  q931_call_ref a_ref{};
  const auto b_ref = answered(1, a_ref);
  auto r = h.ca->block_circuits("mgw2", 0, 0, true);
  ASSERT_EQ(r.status, status::ok) << r.message;
  EXPECT_NE(r.message.find("1 busy"), std::string::npos) << r.message;
  EXPECT_EQ(h.ca->admin_blocked().size(), 4u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", b_ref).size(), 0u);  // the call up is not touched
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::busy), 1u);

  const auto refused = h.call_from_a(2, "02015550000");
  h.run_ms(20);
  EXPECT_EQ(cause_to_a(refused), 34);

  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(h.records.records.size(), 2u);
  EXPECT_EQ(h.records.records.back().cause, 16);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 4u);  // freed into blocked

  ASSERT_EQ(h.ca->block_circuits("mgw2", 1, 3, false).status, status::ok);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 1u);
  h.call_from_a(3, "02015551111");
  EXPECT_EQ(h.link("mgw2").last_setup().channel, 3u);  // the one unblocked channel
  EXPECT_EQ(h.counters.value("admin.block"), 1u);
  EXPECT_EQ(h.counters.value("admin.unblock"), 1u);
}

TEST_F(call_admin, when_the_gateway_restarts_then_its_audit_keeps_the_administrative_block) {
  ASSERT_EQ(h.ca->block_circuits("mgw2", 1, 2, true).status, status::ok);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 1u);
  // RFC 3435 §4.4.6: RSIP restart with RD 1 s; the call agent audits the gateway after it.
  h.gw("mgw2").send_rsip("*", mgcp::restart_method_kind::restart, 1);
  h.run(std::chrono::seconds(2));
  ASSERT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  EXPECT_GE(h.gw("mgw2").sent(mgcp::verb::auep, "*").size(), 2u);  // audited again
  // The audit listed every endpoint: the three others are back, the blocked one is not.
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 3u);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 1u);
  const auto i = h.ca->circuits().find("mgw2", 1, 2);
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(h.ca->circuits().at(*i).state, circuit_state::blocked);
  EXPECT_EQ(h.ca->admin_blocked().size(), 1u);

  // Unblocked, it follows the audit again: idle.
  ASSERT_EQ(h.ca->block_circuits("mgw2", 1, 2, false).status, status::ok);
  EXPECT_EQ(h.ca->circuits().at(*i).state, circuit_state::idle);
}

TEST(call_admin_audit, when_an_endpoint_missing_from_the_audit_is_unblocked_then_it_stays_blocked) {
  harness h;
  h.gw("mgw2").endpoints = {"ds/e1-1/1", "ds/e1-1/3", "ds/e1-1/4"};  // the audit will not list 1/2
  h.start();
  const auto i = h.ca->circuits().find("mgw2", 1, 2);
  ASSERT_TRUE(i.has_value());
  ASSERT_EQ(h.ca->circuits().at(*i).state, circuit_state::blocked);
  ASSERT_EQ(h.ca->block_circuits("mgw2", 1, 2, true).status, status::ok);
  // Unblocking lifts only the operator's input, not what the audit found.
  ASSERT_EQ(h.ca->block_circuits("mgw2", 1, 2, false).status, status::ok);
  EXPECT_EQ(h.ca->circuits().at(*i).state, circuit_state::blocked);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::idle), 3u);
}

TEST_F(call_admin, when_a_circuit_is_unknown_then_the_answer_says_so) {
  EXPECT_EQ(h.ca->block_circuits("mgw9", 0, 0, true).status, status::unknown_object);
  const auto r = h.ca->block_circuits("mgw2", 1, 30, true);
  EXPECT_EQ(r.status, status::unknown_object);
  EXPECT_NE(r.message.find("1/30"), std::string::npos) << r.message;
  EXPECT_TRUE(h.ca->admin_blocked().empty());
}

TEST_F(call_admin, when_a_gateway_drains_then_new_calls_get_34_and_undrain_restores_it) {
  q931_call_ref a_ref{};
  const auto b_ref = answered(1, a_ref);
  ASSERT_EQ(h.ca->drain_gateway("mgw2", true).status, status::ok);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::draining);
  EXPECT_EQ(h.ca->drain_gateway("mgw2", true).status, status::ok);  // already: no change
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", b_ref).size(), 0u);
  const auto refused = h.call_from_a(2, "02015550000");
  h.run_ms(20);
  EXPECT_EQ(cause_to_a(refused), 34);

  ASSERT_EQ(h.ca->drain_gateway("mgw2", false).status, status::ok);
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
  h.call_from_a(3, "02015551111");
  EXPECT_EQ(h.link("mgw2").last_setup().channel, 2u);  // channel 1 still holds the first call
  EXPECT_EQ(h.ca->drain_gateway("mgw9", true).status, status::unknown_object);
  EXPECT_EQ(h.counters.value("gateway.illegal_event"), 0u);
}

TEST_F(call_admin, when_a_gateway_is_not_in_service_then_drain_is_a_conflict) {
  h.gw("mgw2").answering = false;
  for (int i = 0; i < 30 && h.ca->state_of("mgw2") != gateway_state::disconnected; ++i) {
    h.call_from_a(1, "02015551234");  // commands to mgw2 go unanswered until Max2
    h.run(std::chrono::seconds(10));
  }
  ASSERT_EQ(h.ca->state_of("mgw2"), gateway_state::disconnected);
  EXPECT_EQ(h.ca->drain_gateway("mgw2", true).status, status::conflict);
  EXPECT_EQ(h.ca->drain_gateway("mgw2", false).status, status::conflict);
}

TEST_F(call_admin, when_a_call_is_released_then_both_sides_get_the_cause_and_the_record_says_call_agent) {
  q931_call_ref a_ref{};
  const auto b_ref = answered(1, a_ref);
  ASSERT_EQ(h.ca->call_ids().size(), 1u);
  const auto id = h.ca->call_ids().front();
  ASSERT_EQ(h.ca->release_call(id, cause::normal_unspecified).status, status::ok);
  h.run_ms(50);
  EXPECT_EQ(cause_to_a(a_ref), 31);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", b_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", b_ref)[0].cause, 31);
  ASSERT_EQ(h.records.records.size(), 1u);
  EXPECT_EQ(h.records.records[0].released_by, released_by::call_agent);
  EXPECT_EQ(h.ca->release_call(id, cause::normal_clearing).status, status::unknown_object);
  h.expect_nothing_left();
}

TEST_F(call_admin, when_routes_are_reloaded_then_calls_up_keep_theirs_and_new_calls_take_the_new_ones) {
  q931_call_ref a_ref{};
  answered(1, a_ref);
  auto fresh = h.config;
  fresh.routes.clear();
  route_config r;
  r.name = "only-a";
  r.match = "07";
  r.targets = {{target_kind::trunk_group, "tg-a"}};
  fresh.routes.push_back(r);
  ASSERT_EQ(h.ca->reload_routes(fresh).status, status::ok);
  EXPECT_EQ(h.ca->config().routes.size(), 1u);
  // The call up still finds its route (it was given "to-b" before the reload).
  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(h.records.records.size(), 1u);
  EXPECT_EQ(h.records.records[0].route, "to-b");
  // 0201... has no route any more: unallocated (1).
  const auto gone = h.call_from_a(2, "02015551234");
  EXPECT_EQ(cause_to_a(gone), 1);

  auto broken = h.config;
  broken.routes.front().targets = {{target_kind::trunk_group, "tg-z"}};
  const auto refused = h.ca->reload_routes(broken);
  EXPECT_EQ(refused.status, status::bad_arguments);
  EXPECT_NE(refused.message.find("tg-z"), std::string::npos) << refused.message;
  EXPECT_EQ(h.ca->config().routes.front().name, "only-a");  // unchanged
}

}  // namespace
}  // namespace tandem::callagent::test
