/// Incoming requests: at-most-once with the reply cache (Annex D.1.1), pendings (Annex D.1.4),
/// acks received, LONG-TIMER, malformed requests answered.
#include "tests/unit/proto/h248/engine_fixture.hpp"

namespace tandem::h248::testing {
namespace {

class h248_engine_incoming : public engine_fixture {};

TEST_F(h248_engine_incoming, when_a_request_arrives_then_the_application_gets_it_once_and_its_reply_is_sent) {
  engine.on_datagram(mgc, request_text(77));
  ASSERT_EQ(notifier.requests.size(), 1u);
  EXPECT_EQ(notifier.requests[0].id.value(), 77u);
  EXPECT_EQ(notifier.senders[0].name, "198.51.100.7");
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(77)));
  ASSERT_EQ(notifier.sent.size(), 1u);
  const message m = sent_message(0);
  EXPECT_EQ(std::get<transaction_reply>(m.transactions.at(0)), reply_to(77));
}

TEST_F(h248_engine_incoming, when_the_request_is_repeated_after_the_reply_then_the_cached_reply_is_repeated) {
  engine.on_datagram(mgc, request_text(77));
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(77)));
  clock.advance(1s);
  engine.on_datagram(mgc, request_text(77));
  EXPECT_EQ(notifier.requests.size(), 1u) << "not executed twice";
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].text, notifier.sent[0].text);
  EXPECT_EQ(counters.value("rx.cache_hits"), 1u);
}

TEST_F(h248_engine_incoming, when_the_request_is_repeated_while_processing_then_a_pending_is_sent) {
  engine.on_datagram(mgc, request_text(77));
  clock.advance(100ms);
  engine.on_datagram(mgc, request_text(77));
  EXPECT_EQ(notifier.requests.size(), 1u);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(std::get<transaction_pending>(sent_message(0).transactions.at(0)).id.value(), 77u);
  clock.advance(10s);
  EXPECT_EQ(notifier.sent.size(), 1u) << "the automatic pending is not sent on top";
}

TEST_F(h248_engine_incoming, when_processing_takes_longer_than_pending_after_then_a_pending_is_sent_by_itself) {
  engine.on_datagram(mgc, request_text(78));
  clock.advance(499ms);
  EXPECT_TRUE(notifier.sent.empty());
  clock.advance(1ms);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<transaction_pending>(sent_message(0).transactions.at(0)));
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(78)));
  EXPECT_TRUE(std::holds_alternative<transaction_reply>(sent_message(1).transactions.at(0)));
}

TEST_F(h248_engine_incoming, when_the_reply_is_acknowledged_then_it_is_freed_and_late_duplicates_are_dropped) {
  engine.on_datagram(mgc, request_text(10));
  engine.on_datagram(mgc, request_text(11));
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(10)));
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(11)));
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nK{5-10}\n");
  EXPECT_EQ(counters.value("cache.confirmed"), 1u);
  const std::size_t before = notifier.sent.size();
  engine.on_datagram(mgc, request_text(10));
  EXPECT_EQ(notifier.sent.size(), before) << "acknowledged: nothing to repeat";
  EXPECT_EQ(counters.value("rx.duplicate_confirmed"), 1u);
  engine.on_datagram(mgc, request_text(11));
  EXPECT_EQ(notifier.sent.size(), before + 1) << "not acknowledged: the reply is repeated";
  EXPECT_EQ(notifier.requests.size(), 2u);
}

TEST_F(h248_engine_incoming, when_long_timer_expires_then_the_transaction_is_forgotten) {
  engine.on_datagram(mgc, request_text(12));
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(12)));
  clock.advance(29'999ms);
  EXPECT_EQ(engine.incoming_count(), 1u);
  clock.advance(1ms);
  EXPECT_EQ(engine.incoming_count(), 0u);
  EXPECT_EQ(counters.value("cache.expired"), 1u);
  engine.on_datagram(mgc, request_text(12));
  EXPECT_EQ(notifier.requests.size(), 2u) << "after LONG-TIMER the id is new again";
}

