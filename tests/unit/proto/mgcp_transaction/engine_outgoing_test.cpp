#include "engine_fixture.hpp"

namespace tandem::mgcp::testing {
namespace {

constexpr std::string_view rqnt = "RQNT 0 aaln/1@gw.example.net MGCP 1.0\nX: 0123456789AC\n";

using mgcp_txn_outgoing = engine_test;

TEST_F(mgcp_txn_outgoing, when_command_sent_then_allocated_id_is_in_its_first_line) {
  auto id = engine->send_command(gw, rqnt);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, transaction_id{1});
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].to, gw);
  EXPECT_EQ(notifier.sent[0].datagram,
            "RQNT 1 aaln/1@gw.example.net MGCP 1.0\nX: 0123456789AC\n");
  EXPECT_EQ(count("tx.commands"), 1u);
}

TEST_F(mgcp_txn_outgoing, when_text_is_not_a_command_then_send_command_refuses_it) {
  auto r1 = engine->send_command(gw, "200 0 OK\n");
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error(), send_error::not_a_command);
  auto r2 = engine->send_command(gw, "RQNT\n");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error(), send_error::malformed_message);
  EXPECT_TRUE(notifier.sent.empty());
  // Refused commands consume no id.
  EXPECT_EQ(*engine->send_command(gw, rqnt), transaction_id{1});
}

TEST_F(mgcp_txn_outgoing, when_unanswered_then_retransmitted_with_backoff_until_max2) {
  // u = 0.5: timers 200 (initial AAD), then 3/4 of the doubled AAD: 300, 600, 1200, 2400,
  // then capped at max_rto 4000.
  auto id = engine->send_command(gw, rqnt);
  ASSERT_TRUE(id);
  clk.advance(16'700ms);
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 200, 500, 1100, 2300, 4700, 8700, 12700}));
  for (const auto& s : notifier.sent) EXPECT_EQ(s.datagram, notifier.sent[0].datagram);
  EXPECT_EQ(count("tx.retransmissions"), 7u);

  // Max1 = 5: suspect when the 6th retransmission is due; Max2 = 7: failure after the 7th.
  ASSERT_EQ(notifier.suspect_times.size(), 1u);
  EXPECT_EQ(ms(notifier.suspect_times[0]), 8700);
  ASSERT_EQ(notifier.failures.size(), 1u);
  EXPECT_EQ(notifier.failures[0].id, *id);
  EXPECT_EQ(notifier.failures[0].why, failure_reason::retransmissions_exhausted);
  EXPECT_EQ(ms(notifier.failure_times[0]), 16700);
  ASSERT_EQ(notifier.disconnect_times.size(), 1u);
  EXPECT_EQ(ms(notifier.disconnect_times[0]), 16700);
  EXPECT_EQ(engine->state_of(gw), link_state::disconnected);
  EXPECT_EQ(count("timeouts"), 1u);
  EXPECT_EQ(count("peers.disconnected"), 1u);
  clk.advance(60s);
  EXPECT_EQ(notifier.sent.size(), 8u);  // nothing more once failed
}

TEST_F(mgcp_txn_outgoing, when_jitter_source_differs_then_deadlines_follow_it) {
  transaction_config cfg;
  cfg.max2 = 4;
  make(cfg, 0.0);  // lowest jitter: half the doubled AAD
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  clk.advance(30s);
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 200, 400, 800, 1600}));

  notifier.sent.clear();
  start = clk.now();
  make(cfg, 0.999);  // highest jitter: just under the doubled AAD
  ASSERT_TRUE(engine->send_command(ca, rqnt));
  clk.advance(30s);
  // 200, then 399.8, 799.6, 1599.2 after each send (send_times() truncates to ms).
  const auto t = send_times();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1], 200);
  EXPECT_EQ(t[2], 599);
  EXPECT_EQ(t[3], 1399);
  EXPECT_EQ(t[4], 2998);
}

TEST_F(mgcp_txn_outgoing, when_retransmit_timer_would_exceed_max_rto_then_it_is_capped) {
  transaction_config cfg;
  cfg.max_rto = 1000ms;
  cfg.max2 = 4;
  make(cfg, 0.5);
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  clk.advance(30s);
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 200, 500, 1100, 2100}));
  EXPECT_EQ(ms(notifier.failure_times.at(0)), 3100);
}

