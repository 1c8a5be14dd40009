#include "proto/mgcp/transaction/envelope.hpp"

#include <gtest/gtest.h>

namespace tandem::mgcp {
namespace {

using code = envelope_error::code;

// RFC 3435 §3.5.5's example shape: a response piggybacked with a command.
constexpr std::string_view piggybacked =
    "200 1203 OK\n"
    ".\n"
    "DLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\n"
    "C: A3C47F21456789F0\n"
    "I: FDE234C8\n";

// ---- split_datagram -------------------------------------------------------------------------

TEST(mgcp_envelope_split, when_no_dot_line_then_whole_datagram_is_one_message) {
  const std::string_view d = "RQNT 1201 aaln/1@rgw.example.net MGCP 1.0\nX: 0123456789AC\n";
  auto parts = split_datagram(d);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0], d);
}

TEST(mgcp_envelope_split, when_dot_line_then_messages_are_split_in_order) {
  auto parts = split_datagram(piggybacked);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0], "200 1203 OK\n");
  EXPECT_EQ((*parts)[1],
            "DLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\nC: A3C47F21456789F0\nI: FDE234C8\n");
}

TEST(mgcp_envelope_split, when_crlf_line_ends_then_dot_line_is_recognised) {
  auto parts = split_datagram("200 1 OK\r\n.\r\n250 2 OK\r\n.\r\n000 3\r\n");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0], "200 1 OK\r\n");
  EXPECT_EQ((*parts)[1], "250 2 OK\r\n");
  EXPECT_EQ((*parts)[2], "000 3\r\n");
}

TEST(mgcp_envelope_split, when_dot_line_is_last_without_eol_then_it_still_separates) {
  auto parts = split_datagram("200 1 OK\n.");
  ASSERT_FALSE(parts);  // the message after the separator is empty
  EXPECT_EQ(parts.error().what, code::empty);
  EXPECT_EQ(parts.error().position, 10u);
}

TEST(mgcp_envelope_split, when_line_holds_dot_and_more_then_it_is_not_a_separator) {
  auto parts = split_datagram("200 1 OK\n. \n.x\n..\nv=0\n");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->size(), 1u);
}

TEST(mgcp_envelope_split, when_datagram_is_white_space_then_error_empty) {
  for (std::string_view d : {"", " ", "\r\n", "\n\t \n"}) {
    auto parts = split_datagram(d);
    ASSERT_FALSE(parts) << d;
    EXPECT_EQ(parts.error().what, code::empty);
  }
}

TEST(mgcp_envelope_split, when_message_between_separators_is_empty_then_error_with_its_position) {
  auto parts = split_datagram("200 1 OK\n.\n\n.\n200 2 OK\n");
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error().what, code::empty);
  EXPECT_EQ(parts.error().position, 11u);
}

TEST(mgcp_envelope_split, when_datagram_starts_with_separator_then_error_empty_at_zero) {
  auto parts = split_datagram(".\n200 1 OK\n");
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error().what, code::empty);
  EXPECT_EQ(parts.error().position, 0u);
}

// ---- join_datagram --------------------------------------------------------------------------

TEST(mgcp_envelope_join, when_messages_joined_then_split_gives_them_back) {
  const std::vector<std::string> msgs = {"200 1203 OK\n",
                                         "DLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\n"
                                         "C: A3C47F21456789F0\n"};
  const std::string d = join_datagram(msgs);
  EXPECT_EQ(d, "200 1203 OK\n.\nDLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\n"
               "C: A3C47F21456789F0\n");
  auto parts = split_datagram(d);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0], msgs[0]);
  EXPECT_EQ((*parts)[1], msgs[1]);
}

