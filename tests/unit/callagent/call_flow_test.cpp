/// Call flows end to end through the call agent: fake PRI links on both sides, fake gateways
/// answering MGCP through the real transaction engine, time on a manual clock.
#include <gtest/gtest.h>

#include "tests/unit/callagent/harness.hpp"

namespace tandem::callagent::test {
namespace {

using mgcp::connection_mode_kind;
using mgcp::verb;

connection_mode_kind mode_of(const mgcp::command& c) {
  return c.params.mode ? c.params.mode->kind : connection_mode_kind::extension;
}

class call_flow : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }
  harness h;
};

TEST_F(call_flow, when_far_end_answers_then_bearer_is_cut_through_and_record_written) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto& a = h.link("mgw1");
  auto& b = h.link("mgw2");

  ASSERT_EQ(a.of("CALL PROCEEDING").size(), 1u);
  EXPECT_EQ(a.of("CALL PROCEEDING")[0].channel, 1u);
  // CRCX on the originating timeslot, inactive, offering the route's first codec.
  auto crcx_a = h.gw("mgw1").sent(verb::crcx);
  ASSERT_EQ(crcx_a.size(), 1u);
  EXPECT_EQ(crcx_a[0].endpoint.local, "ds/e1-1/1");
  EXPECT_EQ(mode_of(crcx_a[0]), connection_mode_kind::inactive);
  ASSERT_TRUE(crcx_a[0].params.options);
  EXPECT_EQ(crcx_a[0].params.options->codecs, std::vector<std::string>{"G729"});
  // CRCX on the far side with the first SDP; ascending hunting picks channel 1.
  auto crcx_b = h.gw("mgw2").sent(verb::crcx);
  ASSERT_EQ(crcx_b.size(), 1u);
  EXPECT_EQ(crcx_b[0].endpoint.local, "ds/e1-1/1");
  EXPECT_EQ(mode_of(crcx_b[0]), connection_mode_kind::sendonly);
  ASSERT_EQ(crcx_b[0].sessions.size(), 1u);
  EXPECT_NE(crcx_b[0].sessions[0].find("G729/8000"), std::string::npos);
  EXPECT_EQ(crcx_a[0].params.call, crcx_b[0].params.call);
  // MDCX on the originating side with the answer; SETUP out with the stripped number.
  auto mdcx_a = h.gw("mgw1").sent(verb::mdcx);
  ASSERT_EQ(mdcx_a.size(), 1u);
  ASSERT_EQ(mdcx_a[0].sessions.size(), 1u);
  auto setup = b.last_setup();
  EXPECT_EQ(setup.channel, 1u);
  EXPECT_EQ(setup.called, "5551234");
  EXPECT_EQ(setup.calling, "0100111");

  b.network().on_proceeding(setup.ref, 1);
  b.network().on_alerting(setup.ref);
  h.run_ms(10);
  EXPECT_EQ(a.of("ALERTING").size(), 1u);
  // Early media: the caller hears the far exchange's ringback.
  mdcx_a = h.gw("mgw1").sent(verb::mdcx);
  ASSERT_EQ(mdcx_a.size(), 2u);
  EXPECT_EQ(mode_of(mdcx_a[1]), connection_mode_kind::recvonly);

  h.run(std::chrono::seconds(5));
  b.network().on_connect(setup.ref);
  h.run_ms(10);
  EXPECT_EQ(a.of("CONNECT").size(), 1u);
  EXPECT_EQ(mode_of(h.gw("mgw1").sent(verb::mdcx).back()), connection_mode_kind::sendrecv);
  EXPECT_EQ(mode_of(h.gw("mgw2").sent(verb::mdcx).back()), connection_mode_kind::sendrecv);
  for (auto& [id, conn] : h.gw("mgw1").connections) EXPECT_EQ(conn.mode, connection_mode_kind::sendrecv);
  for (auto& [id, conn] : h.gw("mgw2").connections) EXPECT_EQ(conn.mode, connection_mode_kind::sendrecv);
  EXPECT_EQ(h.counters.value("calls.answered"), 1u);

  h.run(std::chrono::seconds(30));
  a.network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  EXPECT_EQ(a.of("RELEASE", a_ref).size(), 1u);
  ASSERT_EQ(b.of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(b.of("DISCONNECT", setup.ref)[0].cause, 16);
  EXPECT_EQ(h.gw("mgw1").count(verb::dlcx), 1u);
  EXPECT_EQ(h.gw("mgw2").count(verb::dlcx), 1u);
  h.expect_nothing_left();

  ASSERT_EQ(h.records.records.size(), 1u);
  const auto& r = h.records.records[0];
  EXPECT_EQ(r.cause, 16);
  EXPECT_EQ(r.released_by, released_by::caller);
  EXPECT_EQ(r.codec, "G729");
  EXPECT_EQ(r.called, "02015551234");
  EXPECT_EQ(r.called_out, "5551234");
  EXPECT_EQ(r.route, "to-b");
  EXPECT_EQ(r.originating.endpoint, "ds/e1-1/1@mgw1");
  EXPECT_EQ(r.terminating.endpoint, "ds/e1-1/1@mgw2");
  ASSERT_TRUE(r.originating.stats && r.terminating.stats);
  EXPECT_EQ(r.originating.stats->packets_sent, 1000u);
  ASSERT_TRUE(r.alerting && r.answer);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(r.release - *r.answer).count(), 30);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*r.answer - *r.alerting).count(), 5);
}

