/// Calls with a SIP leg through the call agent: fake PRI links and gateways as in
/// call_flow_test, a fake SIP side (tests/unit/callagent/fake_sip_side.hpp) standing for the
/// Sofia adapter. docs/sip.md walks these flows.
#include <gtest/gtest.h>

#include "tests/unit/callagent/fake_sip_side.hpp"
#include "tests/unit/callagent/harness.hpp"

namespace tandem::callagent::test {
namespace {

using mgcp::connection_mode_kind;
using mgcp::verb;

constexpr const char* peer_sdp =
    "v=0\no=peer 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\nt=0 0\nm=audio 4000 RTP/AVP 0\n"
    "a=rtpmap:0 PCMU/8000\n";
constexpr const char* offer_sdp =
    "v=0\no=peer 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\nt=0 0\nm=audio 4002 RTP/AVP 8\n"
    "a=rtpmap:8 PCMA/8000\n";

connection_mode_kind mode_of(const mgcp::command& c) {
  return c.params.mode ? c.params.mode->kind : connection_mode_kind::extension;
}

class sip_call : public ::testing::Test {
 protected:
  void SetUp() override {
    h.ca->attach_sip(sip);
    h.start();
  }
  sip_handler& peer() { return *sip.handler; }

  /// PSTN call from mgw1 channel 1 to `called` (route 0500: the carrier, then tg-b).
  q931_call_ref call_to_sip(const std::string& called = "05001234") { return h.call_from_a(1, called); }

  /// An INVITE from the SIP side for `called` with a PCMA offer.
  sip_dialog_ref invite_from_sip(const std::string& called, const std::string& offer = offer_sdp) {
    const sip_dialog_ref d{77};
    peer().on_invite(sip_invite{d, called, "5550000", offer, "198.51.100.7"});
    h.run_ms(20);
    return d;
  }

