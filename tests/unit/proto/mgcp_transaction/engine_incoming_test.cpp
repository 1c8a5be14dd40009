#include "engine_fixture.hpp"

namespace tandem::mgcp::testing {
namespace {

constexpr std::string_view wildcard_crcx =
    "CRCX 1204 ds/e1-1/*@mgw.example.net MGCP 1.0\nC: A3C47F21456789F0\nL: p:20, a:PCMU\n"
    "M: recvonly\n";
constexpr std::string_view crcx_answer =
    "200 1204 OK\nI: FDE234C8\nZ: ds/e1-1/7@mgw.example.net\n\nv=0\n";

using mgcp_txn_incoming = engine_test;

TEST_F(mgcp_txn_incoming, when_command_retransmitted_while_processing_then_delivered_once) {
  transaction_config cfg;
  cfg.auto_provisional_after = 0ms;  // off, to see the plain RFC 3435 §3.5.1 behaviour
  make(cfg);
  engine->on_datagram(ca, wildcard_crcx);
  clk.advance(200ms);
  engine->on_datagram(ca, wildcard_crcx);
  ASSERT_EQ(notifier.commands.size(), 1u);
  EXPECT_EQ(notifier.commands[0], wildcard_crcx);
  EXPECT_TRUE(notifier.sent.empty());  // nothing to say yet
  EXPECT_EQ(count("rx.duplicate_commands"), 1u);
}

TEST_F(mgcp_txn_incoming, when_answered_wildcard_crcx_retransmitted_then_cached_answer_replayed) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_response(from, cmd.id, crcx_answer));
  };
  engine->on_datagram(ca, wildcard_crcx);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, crcx_answer);
  clk.advance(1s);
  engine->on_datagram(ca, wildcard_crcx);
  engine->on_datagram(ca, wildcard_crcx);
  // Delivered once: a second endpoint is never allocated; both copies get the same answer.
  EXPECT_EQ(notifier.commands.size(), 1u);
  ASSERT_EQ(notifier.sent.size(), 3u);
  EXPECT_EQ(notifier.sent[1].datagram, crcx_answer);
  EXPECT_EQ(notifier.sent[2].datagram, crcx_answer);
  EXPECT_EQ(count("rx.cache_hits"), 2u);
}

TEST_F(mgcp_txn_incoming, when_same_id_comes_from_another_peer_then_it_is_another_transaction) {
  engine->on_datagram(ca, wildcard_crcx);
  engine->on_datagram(gw, wildcard_crcx);
  EXPECT_EQ(notifier.commands.size(), 2u);
}

TEST_F(mgcp_txn_incoming, when_t_hist_passed_then_same_id_is_a_new_command) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_response(from, cmd.id, crcx_answer));
  };
  engine->on_datagram(ca, wildcard_crcx);
  clk.advance(29'999ms);
  engine->on_datagram(ca, wildcard_crcx);
  EXPECT_EQ(notifier.commands.size(), 1u);
  clk.advance(1ms);  // T-HIST (30 s) after the response
  EXPECT_EQ(engine->incoming_count(), 0u);
  EXPECT_EQ(count("cache.expired"), 1u);
  engine->on_datagram(ca, wildcard_crcx);
  EXPECT_EQ(notifier.commands.size(), 2u);
}

TEST_F(mgcp_txn_incoming, when_t_hist_is_configured_then_expiry_follows_it) {
  transaction_config cfg;
  cfg.t_hist = 5s;
  make(cfg);
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_response(from, cmd.id, crcx_answer));
  };
  engine->on_datagram(ca, wildcard_crcx);
  clk.advance(5s);
  engine->on_datagram(ca, wildcard_crcx);
  EXPECT_EQ(notifier.commands.size(), 2u);
}

TEST_F(mgcp_txn_incoming, when_command_takes_long_then_provisional_final_with_k_and_000) {
  engine->on_datagram(ca, wildcard_crcx);
  clk.advance(499ms);
  EXPECT_TRUE(notifier.sent.empty());
  clk.advance(1ms);  // auto_provisional_after (500 ms)
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, "100 1204 pending\n");

  // A retransmission while still working gets the provisional response again.
  engine->on_datagram(ca, wildcard_crcx);
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].datagram, "100 1204 pending\n");

  // The final response carries an empty K: and is retransmitted until acknowledged.
  const time_point answered = clk.now();
  ASSERT_TRUE(engine->send_response(ca, transaction_id{1204}, crcx_answer));
  const std::string with_k =
      "200 1204 OK\nK:\nI: FDE234C8\nZ: ds/e1-1/7@mgw.example.net\n\nv=0\n";
  ASSERT_EQ(notifier.sent.size(), 3u);
  EXPECT_EQ(notifier.sent[2].datagram, with_k);
  clk.advance(600ms);  // retransmissions at +200 and +500 (u = 0.5)
  ASSERT_EQ(notifier.sent.size(), 5u);
  EXPECT_EQ(notifier.sent[3].at - answered, 200ms);
  EXPECT_EQ(notifier.sent[4].at - answered, 500ms);
  EXPECT_EQ(notifier.sent[4].datagram, with_k);

  engine->on_datagram(ca, "000 1204\n");
  clk.advance(10s);
  EXPECT_EQ(notifier.sent.size(), 5u);
  EXPECT_EQ(count("cache.confirmed"), 1u);

  // Confirmed: a late copy of the command is dropped silently, never delivered again.
  engine->on_datagram(ca, wildcard_crcx);
  EXPECT_EQ(notifier.sent.size(), 5u);
  EXPECT_EQ(notifier.commands.size(), 1u);
  EXPECT_EQ(count("rx.duplicate_confirmed"), 1u);
  EXPECT_EQ(count("tx.response_retransmissions"), 2u);
}

