#include <gtest/gtest.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "proto/sdp/session.hpp"

namespace tandem::mgcp {
namespace {

constexpr std::string_view crcx_text =
    "CRCX 1204 ds/e1-1/17@gw.example.net:2427 MGCP 1.0\r\n"
    "C: A3C47F21456789F0\r\n"
    "L: p:20, a:PCMA;G729, e:on\r\n"
    "M: sendrecv\r\n"
    "X: 0123456789AD\r\n"
    "R: L/hd(N)\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 25678 753849 IN IP4 128.96.41.1\r\n"
    "s=-\r\n"
    "c=IN IP4 128.96.41.1\r\n"
    "t=0 0\r\n"
    "m=audio 3456 RTP/AVP 8 18\r\n"
    "a=rtpmap:18 G729/8000\r\n";

TEST(mgcp_parser, when_crcx_with_sdp_is_parsed_then_every_parameter_is_structured) {
  auto m = parse_message(crcx_text);
  ASSERT_TRUE(m) << m.error().reason;
  const auto& c = std::get<command>(*m);
  EXPECT_EQ(c.verb, verb::crcx);
  EXPECT_EQ(c.id.value(), 1204u);
  EXPECT_EQ(c.endpoint.local, "ds/e1-1/17");
  EXPECT_EQ(c.endpoint.domain.port, 2427);
  EXPECT_EQ(c.params.call->value(), "A3C47F21456789F0");
  EXPECT_EQ(c.params.options->packetization_ms, (value_range{20, 20}));
  EXPECT_EQ(c.params.mode->kind, connection_mode_kind::sendrecv);
  ASSERT_EQ(c.sessions.size(), 1u);
  EXPECT_EQ(c.sessions[0].find('\r'), std::string::npos) << "sessions are kept with LF line ends";
  auto sd = sdp::parse(c.sessions[0]);
  ASSERT_TRUE(sd);
  ASSERT_EQ(sd->media.size(), 1u);
  EXPECT_EQ(sd->media[0].port, 3456);
}

TEST(mgcp_parser, when_names_and_verbs_are_lower_case_and_lines_end_in_lf_then_it_parses_the_same) {
  auto upper = parse_message("RQNT 7 aaln/1@gw MGCP 1.0\nX: 1a\nR: L/hd(N)\n");
  auto lower = parse_message("rqnt 7 aaln/1@gw mgcp 1.0\nx: 1a\nr: L/hd(n)\n");
  ASSERT_TRUE(upper && lower);
  EXPECT_EQ(std::get<command>(*upper).params.requested_events, std::get<command>(*lower).params.requested_events);
  EXPECT_EQ(std::get<command>(*lower).params.request->value(), "1a");
}

TEST(mgcp_parser, when_version_carries_a_profile_then_it_is_accepted_and_kept) {
  auto ncs = parse_message("RSIP 2046 aaln/1@[192.168.2.1] MGCP 1.0 NCS 1.0\nRM: restart\n");
  ASSERT_TRUE(ncs) << ncs.error().reason;
  EXPECT_EQ(std::get<command>(*ncs).version.profile, "NCS 1.0");
  auto tgcp = parse_message("RSIP 1 ds/ds1-1/1@tgw MGCP 1.0 TGCP 1.0\nRM: restart\n");
  ASSERT_TRUE(tgcp);
  EXPECT_EQ(std::get<command>(*tgcp).version.profile, "TGCP 1.0");
  auto old_ncs = parse_message("RSIP 2046 aaln/1@[192.168.2.1] MGCP 0.1 NCS 1.0\nRM: restart\n");
  EXPECT_TRUE(old_ncs);
  auto bad = parse_message("AUEP 5 aaln/1@gw MGCP 2.0\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, return_code::incompatible_protocol_version);
}

TEST(mgcp_parser, when_every_command_verb_is_used_then_each_maps_to_its_verb) {
  for (auto v : {verb::epcf, verb::crcx, verb::mdcx, verb::dlcx, verb::rqnt, verb::ntfy, verb::auep, verb::aucx,
                 verb::rsip, verb::mesg}) {
    const std::string text = std::string(verb_text(v)) + " 42 aaln/1@gw MGCP 1.0\n";
    parse_options grammar_only;
    grammar_only.check_command_rules = false;  // the verbs' mandatory parameters are not the point
    auto m = parse_message(text, grammar_only);
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(std::get<command>(*m).verb, v);
  }
}

TEST(mgcp_parser, when_verb_is_unknown_then_504_with_the_transaction_to_answer) {
  auto m = parse_message("CRCZ 1205 aaln/1@gw MGCP 1.0\nC: 1\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, return_code::unknown_command);
  ASSERT_TRUE(m.error().answerable());
  EXPECT_EQ(m.error().id->value(), 1205u);
  EXPECT_EQ(m.error().verb, "CRCZ");
}

TEST(mgcp_parser, when_the_version_is_missing_then_510_keeps_verb_and_transaction) {
  auto m = parse_message("RQNT 1234 ds/ds1-1/17@tgw2.example.net\nX: 1\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, return_code::protocol_error);
  ASSERT_TRUE(m.error().answerable());
  EXPECT_EQ(m.error().id->value(), 1234u);
  EXPECT_EQ(m.error().verb, "RQNT");
}

TEST(mgcp_parser, when_a_value_is_bad_then_the_position_points_into_that_line) {
  const std::string text = "CRCX 9 aaln/1@gw MGCP 1.0\nC: 1\nM: sideways\n";
  auto m = parse_message(text);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, return_code::invalid_mode);
  EXPECT_EQ(m.error().position, text.find("sideways"));
  EXPECT_EQ(m.error().id->value(), 9u);
}

TEST(mgcp_parser, when_response_has_package_code_then_the_package_is_split_from_the_text) {
  auto m = parse_message("800 1001 /SCRIPT script failed\n");
  ASSERT_TRUE(m);
  const auto& r = std::get<response>(*m);
  EXPECT_EQ(to_int(r.code), 800);
  EXPECT_EQ(r.package, "SCRIPT");
  EXPECT_EQ(r.text, "script failed");
}

TEST(mgcp_parser, when_crcx_answer_has_two_session_descriptions_then_both_are_kept) {
  auto m = parse_message(
      "200 1203 OK\nI: FDE234C8\nI2: DFE233D1\n\nv=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
      "m=audio 1296 RTP/AVP 0\n\nv=0\no=- 2 2 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\nm=audio 1298 RTP/AVP 0\n");
  ASSERT_TRUE(m) << m.error().reason;
  const auto& r = std::get<response>(*m);
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.params.second_connection->value(), "DFE233D1");
  EXPECT_NE(r.sessions[1].find("10.0.0.2"), std::string::npos);
}

TEST(mgcp_parser, when_sdp_is_bad_then_509_unless_sdp_is_parsed_lazily) {
  const std::string text = "CRCX 10 aaln/1@gw MGCP 1.0\nC: 1\nM: sendrecv\n\nv=0\no=garbage\nm=audio x RTP/AVP 0\n";
  auto strict = parse_message(text);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code, return_code::remote_descriptor_error);
  EXPECT_GE(strict.error().position, text.find("v=0"));
  parse_options lazy_sdp;
  lazy_sdp.validate_sdp = false;
  auto lazy = parse_message(text, lazy_sdp);
  ASSERT_TRUE(lazy);
  EXPECT_FALSE(sdp::parse(std::get<command>(*lazy).sessions.at(0)));
}

TEST(mgcp_parser, when_datagram_is_piggybacked_then_each_message_is_parsed_and_positions_are_datagram_offsets) {
  const std::string dg = "200 2005 OK\n.\nDLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\nC: 1\nM: bogus\n";
  auto r = parse_datagram(dg);
  ASSERT_EQ(r.size(), 2u);
  ASSERT_TRUE(r[0]);
  ASSERT_FALSE(r[1]);
  EXPECT_EQ(r[1].error().position, dg.find("bogus"));
  EXPECT_EQ(r[1].error().id->value(), 1244u);
}

TEST(mgcp_parser, when_extension_parameters_are_present_then_vendor_ones_are_kept_and_mandatory_ones_refused) {
  auto ok = parse_message("RQNT 3 aaln/1@gw MGCP 1.0\nX-Trace: on\nB/PR: L/hd\nX: 1\n");
  ASSERT_TRUE(ok) << ok.error().reason;
  const auto& ext = std::get<command>(*ok).params.extensions;
  ASSERT_EQ(ext.size(), 2u);
  EXPECT_EQ(ext[0].name, "X-Trace");
  EXPECT_EQ(ext[1].name, "B/PR");
  auto bad = parse_message("RQNT 3 aaln/1@gw MGCP 1.0\nX+Must: on\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, return_code::unrecognized_extension);
}

TEST(mgcp_parser, when_wildcard_audit_answer_lists_endpoints_then_z_lines_repeat) {
  auto m = parse_message("200 1200 OK\nZ: aaln/1@rgw\nZ: aaln/2@rgw\nA: a:PCMU, p:10-100, e:on, s:off, v:L;S, m:sendonly;recvonly\nA: a:G729, p:30-90\n");
  ASSERT_TRUE(m) << m.error().reason;
  const auto& r = std::get<response>(*m);
  EXPECT_EQ(r.params.specific_endpoints.size(), 2u);
  EXPECT_EQ(r.params.capabilities.size(), 2u);
}

TEST(mgcp_parser, when_the_empty_v0_description_is_audited_then_it_is_accepted) {
  auto m = parse_message("200 1203 OK\n\nv=0\n");
  ASSERT_TRUE(m) << m.error().reason;
  EXPECT_EQ(std::get<response>(*m).sessions, std::vector<std::string>{"v=0"});
}

TEST(mgcp_serializer, when_crcx_is_serialised_then_the_wire_text_is_exact) {
  auto m = parse_message(crcx_text);
  ASSERT_TRUE(m);
  const std::string sdp_part(crcx_text.substr(crcx_text.find("\r\n\r\n") + 2));
  EXPECT_EQ(serialize(*m),
            "CRCX 1204 ds/e1-1/17@gw.example.net:2427 MGCP 1.0\r\n"
            "C: A3C47F21456789F0\r\n"
            "X: 0123456789AD\r\n"
            "L: p:20, a:PCMA;G729, e:on\r\n"
            "M: sendrecv\r\n"
            "R: L/hd(N)\r\n" + sdp_part);
  serialize_options lf;
  lf.crlf = false;
  EXPECT_EQ(serialize(*m, lf).find('\r'), std::string::npos);
}

TEST(mgcp_serializer, when_response_ack_and_empty_values_are_written_then_no_trailing_space_is_left) {
  response r;
  r.code = return_code::ok;
  r.id = transaction_id{1206};
  r.text = "OK";
  r.params.response_ack = std::vector<transaction_range>{};
  r.params.signal_requests = std::vector<signal_request>{};
  EXPECT_EQ(serialize(message{r}), "200 1206 OK\r\nK:\r\nS:\r\n");
}

}  // namespace
}  // namespace tandem::mgcp