  harness h;
  fake_sip_side sip;
};

TEST_F(sip_call, when_pstn_calls_sip_peer_then_invite_offers_the_originating_connection_sdp) {
  call_to_sip();
  auto crcx = h.gw("mgw1").sent(verb::crcx);
  ASSERT_EQ(crcx.size(), 1u);
  EXPECT_EQ(mode_of(crcx[0]), connection_mode_kind::inactive);
  EXPECT_TRUE(crcx[0].sessions.empty());  // no remote SDP: the gateway's answer is our offer
  auto invites = sip.of("INVITE");
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_EQ(invites[0].to.type, sip_destination::kind::peer);
  EXPECT_EQ(invites[0].to.name, "carrier");
  EXPECT_EQ(invites[0].called, "05001234");
  EXPECT_EQ(invites[0].calling, "0100111");
  ASSERT_TRUE(invites[0].sdp);
  EXPECT_NE(invites[0].sdp->find("PCMU/8000"), std::string::npos) << *invites[0].sdp;
  EXPECT_TRUE(h.gw("mgw2").sent(verb::crcx).empty());
}

TEST_F(sip_call, when_sip_peer_rings_and_answers_then_caller_is_alerted_and_cut_through_with_its_sdp) {
  const auto a_ref = call_to_sip();
  auto& a = h.link("mgw1");
  const sip_dialog_ref d = sip.of("INVITE").at(0).dialog;
  peer().on_provisional(d, 180, std::nullopt);
  h.run_ms(10);
  EXPECT_EQ(a.of("ALERTING", a_ref).size(), 1u);
  peer().on_answer(d, peer_sdp);
  h.run_ms(10);
  auto mdcx = h.gw("mgw1").sent(verb::mdcx);
  ASSERT_FALSE(mdcx.empty());
  EXPECT_EQ(mode_of(mdcx.back()), connection_mode_kind::sendrecv);
  ASSERT_EQ(mdcx.back().sessions.size(), 1u);
  EXPECT_NE(mdcx.back().sessions[0].find("m=audio 4000"), std::string::npos);  // the peer's SDP is the remote
  EXPECT_EQ(a.of("CONNECT", a_ref).size(), 1u);

  a.network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  auto hangups = sip.of("HANGUP");
  ASSERT_EQ(hangups.size(), 1u);
  EXPECT_EQ(hangups[0].dialog, d);
  EXPECT_EQ(hangups[0].cause, 16);
  h.expect_nothing_left();
  ASSERT_EQ(h.records.records.size(), 1u);
  const auto& r = h.records.records[0];
  EXPECT_EQ(r.originating.kind, "pri");
  EXPECT_EQ(r.terminating.kind, "sip");
  EXPECT_EQ(r.codec, "PCMU");
  EXPECT_EQ(r.released_by, released_by::caller);
  EXPECT_TRUE(r.answer.has_value());
}

TEST_F(sip_call, when_sip_peer_sends_183_with_sdp_then_caller_hears_early_media) {
  const auto a_ref = call_to_sip();
  const sip_dialog_ref d = sip.of("INVITE").at(0).dialog;
  peer().on_provisional(d, 183, std::string(peer_sdp));
  h.run_ms(10);
  auto mdcx = h.gw("mgw1").sent(verb::mdcx);
  ASSERT_EQ(mdcx.size(), 1u);
  EXPECT_EQ(mode_of(mdcx[0]), connection_mode_kind::recvonly);
  ASSERT_EQ(mdcx[0].sessions.size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("PROGRESS", a_ref).size(), 1u);
}

TEST_F(sip_call, when_sip_peer_answers_404_then_caller_is_cleared_with_cause_1) {
  const auto a_ref = call_to_sip();
  const sip_dialog_ref d = sip.of("INVITE").at(0).dialog;
  peer().on_failure(d, 404, cause::unallocated_number);
  h.run_ms(20);
  ASSERT_EQ(h.link("mgw1").of("DISCONNECT", a_ref).size(), 1u);
  EXPECT_EQ(h.link("mgw1").of("DISCONNECT", a_ref)[0].cause, 1);
  EXPECT_TRUE(sip.of("HANGUP").empty());  // the dialog is over already
  h.expect_nothing_left();
}

TEST_F(sip_call, when_sip_peer_is_congested_then_route_advances_to_the_trunk_group) {
  call_to_sip();
  peer().on_failure(sip.of("INVITE").at(0).dialog, 503, cause::temporary_failure);
  h.run_ms(20);
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 1u);
  EXPECT_EQ(h.counters.value("route.advance"), 1u);
}

TEST_F(sip_call, when_peer_fails_its_options_keepalive_then_routes_skip_it_until_it_answers) {
  peer().on_peer_state("carrier", false);
  call_to_sip();
  EXPECT_TRUE(sip.of("INVITE").empty());
  EXPECT_EQ(h.link("mgw2").of("SETUP").size(), 1u);
  EXPECT_EQ(h.counters.value("route.sip_peer_down"), 1u);
  peer().on_peer_state("carrier", true);
  h.link("mgw1").incoming(2, "05001234", "0100111");
  h.run_ms(20);
  EXPECT_EQ(sip.of("INVITE").size(), 1u);
}

TEST_F(sip_call, when_488_comes_back_then_the_next_codec_is_offered) {
  call_to_sip();
  peer().on_failure(sip.of("INVITE").at(0).dialog, 488, cause::bearer_capability_not_implemented);
  h.run_ms(30);
  auto invites = sip.of("INVITE");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_NE(invites[1].sdp->find("PCMA/8000"), std::string::npos) << *invites[1].sdp;
  EXPECT_EQ(h.counters.value("codec.fallback"), 1u);
}

TEST_F(sip_call, when_pstn_caller_abandons_then_the_sip_leg_is_ended_with_its_cause) {
  const auto a_ref = call_to_sip();
  h.link("mgw1").network().on_disconnect(a_ref, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(sip.of("HANGUP").size(), 1u);
  EXPECT_EQ(sip.of("HANGUP")[0].cause, 16);
  // A late answer from the peer for a dialog already ended changes nothing.
  peer().on_answer(sip.of("INVITE").at(0).dialog, peer_sdp);
  h.run_ms(10);
  h.expect_nothing_left();
}

TEST_F(sip_call, when_sip_invite_arrives_then_far_timeslot_takes_the_offer_and_200_carries_the_gateway_answer) {
  const sip_dialog_ref d = invite_from_sip("02015551234");
  auto crcx = h.gw("mgw2").sent(verb::crcx);
  ASSERT_EQ(crcx.size(), 1u);
  ASSERT_EQ(crcx[0].sessions.size(), 1u);
  // RFC 3264: the offer is the remote descriptor.
  EXPECT_NE(crcx[0].sessions[0].find("m=audio 4002 RTP/AVP 8"), std::string::npos) << crcx[0].sessions[0];
  EXPECT_TRUE(h.gw("mgw1").sent(verb::crcx).empty());
  auto& b = h.link("mgw2");
  auto setup = b.last_setup();
  EXPECT_EQ(setup.called, "5551234");
  EXPECT_EQ(setup.calling, "5550000");

  b.network().on_alerting(setup.ref);
  h.run_ms(10);
  auto prov = sip.of("PROVISIONAL");
  ASSERT_EQ(prov.size(), 1u);
  EXPECT_EQ(prov[0].status, 180);
  ASSERT_TRUE(prov[0].sdp);  // early media: the far gateway's answer
  EXPECT_NE(prov[0].sdp->find("m=audio"), std::string::npos);

  b.network().on_connect(setup.ref);
  h.run_ms(1);
  EXPECT_TRUE(sip.of("ANSWER").empty());  // not before the gateway took sendrecv
  h.run_ms(10);
  auto mdcx = h.gw("mgw2").sent(verb::mdcx);
  ASSERT_FALSE(mdcx.empty());
  EXPECT_EQ(mode_of(mdcx.back()), connection_mode_kind::sendrecv);
  auto answers = sip.of("ANSWER");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].dialog, d);
  EXPECT_EQ(*answers[0].sdp, *prov[0].sdp);

