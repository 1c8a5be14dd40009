/// Outgoing requests: ids, retransmission timing (Annex D.1.3), pendings received (Annex
/// D.1.4), replies received and acknowledged (Annex D.1.1).
#include "tests/unit/proto/h248/engine_fixture.hpp"

namespace tandem::h248::testing {
namespace {

class h248_engine_outgoing : public engine_fixture {};

TEST_F(h248_engine_outgoing, when_a_request_is_sent_then_it_leaves_in_one_message_with_our_header_and_a_fresh_id) {
  auto id = engine.send_request(mgc, add_action());
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->value(), 1u);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(notifier.sent[0].to, mgc);
  const message m = sent_message(0);
  EXPECT_EQ(m.sender, engine.config().self);
  ASSERT_EQ(m.transactions.size(), 1u);
  const auto& r = std::get<transaction_request>(m.transactions[0]);
  EXPECT_EQ(r.id, *id);
  EXPECT_EQ(r.actions, add_action());
  EXPECT_EQ(engine.send_request(mgc, add_action())->value(), 2u);
}

TEST_F(h248_engine_outgoing, when_no_reply_comes_then_it_is_retransmitted_with_backoff_and_fails_after_the_maximum) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  clock.advance(60s);
  // Timer 200 ms, then the working AAD doubles and the timer is 3/4 of it (u = 0.5), capped
  // at 4 s: 300, 600, 1200, 2400, 4000, 4000; after the 7th retransmission one more timer
  // (4 s) runs out and the request fails.
  const std::vector<long> expected{0, 200, 500, 1100, 2300, 4700, 8700, 12700};
  ASSERT_EQ(notifier.sent.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(sent_at_ms(i), expected[i]) << "message " << i;
    EXPECT_EQ(notifier.sent[i].text, notifier.sent[0].text) << "a retransmission repeats the request";
  }
  ASSERT_EQ(notifier.failures.size(), 1u);
  EXPECT_EQ(notifier.failures[0].second, failure_reason::retransmissions_exhausted);
  EXPECT_EQ(notifier.failure_times[0] - start, 16700ms);
  EXPECT_EQ(counters.value("tx.retransmissions"), 7u);
  EXPECT_EQ(counters.value("timeouts"), 1u);
}

TEST_F(h248_engine_outgoing, when_the_reply_comes_then_retransmission_stops_and_the_reply_is_acknowledged) {
  auto id = engine.send_request(mgc, add_action());
  clock.advance(250ms);  // one retransmission
  ASSERT_EQ(notifier.sent.size(), 2u);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=5{A=tdm/1/1}}\n");
  ASSERT_EQ(notifier.replies.size(), 1u);
  EXPECT_EQ(notifier.replies[0].actions.at(0).context, context_id::of(5));
  ASSERT_EQ(notifier.sent.size(), 3u);
  const message ack = sent_message(2);
  const auto& k = std::get<transaction_response_ack>(ack.transactions.at(0));
  EXPECT_EQ(k.ranges, (std::vector<transaction_ack_range>{{*id, *id}}));
  clock.advance(60s);
  EXPECT_EQ(notifier.sent.size(), 3u) << "nothing more after the reply";
  EXPECT_TRUE(notifier.failures.empty());
  EXPECT_EQ(engine.outgoing_count(), 0u) << "the id is free again after LONG-TIMER";
}

TEST_F(h248_engine_outgoing, when_a_reply_comes_to_a_request_sent_once_then_the_timer_estimate_learns_the_delay) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  clock.advance(40ms);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=tdm/1/1}}\n");
  const rto_estimator* rto = engine.estimator_of(mgc);
  ASSERT_NE(rto, nullptr);
  // AAD = 7/8 * 200 + 1/8 * 40 = 180 ms; ADEV = 1/4 * 160 = 40 ms.
  EXPECT_EQ(rto->aad(), 180ms);
  EXPECT_EQ(rto->adev(), 40ms);
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  const std::size_t before = notifier.sent.size();
  clock.advance(259ms);
  EXPECT_EQ(notifier.sent.size(), before);
  clock.advance(1ms);  // first timer AAD + 2 ADEV = 260 ms
  EXPECT_EQ(notifier.sent.size(), before + 1);
}