TEST(mgcp_envelope_join, when_message_lacks_final_eol_then_one_is_added_before_the_dot) {
  EXPECT_EQ(join_datagram({"200 1 OK", "200 2 OK"}), "200 1 OK\n.\n200 2 OK");
  EXPECT_EQ(join_datagram({"200 1 OK\r\nI: 1", "200 2 OK\r\n"}),
            "200 1 OK\r\nI: 1\r\n.\r\n200 2 OK\r\n");
}

TEST(mgcp_envelope_join, when_one_or_no_message_then_no_separator) {
  EXPECT_EQ(join_datagram({}), "");
  EXPECT_EQ(join_datagram({"200 1 OK\n"}), "200 1 OK\n");
}

// ---- peek: commands -------------------------------------------------------------------------

TEST(mgcp_envelope_peek, when_command_then_verb_id_endpoint_and_version_are_read) {
  auto env = peek("CRCX 1204 aaln/1@rgw-2567.whatever.net MGCP 1.0\nC: A3C47F21456789F0\n");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->kind, message_kind::command);
  EXPECT_EQ(env->verb, "CRCX");
  EXPECT_EQ(env->id, transaction_id{1204});
  EXPECT_EQ(env->endpoint, "aaln/1@rgw-2567.whatever.net");
  EXPECT_EQ(env->version, "1.0");
  EXPECT_EQ(env->profile, "");
  EXPECT_EQ(env->response_code, 0);
  EXPECT_FALSE(env->has_response_ack);
}

TEST(mgcp_envelope_peek, when_command_has_profile_and_tabs_and_lower_case_then_it_is_accepted) {
  auto env = peek("crcx\t7  *@gw.example.net\tmgcp 1.0 NCS 1.0  \r\n");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->verb, "crcx");
  EXPECT_EQ(env->id, transaction_id{7});
  EXPECT_EQ(env->endpoint, "*@gw.example.net");
  EXPECT_EQ(env->profile, "NCS 1.0");
}

TEST(mgcp_envelope_peek, when_extension_verb_then_it_is_accepted_as_written) {
  auto env = peek("XYZ1 5 ds/e1-1/1@mgw MGCP 1.0\n");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->verb, "XYZ1");
}

TEST(mgcp_envelope_peek, when_verb_is_not_four_alphanumerics_then_bad_first_line) {
  for (std::string_view m : {"CRC 1 a@b MGCP 1.0\n", "CRCXX 1 a@b MGCP 1.0\n",
                             "CR-X 1 a@b MGCP 1.0\n",
                             " CRCX 1 a@b MGCP 1.0\n"}) {
    auto env = peek(m);
    ASSERT_FALSE(env) << m;
    EXPECT_EQ(env.error().what, code::bad_first_line) << m;
  }
}

TEST(mgcp_envelope_peek, when_first_character_is_a_digit_then_it_is_read_as_a_response) {
  auto env = peek("1RCX 1 a@b MGCP 1.0\n");
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().what, code::bad_response_code);
}

TEST(mgcp_envelope_peek, when_command_transaction_id_out_of_range_then_bad_transaction_id) {
  for (std::string_view m : {"CRCX 0 a@b MGCP 1.0\n", "CRCX 1000000000 a@b MGCP 1.0\n",
                             "CRCX 12a a@b MGCP 1.0\n", "CRCX -1 a@b MGCP 1.0\n"}) {
    auto env = peek(m);
    ASSERT_FALSE(env) << m;
    EXPECT_EQ(env.error().what, code::bad_transaction_id) << m;
    EXPECT_EQ(env.error().position, 5u) << m;
  }
}

TEST(mgcp_envelope_peek, when_command_transaction_id_is_limit_or_has_leading_zeros_then_accepted) {
  auto a = peek("CRCX 999999999 a@b MGCP 1.0\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, transaction_id{max_transaction_id});
  auto b = peek("CRCX 000000042 a@b MGCP 1.0\n");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, transaction_id{42});
}

