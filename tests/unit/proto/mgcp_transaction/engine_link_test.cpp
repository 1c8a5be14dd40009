#include "engine_fixture.hpp"

namespace tandem::mgcp::testing {
namespace {

constexpr std::string_view rsip = "RSIP 0 *@mgw.example.net MGCP 1.0\nRM: disconnected\n";

using mgcp_txn_link = engine_test;

TEST_F(mgcp_txn_link, when_max2_reached_then_disconnected_procedure_runs_with_doubling_waits) {
  ASSERT_TRUE(engine->send_command(ca, rsip));
  clk.advance(16'700ms);  // Max2 with u = 0.5 (see the backoff test)
  ASSERT_EQ(notifier.disconnects.size(), 1u);
  EXPECT_EQ(engine->state_of(ca), link_state::disconnected);

  // RFC 3435 §4.4.6: first wait uniform in [1 s, Tdinit = 15 s]: 8 s with u = 0.5.
  clk.advance(7'999ms);
  EXPECT_TRUE(notifier.procedures.empty());
  clk.advance(1ms);
  ASSERT_EQ(notifier.procedures.size(), 1u);
  EXPECT_EQ(engine->state_of(ca), link_state::restarting);

  // The procedure's RSIP fails too: wait doubled (16 s, above Tdmin), no second
  // "disconnected" notification.
  const time_point rsip_sent = clk.now();
  ASSERT_TRUE(engine->send_command(ca, rsip));
  clk.advance(16'700ms);
  EXPECT_EQ(notifier.disconnects.size(), 1u);
  EXPECT_EQ(engine->state_of(ca), link_state::disconnected);
  clk.advance(16s);
  ASSERT_EQ(notifier.procedures.size(), 2u);
  EXPECT_EQ(notifier.procedure_times[1] - rsip_sent, 16'700ms + 16s);

  // This time the call agent answers: connected again.
  auto id = engine->send_command(ca, rsip);
  ASSERT_TRUE(id);
  engine->on_datagram(ca, "200 " + std::to_string(id->value()) + " OK\n");
  EXPECT_EQ(engine->state_of(ca), link_state::connected);
  ASSERT_EQ(notifier.reconnects.size(), 1u);
  EXPECT_EQ(notifier.reconnects[0], ca);
}

TEST_F(mgcp_txn_link, when_waits_keep_doubling_then_they_stop_at_tdmax) {
  transaction_config cfg;
  cfg.tdmax = 20s;
  make(cfg);
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(engine->send_command(ca, rsip));
    clk.advance(16'700ms);
    const time_point failed = clk.now();
    clk.advance(25s);
    ASSERT_EQ(notifier.procedures.size(), static_cast<std::size_t>(round + 1));
    const auto wait = notifier.procedure_times.back() - failed;
    // 8 s (u = 0.5), then doubled: 16 s, then 32 s capped at Tdmax = 20 s.
    const duration want[] = {8s, 16s, 20s};
    EXPECT_EQ(wait, want[round]) << round;
  }
}

TEST_F(mgcp_txn_link, when_command_arrives_while_disconnected_then_procedure_starts_at_once) {
  ASSERT_TRUE(engine->send_command(ca, rsip));
  clk.advance(16'700ms);
  ASSERT_EQ(engine->state_of(ca), link_state::disconnected);
  engine->on_datagram(ca, "AUEP 500 ds/e1-1/1@mgw.example.net MGCP 1.0\n");
  ASSERT_EQ(notifier.procedures.size(), 1u);
  EXPECT_EQ(notifier.procedure_times[0], clk.now());
  EXPECT_EQ(notifier.commands.size(), 1u);  // the command is still delivered
  clk.advance(60s);
  EXPECT_EQ(notifier.procedures.size(), 1u);  // the timer was cancelled
}

TEST_F(mgcp_txn_link, when_procedure_disabled_then_only_disconnected_is_signalled) {
  transaction_config cfg;
  cfg.run_disconnected_procedure = false;
  make(cfg);
  ASSERT_TRUE(engine->send_command(gw, rsip));
  clk.advance(16'700ms);
  EXPECT_EQ(notifier.disconnects.size(), 1u);
  engine->on_datagram(gw, "NTFY 3 aaln/1@gw MGCP 1.0\n");
  clk.advance(700s);
  EXPECT_TRUE(notifier.procedures.empty());
}

TEST_F(mgcp_txn_link, when_suspect_peer_answers_then_it_is_connected_without_reconnect_event) {
  ASSERT_TRUE(engine->send_command(gw, rsip));
  clk.advance(8'700ms);  // Max1
  EXPECT_EQ(engine->state_of(gw), link_state::suspect);
  EXPECT_EQ(count("peers.suspect"), 1u);
  engine->on_datagram(gw, "200 1 OK\n");
  EXPECT_EQ(engine->state_of(gw), link_state::connected);
  EXPECT_TRUE(notifier.reconnects.empty());
  EXPECT_TRUE(notifier.failures.empty());
}

TEST_F(mgcp_txn_link, when_engine_destroyed_then_its_timers_are_cancelled) {
  ASSERT_TRUE(engine->send_command(gw, rsip));
  engine->on_datagram(ca, "RQNT 4 aaln/1@gw MGCP 1.0\n");
  EXPECT_GT(clk.pending(), 0u);
  engine.reset();
  EXPECT_EQ(clk.pending(), 0u);
  clk.advance(60s);  // nothing runs against the destroyed engine
  EXPECT_EQ(notifier.sent.size(), 1u);
}

}  // namespace
}  // namespace tandem::mgcp::testing