TEST_F(mgcp_txn_outgoing, when_answered_before_timer_then_no_retransmission_and_rto_adapts) {
  auto id = engine->send_command(gw, rqnt);
  ASSERT_TRUE(id);
  clk.advance(100ms);
  engine->on_datagram(gw, "200 1 OK\n");
  ASSERT_EQ(notifier.responses.size(), 1u);
  EXPECT_EQ(notifier.responses[0], "200 1 OK\n");
  clk.advance(10s);
  EXPECT_EQ(notifier.sent.size(), 1u);

  // RFC 3435 §3.5.3 smoothing of a 100 ms sample from AAD 200 ms, ADEV 0.
  const rto_estimator* est = engine->estimator_of(gw);
  ASSERT_NE(est, nullptr);
  EXPECT_EQ(est->aad(), 187'500us);
  EXPECT_EQ(est->adev(), 25ms);
  EXPECT_EQ(est->first_timer(), 237'500us);

  // The next command's first retransmission follows the new estimate.
  notifier.sent.clear();
  const time_point t0 = clk.now();
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  clk.advance(237ms);
  EXPECT_EQ(notifier.sent.size(), 1u);
  clk.advance(1ms);
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].at - t0, 237'500us);
}

TEST_F(mgcp_txn_outgoing, when_answered_after_retransmission_then_no_delay_sample) {
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  clk.advance(300ms);  // one retransmission at 200 ms
  engine->on_datagram(gw, "200 1 OK\n");
  EXPECT_EQ(engine->estimator_of(gw)->aad(), 200ms);
  EXPECT_EQ(engine->estimator_of(gw)->adev(), 0ms);
  EXPECT_EQ(notifier.responses.size(), 1u);
}

TEST_F(mgcp_txn_outgoing, when_provisional_then_retransmission_stops_until_longtran_timer) {
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  clk.advance(50ms);
  engine->on_datagram(gw, "100 1 pending\n");
  EXPECT_TRUE(notifier.responses.empty());  // provisional responses are not final
  clk.advance(4'999ms);
  EXPECT_EQ(notifier.sent.size(), 1u);
  clk.advance(1ms);  // LONGTRAN-TIMER (5 s) after the provisional: ask again
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(ms(notifier.sent[1].at), 5050);
  engine->on_datagram(gw, "100 1 pending\n");  // still working: wait again
  clk.advance(4s);
  EXPECT_EQ(notifier.sent.size(), 2u);
  engine->on_datagram(gw, "200 1 OK\n");
  clk.advance(60s);
  EXPECT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.responses.size(), 1u);
  EXPECT_EQ(count("rx.provisional"), 2u);
  EXPECT_TRUE(notifier.failures.empty());
}

TEST_F(mgcp_txn_outgoing, when_final_has_empty_k_then_response_ack_000_is_sent) {
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  engine->on_datagram(gw, "100 1 pending\n");
  clk.advance(1s);
  engine->on_datagram(gw, "200 1 OK\nK:\n");
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].datagram, "000 1\n");
  EXPECT_EQ(count("tx.response_acks"), 1u);

  // Our 000 was lost: the peer retransmits its final response; acknowledge again, deliver once.
  engine->on_datagram(gw, "200 1 OK\nK:\n");
  ASSERT_EQ(notifier.sent.size(), 3u);
  EXPECT_EQ(notifier.sent[2].datagram, "000 1\n");
  EXPECT_EQ(notifier.responses.size(), 1u);
  EXPECT_EQ(count("rx.duplicate_responses"), 1u);
}

TEST_F(mgcp_txn_outgoing, when_command_leaves_in_same_turn_then_it_carries_the_ack_in_k) {
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  engine->on_datagram(gw, "101 1 queued\n.\n101 2 queued\n");
  // The application answers each final response with a new command, in the same turn.
  notifier.response_hook = [&](const peer& from, const envelope&) {
    ASSERT_TRUE(engine->send_command(from, "NTFY 0 aaln/1@gw.example.net MGCP 1.0\n"));
  };
  notifier.sent.clear();
  engine->on_datagram(gw, "200 1 OK\nK:\n.\n200 2 OK\nK:\n");
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram,
            "NTFY 3 aaln/1@gw.example.net MGCP 1.0\nK: 1-2\n.\n"
            "NTFY 4 aaln/1@gw.example.net MGCP 1.0\n");
  EXPECT_EQ(count("tx.response_acks"), 0u);  // confirmed once, in K:, never also by 000
}

