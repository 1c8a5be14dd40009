/// The MGCP service end to end without a socket: datagram text in, datagram text out, through
/// the transaction engine, the parser, the agent and the serializer.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "codecs/core_codecs.hpp"
#include "common/manual_clock.hpp"
#include "gateway/app/mgcp_service.hpp"
#include "tests/unit/gateway/mgcp/fake_media_control.hpp"

namespace tandem::gateway::app {
namespace {

namespace m = tandem::mgcp;

class mgcp_service_fixture : public ::testing::Test {
 protected:
  mgcp_service_fixture() {
    codecs::register_core_codecs(reg_);
    mgcp::agent_config c;
    c.domain = "mgw.tandem.test";
    c.spans = {mgcp::span_config{1, false, {}}};
    c.codecs = {"PCMU", "PCMA"};
    service_ = std::make_unique<mgcp_service>(c, reg_, media_, clock_, agent_counters_, transaction_counters_,
                                              [this](const m::peer& to, std::string_view d) {
                                                sent_.emplace_back(to, std::string(d));
                                              });
  }
  codecs::registry reg_;
  manual_clock clock_;
  mgcp::test::fake_media_control media_;
  counter_set agent_counters_{"mgcp_agent"};
  counter_set transaction_counters_{"mgcp"};
  std::vector<std::pair<m::peer, std::string>> sent_;
  std::unique_ptr<mgcp_service> service_;
  const m::peer ca_{"127.0.0.1", 2727};
};

constexpr const char* crcx =
    "CRCX 4711 ds/e1-1/$@mgw.tandem.test MGCP 1.0\r\nC: 1A\r\nM: recvonly\r\nL: a:PCMA\r\n";

TEST_F(mgcp_service_fixture, when_a_crcx_datagram_arrives_then_the_answer_carries_its_id_the_endpoint_and_sdp) {
  service_->on_datagram(ca_, crcx);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].first, ca_);
  const auto& text = sent_[0].second;
  EXPECT_EQ(text.rfind("200 4711 OK\r\n", 0), 0u) << text;
  EXPECT_NE(text.find("Z: ds/e1-1/1@mgw.tandem.test\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("m=audio 16000 RTP/AVP 8 101\r\n"), std::string::npos) << text;
  EXPECT_EQ(service_->agent().connection_count(), 1u);
}

TEST_F(mgcp_service_fixture, when_a_wildcard_crcx_is_retransmitted_then_the_same_answer_comes_and_one_endpoint_is_taken) {
  service_->on_datagram(ca_, crcx);
  service_->on_datagram(ca_, crcx);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].second, sent_[1].second);
  EXPECT_EQ(service_->agent().connection_count(), 1u);
  EXPECT_EQ(media_.live.size(), 1u);
}

TEST_F(mgcp_service_fixture, when_a_stranger_sends_then_nothing_is_answered_and_no_transaction_is_kept) {
  service_->on_datagram(m::peer{"203.0.113.9", 2727}, crcx);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(service_->transactions().incoming_count(), 0u);
  EXPECT_EQ(agent_counters_.value("rx.refused_peer"), 1u);
  EXPECT_EQ(service_->agent().connection_count(), 0u);
}

TEST_F(mgcp_service_fixture, when_the_verb_is_unknown_then_504_with_the_request_transaction_id) {
  service_->on_datagram(ca_, "FOOB 123 ds/e1-1/1@mgw.tandem.test MGCP 1.0\r\n");
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].second.rfind("504 123 ", 0), 0u) << sent_[0].second;
}

TEST_F(mgcp_service_fixture, when_the_gateway_starts_then_rsip_goes_out_and_the_answer_puts_it_in_service) {
  service_->agent().start();
  clock_.advance(std::chrono::milliseconds(0));
  ASSERT_EQ(sent_.size(), 1u);
  const auto& rsip = sent_[0].second;
  ASSERT_EQ(rsip.rfind("RSIP ", 0), 0u) << rsip;
  EXPECT_NE(rsip.find(" *@mgw.tandem.test MGCP 1.0\r\n"), std::string::npos) << rsip;
  EXPECT_NE(rsip.find("RM: restart\r\n"), std::string::npos) << rsip;
  const auto id = rsip.substr(5, rsip.find(' ', 5) - 5);
  EXPECT_EQ(service_->agent().state(), mgcp::agent_state::restarting);
  service_->on_datagram(ca_, "200 " + id + " OK\r\n");
  EXPECT_EQ(service_->agent().state(), mgcp::agent_state::in_service);
}

TEST_F(mgcp_service_fixture, when_the_call_agent_never_answers_the_rsip_then_it_is_retransmitted_and_the_agent_disconnects) {
  service_->agent().start();
  clock_.advance(std::chrono::milliseconds(0));
  // Bounded: Max2 retransmissions with timers capped at 4 s end well within two minutes.
  for (int i = 0; i < 120 && service_->agent().state() != mgcp::agent_state::disconnected; ++i)
    clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(service_->agent().state(), mgcp::agent_state::disconnected);
  EXPECT_GT(sent_.size(), 2u);
  EXPECT_EQ(agent_counters_.value("rsip.failed"), 1u);
}

}  // namespace
}  // namespace tandem::gateway::app