TEST(mgcp_envelope_peek, when_version_missing_or_bad_then_error_still_carries_transaction_id) {
  for (std::string_view m : {"CRCX 77 a@b\n", "CRCX 77 a@b SGCP 1.0\n", "CRCX 77 a@b MGCP\n",
                             "CRCX 77 a@b MGCP 1\n", "CRCX 77 a@b MGCP x.0\n",
                             "CRCX 77 a@b MGCP1.0\n", "CRCX 77 \n"}) {
    auto env = peek(m);
    ASSERT_FALSE(env) << m;
    EXPECT_EQ(env.error().what, code::bad_first_line) << m;
    EXPECT_EQ(env.error().id, transaction_id{77}) << m;
    EXPECT_EQ(env.error().kind, message_kind::command) << m;
  }
}

TEST(mgcp_envelope_peek, when_tail_is_malformed_then_first_line_and_k_are_still_read) {
  auto env = peek("MDCX 1210 aaln/1@rgw MGCP 1.0\nK: 1200-1205\nthis is not a parameter\n"
                  "M: \x01\x02 garbage\n\nv=bogus");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->verb, "MDCX");
  EXPECT_EQ(env->id, transaction_id{1210});
  EXPECT_TRUE(env->has_response_ack);
  EXPECT_EQ(env->response_ack, "1200-1205");
}

TEST(mgcp_envelope_peek, when_k_line_in_any_case_then_it_is_found_and_trimmed) {
  auto env = peek("NTFY 9 a@b MGCP 1.0\nX: 1\nk:\t 3, 5-6 \r\n");
  ASSERT_TRUE(env);
  EXPECT_TRUE(env->has_response_ack);
  EXPECT_EQ(env->response_ack, "3, 5-6");
}

TEST(mgcp_envelope_peek, when_k_appears_only_in_the_sdp_then_it_is_not_a_response_ack) {
  auto env = peek("200 9 OK\nI: 1\n\nv=0\nk:prompt\n");
  ASSERT_TRUE(env);
  EXPECT_FALSE(env->has_response_ack);
}

TEST(mgcp_envelope_peek, when_first_line_exceeds_max_length_then_line_too_long) {
  std::string m = "CRCX 1 " + std::string(max_line_length, 'a') + "@b MGCP 1.0\n";
  auto env = peek(m);
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().what, code::line_too_long);
}

TEST(mgcp_envelope_peek, when_message_is_white_space_or_starts_with_empty_line_then_error) {
  auto a = peek(" \r\n");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().what, code::empty);
  auto b = peek("\nCRCX 1 a@b MGCP 1.0\n");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().what, code::bad_first_line);
}

TEST(mgcp_envelope_peek, when_text_is_binary_garbage_then_error_not_crash) {
  const char raw[] = {'\xff', '\x00', 'C', '\n', '\x80', '.', '\n'};
  auto env = peek(std::string_view(raw, sizeof raw));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().what, code::bad_first_line);
}

// ---- peek: responses ------------------------------------------------------------------------

TEST(mgcp_envelope_peek, when_response_then_code_id_and_text_are_read) {
  auto env = peek("200 1203 OK\nI: FDE234C8\n\nv=0\n");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->kind, message_kind::response);
  EXPECT_EQ(env->response_code, 200);
  EXPECT_EQ(env->id, transaction_id{1203});
  EXPECT_EQ(env->response_text, "OK");
  EXPECT_EQ(env->verb, "");
}

TEST(mgcp_envelope_peek, when_response_has_no_text_or_a_package_then_both_are_accepted) {
  auto ack = peek("000 1203\n");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->response_code, 0);
  EXPECT_EQ(ack->response_text, "");
  auto pkg = peek("801 1203 /foo package specific\n");
  ASSERT_TRUE(pkg);
  EXPECT_EQ(pkg->response_code, 801);
  EXPECT_EQ(pkg->response_text, "/foo package specific");
}