TEST_F(mgcp_txn_outgoing, when_response_for_unknown_transaction_then_ignored_and_counted) {
  engine->on_datagram(gw, "200 42 OK\n");
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  engine->on_datagram(ca, "200 1 OK\n");  // right id, wrong peer
  EXPECT_TRUE(notifier.responses.empty());
  EXPECT_EQ(count("rx.unknown_responses"), 2u);
  EXPECT_EQ(notifier.sent.size(), 1u);
}

TEST_F(mgcp_txn_outgoing, when_ids_reach_the_limit_then_they_wrap_to_1) {
  transaction_config cfg;
  cfg.first_transaction_id = max_transaction_id - 1;
  make(cfg);
  EXPECT_EQ(*engine->send_command(gw, rqnt), transaction_id{max_transaction_id - 1});
  EXPECT_EQ(*engine->send_command(gw, rqnt), transaction_id{max_transaction_id});
  EXPECT_EQ(*engine->send_command(gw, rqnt), transaction_id{1});
  EXPECT_EQ(notifier.sent.back().datagram.substr(0, 7), "RQNT 1 ");
}

TEST_F(mgcp_txn_outgoing, when_transaction_ended_then_id_stays_in_use_for_t_hist) {
  ASSERT_TRUE(engine->send_command(gw, rqnt));
  engine->on_datagram(gw, "200 1 OK\n");
  EXPECT_EQ(engine->outgoing_count(), 1u);
  clk.advance(29'999ms);
  EXPECT_EQ(engine->outgoing_count(), 1u);
  clk.advance(1ms);
  EXPECT_EQ(engine->outgoing_count(), 0u);
}

TEST_F(mgcp_txn_outgoing, when_batched_then_commands_share_a_datagram_and_retransmit_together) {
  {
    auto b = engine->begin_batch();
    ASSERT_TRUE(engine->send_command(gw, "DLCX 0 ds/e1-1/1@gw MGCP 1.0\n"));
    ASSERT_TRUE(engine->send_command(gw, "CRCX 0 ds/e1-1/2@gw MGCP 1.0\nC: 1\n"));
    EXPECT_TRUE(notifier.sent.empty());
  }
  ASSERT_EQ(notifier.sent.size(), 1u);
  const std::string both =
      "DLCX 1 ds/e1-1/1@gw MGCP 1.0\n.\nCRCX 2 ds/e1-1/2@gw MGCP 1.0\nC: 1\n";
  EXPECT_EQ(notifier.sent[0].datagram, both);
  clk.advance(200ms);
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].datagram, both);
  // One answered: the other goes on alone, on the same schedule.
  engine->on_datagram(gw, "250 1 OK\n");
  clk.advance(300ms);
  ASSERT_EQ(notifier.sent.size(), 3u);
  EXPECT_EQ(notifier.sent[2].datagram, "CRCX 2 ds/e1-1/2@gw MGCP 1.0\nC: 1\n");
  EXPECT_EQ(count("tx.retransmissions"), 3u);
}

TEST_F(mgcp_txn_outgoing, when_max_datagram_size_exceeded_then_batch_splits) {
  transaction_config cfg;
  cfg.max_datagram_bytes = 70;  // two 29-byte messages and their separators fit, not three
  make(cfg);
  {
    auto b = engine->begin_batch();
    ASSERT_TRUE(engine->send_command(gw, "DLCX 0 ds/e1-1/1@gw MGCP 1.0\n"));
    ASSERT_TRUE(engine->send_command(gw, "DLCX 0 ds/e1-1/2@gw MGCP 1.0\n"));
    ASSERT_TRUE(engine->send_command(gw, "DLCX 0 ds/e1-1/3@gw MGCP 1.0\n"));
  }
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[0].datagram,
            "DLCX 1 ds/e1-1/1@gw MGCP 1.0\n.\nDLCX 2 ds/e1-1/2@gw MGCP 1.0\n");
  EXPECT_EQ(notifier.sent[1].datagram, "DLCX 3 ds/e1-1/3@gw MGCP 1.0\n");
}

}  // namespace
}  // namespace tandem::mgcp::testing