TEST_F(mgcp_txn_incoming, when_application_asks_then_queued_provisional_is_sent) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_provisional(from, cmd.id, provisional_code::queued));
  };
  engine->on_datagram(ca, wildcard_crcx);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, "101 1204 queued\n");
  clk.advance(2s);
  EXPECT_EQ(notifier.sent.size(), 1u);  // the automatic one is not sent on top
}

TEST_F(mgcp_txn_incoming, when_final_never_acknowledged_then_retransmission_stops_after_max2) {
  engine->on_datagram(ca, wildcard_crcx);
  clk.advance(500ms);
  ASSERT_TRUE(engine->send_response(ca, transaction_id{1204}, crcx_answer));
  clk.advance(29s);
  // provisional + final + Max2 (7) retransmissions
  EXPECT_EQ(notifier.sent.size(), 9u);
  EXPECT_EQ(count("response_ack_timeouts"), 1u);
  // Still answered from the cache until T-HIST.
  engine->on_datagram(ca, wildcard_crcx);
  EXPECT_EQ(notifier.sent.size(), 10u);
  EXPECT_EQ(notifier.commands.size(), 1u);
}

TEST_F(mgcp_txn_incoming, when_command_carries_k_then_confirmed_responses_are_freed_early) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_response(from, cmd.id,
                                      "200 " + std::to_string(cmd.id.value()) + " OK\n"));
  };
  engine->on_datagram(ca, "RQNT 10 aaln/1@gw MGCP 1.0\n");
  engine->on_datagram(ca, "RQNT 11 aaln/1@gw MGCP 1.0\n");
  engine->on_datagram(ca, "RQNT 13 aaln/1@gw MGCP 1.0\n");
  engine->on_datagram(ca, "RQNT 20 aaln/1@gw MGCP 1.0\nK: 10-11, 13\n");
  EXPECT_EQ(count("cache.confirmed"), 3u);
  notifier.sent.clear();
  engine->on_datagram(ca, "RQNT 11 aaln/1@gw MGCP 1.0\n");  // confirmed: dropped
  engine->on_datagram(ca, "RQNT 20 aaln/1@gw MGCP 1.0\n");  // not confirmed: replayed
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, "200 20 OK\n");
  EXPECT_EQ(notifier.commands.size(), 4u);
  EXPECT_EQ(count("rx.duplicate_confirmed"), 1u);
}

TEST_F(mgcp_txn_incoming, when_k_is_malformed_then_command_still_delivered_and_counted) {
  engine->on_datagram(ca, "RQNT 20 aaln/1@gw MGCP 1.0\nK: 10-\n");
  EXPECT_EQ(notifier.commands.size(), 1u);
  EXPECT_EQ(count("rx.bad_response_ack"), 1u);
}

TEST_F(mgcp_txn_incoming, when_000_for_unknown_transaction_then_counted) {
  engine->on_datagram(ca, "000 77\n");
  EXPECT_EQ(count("rx.unknown_response_acks"), 1u);
  EXPECT_TRUE(notifier.sent.empty());
}

TEST_F(mgcp_txn_incoming, when_piggybacked_commands_then_processed_in_order_and_answered_together) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    ASSERT_TRUE(engine->send_response(from, cmd.id,
                                      "250 " + std::to_string(cmd.id.value()) + " OK\n"));
  };
  engine->on_datagram(ca, "DLCX 5 ds/e1-1/1@gw MGCP 1.0\n.\nDLCX 6 ds/e1-1/2@gw MGCP 1.0\n");
  ASSERT_EQ(notifier.commands.size(), 2u);
  EXPECT_EQ(notifier.commands[0].substr(0, 6), "DLCX 5");
  EXPECT_EQ(notifier.commands[1].substr(0, 6), "DLCX 6");
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, "250 5 OK\n.\n250 6 OK\n");
}