TEST(mgcp_envelope_peek, when_final_response_has_empty_k_then_it_asks_for_a_response_ack) {
  auto env = peek("200 1203 OK\nK:\nI: 1\n");
  ASSERT_TRUE(env);
  EXPECT_TRUE(env->has_response_ack);
  EXPECT_EQ(env->response_ack, "");
}

TEST(mgcp_envelope_peek, when_response_code_is_not_three_digits_then_bad_response_code) {
  for (std::string_view m : {"20 1 OK\n", "2000 1 OK\n", "20a 1 OK\n"}) {
    auto env = peek(m);
    ASSERT_FALSE(env) << m;
    EXPECT_EQ(env.error().what, code::bad_response_code) << m;
    EXPECT_EQ(env.error().kind, message_kind::response) << m;
  }
}

TEST(mgcp_envelope_peek, when_response_transaction_id_is_bad_then_bad_transaction_id) {
  for (std::string_view m : {"200\n", "200 OK\n", "200 1234567890 OK\n", "200 12x OK\n"}) {
    auto env = peek(m);
    ASSERT_FALSE(env) << m;
    EXPECT_EQ(env.error().what, code::bad_transaction_id) << m;
  }
}

TEST(mgcp_envelope_peek, when_response_text_has_control_character_then_bad_first_line_with_id) {
  auto env = peek(std::string_view("200 5 O\x01K\n"));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().what, code::bad_first_line);
  EXPECT_EQ(env.error().id, transaction_id{5});
  EXPECT_EQ(env.error().position, 7u);
}

// ---- parse_response_ack / format_response_ack -----------------------------------------------

TEST(mgcp_envelope_response_ack, when_rfc_example_then_ranges_in_order) {
  // RFC 3435 §3.2.2.19's example.
  auto r = parse_response_ack("6234-6255, 6257, 19030-19044");
  ASSERT_TRUE(r);
  const std::vector<transaction_range> want = {
      {transaction_id{6234}, transaction_id{6255}},
      {transaction_id{6257}, transaction_id{6257}},
      {transaction_id{19030}, transaction_id{19044}}};
  EXPECT_EQ(*r, want);
}

TEST(mgcp_envelope_response_ack, when_empty_or_white_then_no_ranges) {
  for (std::string_view v : {"", "  ", "\t"}) {
    auto r = parse_response_ack(v);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
  }
}

TEST(mgcp_envelope_response_ack, when_white_space_around_items_then_accepted) {
  auto r = parse_response_ack(" 1 ,2-3 ,\t4 ");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 3u);
}

TEST(mgcp_envelope_response_ack, when_malformed_then_bad_response_ack_with_position) {
  struct bad_case {
    std::string_view value;
    std::size_t position;
  };
  for (auto [v, p] : {bad_case{"1,", 2}, bad_case{",1", 0}, bad_case{"1 2", 2},
                      bad_case{"5-3", 0}, bad_case{"1 - 3", 2}, bad_case{"0", 0},
                      bad_case{"1000000000", 0}, bad_case{"1-", 0}, bad_case{"a", 0},
                      bad_case{"1;2", 1}}) {
    auto r = parse_response_ack(v);
    ASSERT_FALSE(r) << v;
    EXPECT_EQ(r.error().what, code::bad_response_ack) << v;
    EXPECT_EQ(r.error().position, p) << v;
  }
}

TEST(mgcp_envelope_response_ack, when_formatted_then_parse_gives_the_ranges_back) {
  const std::vector<transaction_range> ranges = {
      {transaction_id{1}, transaction_id{3}},
      {transaction_id{7}, transaction_id{7}},
      {transaction_id{999'999'990}, transaction_id{max_transaction_id}}};
  const std::string text = format_response_ack(ranges);
  EXPECT_EQ(text, "1-3, 7, 999999990-999999999");
  auto back = parse_response_ack(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, ranges);
  EXPECT_EQ(format_response_ack({}), "");
}

}  // namespace
}  // namespace tandem::mgcp