  peer().on_hangup(d, cause::normal_clearing);
  h.run_ms(20);
  ASSERT_EQ(b.of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_EQ(b.of("DISCONNECT", setup.ref)[0].cause, 16);
  h.expect_nothing_left();
  ASSERT_EQ(h.records.records.size(), 1u);
  EXPECT_EQ(h.records.records[0].originating.kind, "sip");
  EXPECT_EQ(h.records.records[0].terminating.kind, "pri");
  EXPECT_EQ(h.records.records[0].released_by, released_by::caller);
}

TEST_F(sip_call, when_pstn_side_is_busy_then_sip_caller_gets_the_cause) {
  const sip_dialog_ref d = invite_from_sip("02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_disconnect(setup.ref, cause::user_busy);
  h.run_ms(20);
  auto hangups = sip.of("HANGUP");
  ASSERT_EQ(hangups.size(), 1u);
  EXPECT_EQ(hangups[0].dialog, d);
  EXPECT_EQ(hangups[0].cause, 17);  // the adapter answers 486 (RFC 3398 §8.2.6.1)
  h.expect_nothing_left();
}

TEST_F(sip_call, when_invite_has_an_unrouted_number_then_it_is_refused_with_cause_1) {
  const sip_dialog_ref d = invite_from_sip("0999");
  auto hangups = sip.of("HANGUP");
  ASSERT_EQ(hangups.size(), 1u);
  EXPECT_EQ(hangups[0].dialog, d);
  EXPECT_EQ(hangups[0].cause, 1);  // 404
  EXPECT_EQ(h.ca->active_calls(), 0u);
}

TEST_F(sip_call, when_invite_has_no_offer_then_it_is_refused_with_cause_65) {
  invite_from_sip("02015551234", "");
  ASSERT_EQ(sip.of("HANGUP").size(), 1u);
  EXPECT_EQ(sip.of("HANGUP")[0].cause, 65);  // 488
  EXPECT_TRUE(h.gw("mgw2").sent(verb::crcx).empty());
}

TEST_F(sip_call, when_sip_caller_cancels_while_pstn_rings_then_far_side_is_cleared) {
  const sip_dialog_ref d = invite_from_sip("02015551234");
  auto setup = h.link("mgw2").last_setup();
  h.link("mgw2").network().on_alerting(setup.ref);
  h.run_ms(10);
  peer().on_hangup(d, cause::normal_clearing);
  h.run_ms(20);
  EXPECT_EQ(h.link("mgw2").of("DISCONNECT", setup.ref).size(), 1u);
  EXPECT_TRUE(sip.of("HANGUP").empty());
  h.expect_nothing_left();
}

TEST_F(sip_call, when_route_targets_a_user_then_invite_goes_to_that_user) {
  h.call_from_a(1, "06001234");
  auto invites = sip.of("INVITE");
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_EQ(invites[0].to.type, sip_destination::kind::user);
  EXPECT_EQ(invites[0].to.name, "alice");
  EXPECT_EQ(invites[0].called, "1234");
}

}  // namespace
}  // namespace tandem::callagent::test
