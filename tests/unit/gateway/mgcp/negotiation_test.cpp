#include <gtest/gtest.h>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "gateway/mgcp/codec_negotiation.hpp"

namespace tandem::gateway::mgcp {
namespace {

class negotiation : public ::testing::Test {
 protected:
  negotiation() {
    codecs::register_core_codecs(reg_);
    codecs::register_backend_codecs(reg_);
    caps_ = load_capabilities(reg_, {"PCMU", "PCMA", "G729", "NOSUCH"}, &missing_);
  }
  expected<negotiation_result, rejection> run(const tandem::mgcp::local_connection_options* lco,
                                              const char* sdp_text) {
    std::optional<sdp::session_description> remote;
    if (sdp_text != nullptr) remote = sdp::parse(sdp_text).value();
    return negotiate({&caps_, lco, remote ? &*remote : nullptr, true, 101, std::chrono::milliseconds(20)});
  }
  codecs::registry reg_;
  std::vector<codec_capability> caps_;
  std::vector<std::string> missing_;
};

TEST_F(negotiation, when_a_configured_codec_is_not_built_then_it_is_left_out_and_reported) {
  ASSERT_EQ(caps_.size(), 3u);
  ASSERT_EQ(missing_.size(), 1u);
  EXPECT_EQ(missing_.front(), "NOSUCH");
}

TEST_F(negotiation, when_the_call_agent_lists_codecs_then_its_order_wins) {
  tandem::mgcp::local_connection_options lco;
  lco.codecs = {"G729", "PCMA"};
  auto r = run(&lco, "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                     "m=audio 4000 RTP/AVP 8 0 18 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:30\r\n");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->codecs.size(), 2u);
  EXPECT_EQ(r->codecs[0].encoding, "G729");
  EXPECT_EQ(r->codecs[1].encoding, "PCMA");
  EXPECT_EQ(r->telephone_event_payload_type, 101u);
  EXPECT_EQ(r->ptime.count(), 30);
  ASSERT_TRUE(r->remote.has_value());
  EXPECT_EQ(r->remote->port, 4000);
}

TEST_F(negotiation, when_nothing_is_in_common_then_534) {
  auto r = run(nullptr, "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, failure::codec_negotiation_failed);
}

TEST_F(negotiation, when_bandwidth_excludes_the_listed_codec_then_524) {
  tandem::mgcp::local_connection_options lco;
  lco.codecs = {"PCMU"};
  lco.bandwidth_kbps = tandem::mgcp::value_range{8, 8};
  auto r = run(&lco, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, failure::options_conflict);
}

TEST_F(negotiation, when_ptime_fits_no_codec_then_535) {
  tandem::mgcp::local_connection_options lco;
  lco.packetization_ms = tandem::mgcp::value_range{5, 5};
  auto r = run(&lco, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, failure::packetization_unsupported);
}

TEST_F(negotiation, when_there_is_no_remote_then_we_offer_everything_with_telephone_event) {
  auto r = run(nullptr, nullptr);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->codecs.size(), 3u);
  EXPECT_EQ(r->codecs[2].payload_type, 18u);
  const auto answer = build_answer(*r, {"127.0.0.1", 16000}, tandem::mgcp::connection_mode_kind::recvonly, 7, 1);
  EXPECT_NE(answer.find("m=audio 16000 RTP/AVP 0 8 18 101"), std::string::npos) << answer;
  EXPECT_NE(answer.find("a=recvonly"), std::string::npos) << answer;
  EXPECT_EQ(answer.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace tandem::gateway::mgcp

namespace tandem::gateway::mgcp {
namespace {

constexpr const char* offer_head = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n";

TEST_F(negotiation, when_a_g711_offer_lists_static_cn_then_the_answer_accepts_it_with_its_rtpmap) {
  auto r = run(nullptr, (std::string(offer_head) + "m=audio 4000 RTP/AVP 0 13 101\r\na=rtpmap:101 telephone-event/8000\r\n").c_str());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->codecs.front().encoding, "PCMU");
  EXPECT_EQ(r->comfort_noise_payload_type, 13u);
  const auto sdp = build_answer(*r, local_media{"127.0.0.1", 16000}, tandem::mgcp::connection_mode_kind::sendrecv, 1, 1);
  EXPECT_NE(sdp.find("m=audio 16000 RTP/AVP 0 101 13\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:13 CN/8000"), std::string::npos) << sdp;
}

TEST_F(negotiation, when_cn_is_offered_on_a_dynamic_type_then_that_type_is_answered) {
  auto r = run(nullptr, (std::string(offer_head) + "m=audio 4000 RTP/AVP 8 97\r\na=rtpmap:97 CN/8000\r\n").c_str());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->comfort_noise_payload_type, 97u);
}

TEST_F(negotiation, when_cn_is_not_offered_or_the_codec_is_not_g711_then_no_cn_is_answered) {
  auto plain = run(nullptr, (std::string(offer_head) + "m=audio 4000 RTP/AVP 0\r\n").c_str());
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->comfort_noise_payload_type.has_value());
  const auto sdp = build_answer(*plain, local_media{"127.0.0.1", 16000}, tandem::mgcp::connection_mode_kind::sendrecv, 1, 1);
  EXPECT_EQ(sdp.find("CN/8000"), std::string::npos) << sdp;
  // G.729 has its own silence frames (Annex B): RFC 3389 CN is not for it.
  auto g729 = run(nullptr, (std::string(offer_head) + "m=audio 4000 RTP/AVP 18 13\r\n").c_str());
  ASSERT_TRUE(g729.has_value());
  EXPECT_EQ(g729->codecs.front().encoding, "G729");
  EXPECT_FALSE(g729->comfort_noise_payload_type.has_value());
  // Without a remote offer (the first leg) CN is not offered.
  auto first_leg = run(nullptr, nullptr);
  ASSERT_TRUE(first_leg.has_value());
  EXPECT_FALSE(first_leg->comfort_noise_payload_type.has_value());
}

}  // namespace
}  // namespace tandem::gateway::mgcp