TEST_F(call_flow, when_called_user_is_busy_then_caller_gets_cause_17) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_disconnect(setup.ref, cause::user_busy);
  h.run_ms(20);
  EXPECT_EQ(h.link("mgw2").of("RELEASE", setup.ref).size(), 1u);
  auto disc = h.link("mgw1").of("DISCONNECT", a_ref);
  ASSERT_EQ(disc.size(), 1u);
  EXPECT_EQ(disc[0].cause, 17);
  h.expect_nothing_left();
  ASSERT_EQ(h.records.records.size(), 1u);
  EXPECT_EQ(h.records.records[0].cause, 17);
  EXPECT_EQ(h.records.records[0].released_by, released_by::callee);
  EXPECT_FALSE(h.records.records[0].answer);
}

TEST_F(call_flow, when_alerted_user_does_not_answer_then_both_sides_cleared_with_cause_19) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_alerting(setup.ref);
  h.run(std::chrono::seconds(59));
  EXPECT_EQ(h.ca->active_calls(), 1u);
  h.run(std::chrono::seconds(2));
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 19);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref)[0].cause, 19);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.at(0).released_by, released_by::call_agent);
}

TEST_F(call_flow, when_nothing_comes_back_then_cleared_with_cause_18) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  h.run(std::chrono::seconds(61));
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 18);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_caller_abandons_before_answer_then_far_side_is_cleared) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_alerting(setup.ref);
  h.run_ms(10);
  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref)[0].cause, 16);
  h.expect_nothing_left();
  const auto& r = h.records.records.at(0);
  EXPECT_EQ(r.released_by, released_by::caller);
  EXPECT_TRUE(r.alerting);
  EXPECT_FALSE(r.answer);
  // The no-answer timer went with the call.
  h.run(std::chrono::seconds(120));
  EXPECT_EQ(h.counters.value("calls.no_answer"), 0u);
}

TEST_F(call_flow, when_far_end_releases_after_answer_then_caller_is_cleared) {
  const auto a_ref = h.call_from_a(2, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_connect(setup.ref);
  h.run_ms(10);
  h.link("mgw2").network().on_disconnect(setup.ref, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.at(0).released_by, released_by::callee);
  EXPECT_EQ(h.records.records.at(0).originating.endpoint, "ds/e1-1/2@mgw1");
}

TEST_F(call_flow, when_number_is_unknown_then_cause_1_and_no_bearer) {
  const auto a_ref = h.call_from_a(1, "0999123");
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 1);
  EXPECT_EQ(h.gw("mgw1").count(verb::crcx), 0u);
  h.expect_nothing_left();
  EXPECT_EQ(h.counters.value("calls.unallocated"), 1u);
  EXPECT_EQ(h.records.records.at(0).cause, 1);
  EXPECT_EQ(h.records.records.at(0).route, "");
}

TEST_F(call_flow, when_far_gateway_refuses_g729_then_call_falls_back_to_pcma) {
  h.gw("mgw2").codecs = {"PCMA"};
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto crcx_b = h.gw("mgw2").sent(verb::crcx);
  ASSERT_EQ(crcx_b.size(), 2u);
  EXPECT_EQ(crcx_b[0].params.options->codecs, std::vector<std::string>{"G729"});
  EXPECT_EQ(crcx_b[1].params.options->codecs, std::vector<std::string>{"PCMA"});
  // The originating connection was made again for PCMA.
  auto crcx_a = h.gw("mgw1").sent(verb::crcx);
  ASSERT_EQ(crcx_a.size(), 2u);
  EXPECT_EQ(crcx_a[1].params.options->codecs, std::vector<std::string>{"PCMA"});
  EXPECT_EQ(h.gw("mgw1").count(verb::dlcx), 1u);
  EXPECT_EQ(h.gw("mgw1").connections.size(), 1u);
  EXPECT_EQ(h.counters.value("codec.fallback"), 1u);
  auto setup = h.link("mgw2").last_setup();
  ASSERT_EQ(h.link("mgw2").of("SETUP").size(), 1u);
  h.link("mgw2").network().on_connect(setup.ref);
  h.run_ms(10);
  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.at(0).codec, "PCMA");
}

