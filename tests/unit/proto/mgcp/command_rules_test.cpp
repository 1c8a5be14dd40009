#include <gtest/gtest.h>

#include "proto/mgcp/command_rules.hpp"
#include "proto/mgcp/parser.hpp"

namespace tandem::mgcp {
namespace {

parse_error error_of(std::string_view text) {
  auto m = parse_message(text);
  EXPECT_FALSE(m.has_value()) << text;
  return m ? parse_error{} : m.error();
}

TEST(mgcp_command_rules, when_a_mandatory_parameter_is_missing_then_510_names_the_transaction) {
  const auto e = error_of("CRCX 1 aaln/1@gw MGCP 1.0\nC: 1\n");  // no M:
  EXPECT_EQ(e.code, return_code::protocol_error);
  EXPECT_EQ(e.id->value(), 1u);
  EXPECT_EQ(error_of("RQNT 2 aaln/1@gw MGCP 1.0\nR: L/hd\n").code, return_code::protocol_error);
  EXPECT_EQ(error_of("NTFY 3 aaln/1@gw MGCP 1.0\nX: 1\n").code, return_code::protocol_error);
  EXPECT_EQ(error_of("MDCX 4 aaln/1@gw MGCP 1.0\nC: 1\n").code, return_code::protocol_error);
  EXPECT_EQ(error_of("AUCX 5 aaln/1@gw MGCP 1.0\nI: 1\n").code, return_code::protocol_error);
  EXPECT_EQ(error_of("RSIP 6 aaln/1@gw MGCP 1.0\nRD: 0\n").code, return_code::protocol_error);
  EXPECT_EQ(error_of("EPCF 7 aaln/1@gw MGCP 1.0\n").code, return_code::protocol_error);
}

TEST(mgcp_command_rules, when_a_parameter_does_not_belong_to_the_command_then_539_points_at_its_line) {
  const std::string text = "AUEP 8 aaln/1@gw MGCP 1.0\nF: A\nRM: restart\n";
  const auto e = error_of(text);
  EXPECT_EQ(e.code, return_code::invalid_command_parameter);
  EXPECT_EQ(e.position, text.find("RM:"));
  EXPECT_EQ(error_of("RSIP 9 aaln/1@gw MGCP 1.0\nRM: restart\nM: sendrecv\n").code,
            return_code::invalid_command_parameter);
}

TEST(mgcp_command_rules, when_sdp_comes_where_no_descriptor_belongs_then_510) {
  const std::string sdp = "\nv=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
  EXPECT_EQ(error_of("RQNT 10 aaln/1@gw MGCP 1.0\nX: 1\n" + sdp).code, return_code::protocol_error);
  EXPECT_EQ(error_of("CRCX 11 aaln/1@gw MGCP 1.0\nC: 1\nM: sendrecv\nZ2: aaln/2@gw\n" + sdp).code,
            return_code::protocol_error);
  EXPECT_TRUE(parse_message("CRCX 12 aaln/1@gw MGCP 1.0\nC: 1\nM: sendrecv\n" + sdp));
}

TEST(mgcp_command_rules, when_rules_are_off_then_the_same_text_parses) {
  parse_options o;
  o.check_command_rules = false;
  EXPECT_TRUE(parse_message("CRCX 1 aaln/1@gw MGCP 1.0\nC: 1\n", o));
}

TEST(mgcp_command_rules, when_encapsulated_requests_ride_on_connection_commands_then_they_are_accepted) {
  EXPECT_TRUE(parse_message("CRCX 13 aaln/1@gw MGCP 1.0\nC: 1\nM: recvonly\nX: 2\nR: L/hu(N)\nS: L/rg\nD: xx\nQ: process\nT: G/ft\n"));
  EXPECT_TRUE(parse_message("DLCX 14 aaln/1@gw MGCP 1.0\nC: 1\nI: 2\nE: 900 - Hardware error\nP: PS=1\n"));
}

}  // namespace
}  // namespace tandem::mgcp