TEST_F(h248_engine_incoming, when_a_request_is_answered_twice_or_never_received_then_send_reply_refuses) {
  EXPECT_EQ(engine.send_reply(mgc, reply_to(5)).error(), send_error::no_such_transaction);
  engine.on_datagram(mgc, request_text(5));
  EXPECT_EQ(engine.send_reply(other, reply_to(5)).error(), send_error::no_such_transaction);
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(5)));
  EXPECT_EQ(engine.send_reply(mgc, reply_to(5)).error(), send_error::already_answered);
  EXPECT_EQ(engine.send_pending(mgc, transaction_id{5}).error(), send_error::already_answered);
}

TEST_F(h248_engine_incoming, when_a_malformed_request_arrives_then_it_is_answered_with_its_error_code) {
  const std::string bad = "!/1 [198.51.100.7]:2944\nT=31{C=-{MF=a{Bogus{}}}}\n";
  engine.on_datagram(mgc, bad);
  ASSERT_EQ(notifier.malformed.size(), 1u);
  EXPECT_TRUE(notifier.requests.empty());
  ASSERT_EQ(notifier.sent.size(), 1u);
  const message r_message = sent_message(0);
  const auto& r = std::get<transaction_reply>(r_message.transactions.at(0));
  EXPECT_EQ(r.id.value(), 31u);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, error_code::unknown_descriptor);
  engine.on_datagram(mgc, bad);
  ASSERT_EQ(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[1].text, notifier.sent[0].text) << "its retransmission gets the same answer";
}

TEST_F(h248_engine_incoming, when_a_later_transaction_is_malformed_then_the_earlier_ones_are_still_handled) {
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nT=40{C=-{MF=a}}\nT=41{C=-{MF=a{Bogus}}}\n");
  ASSERT_EQ(notifier.requests.size(), 1u);
  EXPECT_EQ(notifier.requests[0].id.value(), 40u);
  ASSERT_EQ(notifier.sent.size(), 1u);
  const message m = sent_message(0);
  const auto& r = std::get<transaction_reply>(m.transactions.at(0));
  EXPECT_EQ(r.id.value(), 41u);
  EXPECT_EQ(r.error->code, error_code::unknown_descriptor);
  ASSERT_TRUE(engine.send_reply(mgc, reply_to(40)));
}

TEST_F(h248_engine_incoming, when_a_message_has_a_readable_header_but_no_transaction_then_a_message_error_is_sent) {
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nGarbage=1{}\n");
  ASSERT_EQ(notifier.sent.size(), 1u);
  const message m = sent_message(0);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->code, error_code::syntax_error_in_message);
  engine.on_datagram(mgc, std::string("\x01\x02garbage", 9));
  EXPECT_EQ(notifier.sent.size(), 1u) << "no answer to what is not H.248";
  EXPECT_EQ(notifier.malformed.size(), 2u);
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nER=400{}\n");
  EXPECT_EQ(notifier.message_errors.size(), 1u);
  EXPECT_EQ(notifier.sent.size(), 1u) << "an error is never answered";
}

TEST_F(h248_engine_incoming, when_a_message_holds_several_requests_then_each_is_delivered_and_the_replies_share_a_message) {
  notifier.request_hook = [this](const peer& from, const transaction_request& r) {
    ASSERT_TRUE(engine.send_reply(from, reply_to(r.id.value())));
  };
  engine.on_datagram(mgc, "!/1 [198.51.100.7]:2944\nT=1{C=-{MF=a}}\nT=2{C=-{MF=b}}\nK{900}\n");
  EXPECT_EQ(notifier.requests.size(), 2u);
  ASSERT_EQ(notifier.sent.size(), 1u);
  EXPECT_EQ(sent_message(0).transactions.size(), 2u);
}

}  // namespace
}  // namespace tandem::h248::testing