TEST_F(mgcp_txn_incoming, when_response_and_command_piggybacked_then_response_handled_first) {
  ASSERT_TRUE(engine->send_command(gw, "RQNT 0 aaln/1@gw MGCP 1.0\n"));
  std::vector<std::string> order;
  notifier.response_hook = [&](const peer&, const envelope&) { order.emplace_back("response"); };
  notifier.command_hook = [&](const peer&, const envelope&) { order.emplace_back("command"); };
  engine->on_datagram(gw, "200 1 OK\n.\nNTFY 9 aaln/1@gw MGCP 1.0\nO: L/hd\n");
  EXPECT_EQ(order, (std::vector<std::string>{"response", "command"}));
}

TEST_F(mgcp_txn_incoming, when_answering_with_a_command_then_response_goes_first_in_datagram) {
  notifier.command_hook = [&](const peer& from, const envelope& cmd) {
    // The application sends a command first, then the answer: the answer still leads.
    ASSERT_TRUE(engine->send_command(from, "RQNT 0 aaln/1@gw MGCP 1.0\n"));
    ASSERT_TRUE(engine->send_response(from, cmd.id, "200 9 OK\n"));
  };
  engine->on_datagram(ca, "NTFY 9 aaln/1@gw MGCP 1.0\nO: L/hd\n");
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].datagram, "200 9 OK\n.\nRQNT 1 aaln/1@gw MGCP 1.0\n");
}

TEST_F(mgcp_txn_incoming, when_datagram_is_malformed_then_reported_with_envelope_error) {
  engine->on_datagram(ca, "");
  engine->on_datagram(ca, "\x01\x02\x03 garbage");
  engine->on_datagram(ca, "200 1 OK\n.\n.\nDLCX 2 a@b MGCP 1.0\n");
  ASSERT_EQ(notifier.malformed.size(), 3u);
  EXPECT_EQ(notifier.malformed[0].what, envelope_error::code::empty);
  EXPECT_EQ(notifier.malformed[1].what, envelope_error::code::bad_first_line);
  EXPECT_EQ(notifier.malformed[2].what, envelope_error::code::empty);
  EXPECT_EQ(notifier.malformed[2].position, 11u);
  EXPECT_EQ(count("rx.malformed"), 3u);
  EXPECT_TRUE(notifier.commands.empty());
}

TEST_F(mgcp_txn_incoming, when_one_piggybacked_message_is_bad_then_the_others_are_processed) {
  engine->on_datagram(ca, "DLCX 5 a@b MGCP 1.0\n.\nDLCX x a@b MGCP 1.0\n.\nDLCX 6 a@b MGCP 1.0\n");
  EXPECT_EQ(notifier.commands.size(), 2u);
  ASSERT_EQ(notifier.malformed.size(), 1u);
  EXPECT_EQ(notifier.malformed[0].what, envelope_error::code::bad_transaction_id);
  EXPECT_EQ(notifier.malformed_messages[0], "DLCX x a@b MGCP 1.0\n");
}

TEST_F(mgcp_txn_incoming, when_malformed_command_answered_then_its_retransmission_is_replayed) {
  const std::string_view bad = "CRCX 31 ds/e1-1/1@gw MGCP 9\n";
  engine->on_datagram(ca, bad);
  ASSERT_EQ(notifier.malformed.size(), 1u);
  EXPECT_EQ(notifier.malformed[0].id, transaction_id{31});
  EXPECT_EQ(notifier.malformed[0].kind, message_kind::command);
  ASSERT_TRUE(engine->send_response(ca, transaction_id{31}, "510 31 bad version\n"));
  engine->on_datagram(ca, bad);
  EXPECT_EQ(notifier.malformed.size(), 1u);
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].datagram, "510 31 bad version\n");
}

TEST_F(mgcp_txn_incoming, when_response_is_wrong_then_send_response_refuses_it) {
  engine->on_datagram(ca, wildcard_crcx);
  const transaction_id id{1204};
  EXPECT_EQ(engine->send_response(ca, id, "200 1205 OK\n").error(),
            send_error::transaction_id_mismatch);
  EXPECT_EQ(engine->send_response(ca, id, "CRCX 1204 a@b MGCP 1.0\n").error(),
            send_error::not_a_response);
  EXPECT_EQ(engine->send_response(ca, id, "000 1204\n").error(),
            send_error::response_ack_not_allowed);
  EXPECT_EQ(engine->send_response(ca, id, "2x0 1204\n").error(), send_error::malformed_message);
  EXPECT_EQ(engine->send_provisional(ca, transaction_id{99}, provisional_code::pending).error(),
            send_error::no_such_transaction);
  ASSERT_TRUE(engine->send_response(ca, id, "200 1204 OK\n"));
  EXPECT_EQ(engine->send_response(ca, id, "200 1204 OK\n").error(),
            send_error::already_answered);
}

}  // namespace
}  // namespace tandem::mgcp::testing