TEST_F(call_flow, when_every_codec_is_refused_then_cause_58) {
  h.gw("mgw2").codecs = {"GSM"};
  const auto a_ref = h.call_from_a(1, "02015551234");
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 58);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_first_target_is_congested_then_route_advances) {
  h.gw("mgw2").override_answer = [](const mgcp::command& c) -> std::optional<mgcp::return_code> {
    if (c.verb == verb::crcx) return mgcp::return_code::insufficient_resources_now;
    return std::nullopt;
  };
  h.call_from_a(1, "03007777");
  h.run_ms(20);
  EXPECT_EQ(h.counters.value("route.advance"), 1u);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  // The second target is tg-a on mgw1: channel 1 is the caller's, so channel 2.
  auto setup = h.link("mgw1").last_setup();
  EXPECT_EQ(setup.channel, 2u);
  EXPECT_EQ(setup.called, "7777");
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::busy), 0u);
}

TEST_F(call_flow, when_all_channels_are_busy_then_cause_34) {
  for (unsigned ch = 1; ch <= 4; ++ch) h.call_from_a(ch, "02015550000");
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 4u);
  // A fifth call comes in on mgw2 for mgw2's own group: nothing idle there.
  auto ref = h.link("mgw2").incoming(0, "02015551111", "1");
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", ref)[0].cause, 34);
}

TEST_F(call_flow, when_both_sides_seize_the_same_channel_then_network_wins_and_call_rehunts) {
  h.call_from_a(1, "02015551234");
  auto& b = h.link("mgw2");
  auto first = b.last_setup();
  ASSERT_EQ(first.channel, 1u);
  // Glare: the network's SETUP names channel 1 before answering ours.
  auto in_ref = b.incoming(1, "01009999", "2020");
  h.run_ms(20);
  EXPECT_EQ(h.counters.value("calls.glare"), 1u);
  // Our attempt on channel 1 is cleared; the network's call has channel 1.
  ASSERT_EQ(b.of("DISCONNECT", first.ref).size(), 1u);
  ASSERT_EQ(b.of("CALL PROCEEDING", in_ref).size(), 1u);
  EXPECT_EQ(b.of("CALL PROCEEDING", in_ref)[0].channel, 1u);
  // The first call went again on channel 2, with a new far connection.
  auto second = b.last_setup();
  EXPECT_EQ(second.channel, 2u);
  EXPECT_NE(second.ref, first.ref);
  EXPECT_EQ(h.gw("mgw2").sent(verb::dlcx, "ds/e1-1/1").size(), 1u);
  // The network's call goes to mgw1 channel 2 (the caller has 1).
  EXPECT_EQ(h.link("mgw1").last_setup().channel, 2u);
  EXPECT_EQ(h.ca->active_calls(), 2u);

  // Both complete and clear cleanly.
  b.network().on_connect(second.ref);
  h.link("mgw1").network().on_connect(h.link("mgw1").last_setup().ref);
  h.run_ms(10);
  EXPECT_EQ(h.counters.value("calls.answered"), 2u);
  b.network().on_disconnect(second.ref, cause::normal_clearing);
  b.network().on_disconnect(in_ref, cause::normal_clearing);
  h.run_ms(20);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.size(), 2u);
}

TEST_F(call_flow, when_far_end_refuses_channel_then_another_channel_is_tried) {
  h.call_from_a(1, "02015551234");
  auto& b = h.link("mgw2");
  auto first = b.last_setup();
  // RELEASE COMPLETE cause 44 in answer to our SETUP.
  b.network().on_release(first.ref, cause::requested_channel_not_available);
  h.run_ms(20);
  auto second = b.last_setup();
  EXPECT_EQ(second.channel, 2u);
  EXPECT_EQ(h.counters.value("route.rehunt"), 1u);
  EXPECT_EQ(h.gw("mgw2").connections.size(), 1u);
}

TEST_F(call_flow, when_far_gateway_stops_answering_mid_setup_then_everything_is_released) {
  h.gw("mgw2").answering = false;
  const auto a_ref = h.call_from_a(1, "02015551234");
  EXPECT_EQ(h.ca->active_calls(), 1u);
  // RFC 3435 §4.3: Max2 retransmissions of the CRCX, then the transaction fails.
  h.run(std::chrono::seconds(60));
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 38);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  EXPECT_EQ(h.gw("mgw1").count(verb::dlcx), 1u);
  h.expect_nothing_left();
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::disconnected);
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 4u);
  EXPECT_EQ(h.ca->circuits().count("mgw1", circuit_state::idle), 4u);
  EXPECT_EQ(h.records.records.size(), 1u);
}