TEST_F(h248_engine_outgoing, when_a_pending_arrives_then_retransmission_waits_and_resumes_after_pending_wait) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  clock.advance(100ms);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nPN=1{}\n");
  clock.advance(4999ms);
  EXPECT_EQ(notifier.sent.size(), 1u) << "no retransmission while pending";
  clock.advance(1ms);
  ASSERT_EQ(notifier.sent.size(), 2u) << "retransmitted once pending_wait ran out";
  EXPECT_EQ(sent_at_ms(1), 5100);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=tdm/1/1}}\n");
  EXPECT_EQ(notifier.replies.size(), 1u);
  EXPECT_TRUE(notifier.failures.empty());
}

TEST_F(h248_engine_outgoing, when_pendings_exceed_the_limit_then_the_request_fails) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  for (unsigned i = 0; i < engine.config().max_pendings; ++i) {
    engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nPN=1{}\n");
    clock.advance(1s);
  }
  EXPECT_TRUE(notifier.failures.empty());
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nPN=1{}\n");
  ASSERT_EQ(notifier.failures.size(), 1u);
  EXPECT_EQ(notifier.failures[0].second, failure_reason::too_many_pendings);
  EXPECT_EQ(counters.value("pending_limit_exceeded"), 1u);
}

TEST_F(h248_engine_outgoing, when_a_reply_is_repeated_then_the_ack_is_sent_again_and_the_application_hears_once) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=tdm/1/1}}\n");
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=tdm/1/1}}\n");
  EXPECT_EQ(notifier.replies.size(), 1u);
  ASSERT_EQ(notifier.sent.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<transaction_response_ack>(sent_message(2).transactions.at(0)));
  EXPECT_EQ(counters.value("rx.duplicate_replies"), 1u);
}

TEST_F(h248_engine_outgoing, when_requests_are_sent_in_one_batch_then_they_share_a_message) {
  {
    auto turn = engine.begin_batch();
    ASSERT_TRUE(engine.send_request(mgc, add_action()));
    ASSERT_TRUE(engine.send_request(mgc, add_action()));
    ASSERT_TRUE(engine.send_request(other, add_action()));
    EXPECT_TRUE(notifier.sent.empty());
  }
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(sent_message(0).transactions.size(), 2u);
  EXPECT_EQ(sent_message(1).transactions.size(), 1u);
  // One reply acknowledges both in one range.
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=a}}\nP=2{C=-{A=a}}\n");
  const message k_message = sent_message(2);
  const auto& k = std::get<transaction_response_ack>(k_message.transactions.at(0));
  EXPECT_EQ(k.ranges, (std::vector<transaction_ack_range>{{transaction_id{1}, transaction_id{2}}}));
}

TEST_F(h248_engine_outgoing, when_a_reply_comes_from_another_peer_then_it_is_ignored) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  engine.on_datagram(other, "!/1 [198.51.100.8]:2944\nP=1{C=-{A=tdm/1/1}}\n");
  EXPECT_TRUE(notifier.replies.empty());
  EXPECT_EQ(counters.value("rx.unknown_replies"), 1u);
}

TEST_F(h248_engine_outgoing, when_the_id_space_wraps_then_ids_in_use_are_skipped) {
  transaction_config c = default_config();
  c.first_transaction_id = max_transaction_id;
  transaction_engine e(clock, notifier, counters, c, [] { return 0.5; });
  EXPECT_EQ(e.send_request(mgc, add_action())->value(), max_transaction_id);
  EXPECT_EQ(e.send_request(mgc, add_action())->value(), 1u);
  EXPECT_EQ(e.send_request(mgc, {}).error(), send_error::no_actions);
}

class h248_engine_no_acks : public engine_fixture {
 protected:
  static transaction_config config() {
    transaction_config c = default_config();
    c.acknowledge_replies = false;
    return c;
  }
  h248_engine_no_acks() : engine_fixture(config()) {}
};

TEST_F(h248_engine_no_acks, when_acks_are_off_then_only_replies_asking_for_one_are_acknowledged) {
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  ASSERT_TRUE(engine.send_request(mgc, add_action()));
  const std::size_t before = notifier.sent.size();
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=1{C=-{A=a}}\n");
  EXPECT_EQ(notifier.sent.size(), before);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nP=2{IA,C=-{A=a}}\n");
  ASSERT_EQ(notifier.sent.size(), before + 1);
  const message k_message = sent_message(before);
  const auto& k = std::get<transaction_response_ack>(k_message.transactions.at(0));
  EXPECT_EQ(k.ranges.at(0).first.value(), 2u);
}

}  // namespace
}  // namespace tandem::h248::testing