TEST_F(call_flow, when_link_goes_down_mid_call_then_other_side_is_cleared) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_connect(setup.ref);
  h.run_ms(10);
  h.link("mgw2").down();
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 38);
  h.expect_nothing_left();
  EXPECT_EQ(h.ca->circuits().count("mgw2", circuit_state::blocked), 4u);
}

TEST_F(call_flow, when_event_is_illegal_in_state_then_it_is_counted_and_ignored) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  // CONNECT on the originating (incoming) call makes no sense from the network.
  h.link("mgw1").network().on_connect(a_ref);
  EXPECT_EQ(h.counters.value("leg.illegal_event"), 1u);
  EXPECT_EQ(h.ca->active_calls(), 1u);
}

TEST_F(call_flow, when_far_side_sends_progress_then_caller_gets_progress_and_early_media) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_progress(setup.ref);
  h.run_ms(10);
  EXPECT_EQ(h.link("mgw1").of("PROGRESS", a_ref).size(), 1u);
  EXPECT_EQ(mode_of(h.gw("mgw1").sent(verb::mdcx).back()), connection_mode_kind::recvonly);
  // ALERTING afterwards needs no second MDCX: early media is already on.
  h.link("mgw2").network().on_alerting(setup.ref);
  h.run_ms(10);
  EXPECT_EQ(h.link("mgw1").of("ALERTING", a_ref).size(), 1u);
  EXPECT_EQ(h.gw("mgw1").count(verb::mdcx), 2u);
}

TEST_F(call_flow, when_caller_releases_without_disconnect_then_call_is_cleared) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw1").network().on_release(a_ref, cause::temporary_failure);
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref)[0].cause, 41);
  EXPECT_EQ(h.link("mgw1").of("RELEASE", a_ref).size(), 0u);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_route_has_only_sip_targets_then_cause_3) {
  const auto a_ref = h.call_from_a(1, "04001234");
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 3);
  EXPECT_EQ(h.counters.value("route.sip_unavailable"), 1u);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_called_number_has_letters_then_cause_28) {
  const auto a_ref = h.call_from_a(1, "0201ABC");
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 28);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_originating_link_drops_during_setup_then_far_side_is_cleared) {
  h.call_from_a(1, "02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw1").down();
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref)[0].cause, 38);
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.at(0).released_by, released_by::caller);
}

TEST_F(call_flow, when_setup_reuses_a_reference_in_use_then_it_is_ignored) {
  const auto a_ref = h.call_from_a(1, "02015551234");
  q931_setup again;
  again.ref = a_ref;
  again.channel = 2;
  again.called = "02015550000";
  h.link("mgw1").network().on_setup(again);
  h.run_ms(20);
  EXPECT_EQ(h.counters.value("q931.duplicate_setup"), 1u);
  EXPECT_EQ(h.ca->active_calls(), 1u);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 1u);
}

TEST_F(call_flow, when_network_setup_only_prefers_the_channel_then_our_call_keeps_it) {
  h.call_from_a(1, "02015551234");
  auto& b = h.link("mgw2");
  auto first = b.last_setup();
  // Q.931 Annex D.3 c): network preferred against our exclusive: the network's call moves.
  q931_setup s;
  s.ref = q931_call_ref{0x9001};
  s.channel = first.channel;
  s.exclusive = false;
  s.called = "01009999";
  b.network().on_setup(s);
  h.run_ms(20);
  ASSERT_EQ(b.of("CALL PROCEEDING", s.ref).size(), 1u);
  EXPECT_EQ(b.of("CALL PROCEEDING", s.ref)[0].channel, 2u);
  EXPECT_EQ(b.of("DISCONNECT", first.ref).size(), 0u);
  EXPECT_EQ(b.of("SETUP").size(), 1u);
  EXPECT_EQ(h.counters.value("calls.glare"), 1u);
  EXPECT_EQ(h.ca->active_calls(), 2u);
}

TEST_F(call_flow, when_originating_gateway_stops_answering_mid_setup_then_caller_is_cleared) {
  h.gw("mgw1").answering = false;
  const auto a_ref = h.call_from_a(1, "02015551234");
  h.run(std::chrono::seconds(60));
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 38);
  EXPECT_EQ(h.gw("mgw2").count(verb::crcx), 0u);
  EXPECT_EQ(h.ca->state_of("mgw1"), gateway_state::disconnected);
  EXPECT_EQ(h.ca->active_calls(), 0u);
  EXPECT_EQ(h.ca->q931_refs(), 0u);
  EXPECT_EQ(h.ca->pending_mgcp(), 0u);
  EXPECT_EQ(h.records.records.at(0).released_by, released_by::gateway);
}

TEST_F(call_flow, when_far_gateway_restarts_while_its_crcx_is_in_flight_then_nothing_leaks) {
  // 1 ms each way: the far CRCX leaves at +2 ms and its answer is back at +4 ms. The RSIP
  // sent at +2 ms arrives at +3 ms, between the two.
  const auto a_ref = h.link("mgw1").incoming(1, "02015551234", "0100111");
  h.run_ms(2);
  h.gw("mgw2").send_rsip("*", mgcp::restart_method_kind::restart);
  h.run_ms(20);
  ASSERT_EQ(h.gw("mgw2").count(verb::crcx), 1u);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 41);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  // The connection the late CRCX answer created is deleted, not forgotten.
  EXPECT_EQ(h.gw("mgw2").count(verb::dlcx), 1u);
  h.run(std::chrono::seconds(1));
  h.expect_nothing_left();
  EXPECT_EQ(h.ca->state_of("mgw2"), gateway_state::in_service);
}

TEST_F(call_flow, when_network_takes_a_channel_we_only_reserved_then_our_attempt_moves) {
  // The far CRCX on mgw2 channel 1 leaves at +2 ms; the network's SETUP for channel 1 comes
  // at +3 ms, before our SETUP went out.
  const auto a_ref = h.link("mgw1").incoming(1, "02015551234", "0100111");
  h.run_ms(3);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 0u);
  auto in_ref = h.link("mgw2").incoming(1, "01009999", "2020");
  h.run_ms(20);
  EXPECT_EQ(h.counters.value("calls.glare"), 1u);
  ASSERT_EQ(h.link("mgw2").of("CALL PROCEEDING", in_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw2").of("CALL PROCEEDING", in_ref)[0].channel, 1u);
  ASSERT_EQ(h.link("mgw2").of("SETUP").size(), 1u);
  EXPECT_EQ(h.link("mgw2").last_setup().channel, 2u);
  // The connection made on channel 1 for our attempt was deleted when its answer came.
  EXPECT_EQ(h.gw("mgw2").sent(verb::dlcx, "ds/e1-1/1").size(), 1u);
  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.link("mgw2").network().on_disconnect(in_ref, cause::normal_clearing);
  h.run_ms(20);
  h.expect_nothing_left();
}

TEST_F(call_flow, when_many_calls_run_back_to_back_then_every_one_is_recorded_and_nothing_leaks) {
  // 500 answered calls, four at a time (one per channel), both directions and both clearing
  // sides: the circuits, references and connections all come back every time.
  constexpr int rounds = 125;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::pair<q931_call_ref, q931_call_ref>> calls;
    for (unsigned ch = 1; ch <= 4; ++ch) {
      const bool from_a = (round + ch) % 2 == 0;
      auto& in = h.link(from_a ? "mgw1" : "mgw2");
      auto& out = h.link(from_a ? "mgw2" : "mgw1");
      const auto ref = in.incoming(0, from_a ? "02015550000" : "01005550000", "1");
      h.run_ms(10);
      const auto far = out.last_setup().ref;
      out.network().on_alerting(far);
      out.network().on_connect(far);
      calls.emplace_back(ref, far);
      h.run_ms(5);
    }
    EXPECT_EQ(h.ca->circuits().count(circuit_state::busy), 8u);
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const bool from_a = (round + i + 1) % 2 == 0;
      if (i % 2 == 0)
        h.link(from_a ? "mgw1" : "mgw2").network().on_disconnect(calls[i].first, cause::normal_clearing);
      else
        h.link(from_a ? "mgw2" : "mgw1").network().on_disconnect(calls[i].second, cause::normal_clearing);
    }
    h.run_ms(20);
  }
  h.expect_nothing_left();
  EXPECT_EQ(h.records.records.size(), static_cast<std::size_t>(rounds * 4));
  EXPECT_EQ(h.counters.value("calls.answered"), static_cast<std::uint64_t>(rounds * 4));
  EXPECT_EQ(h.counters.value("leg.illegal_event"), 0u);
  EXPECT_EQ(h.counters.value("q931.unknown_ref"), 0u);
  EXPECT_EQ(h.counters.value("mgcp.timeouts"), 0u);
}

}  // namespace
}  // namespace tandem::callagent::test
