#include <gtest/gtest.h>

#include "proto/mgcp/digit_map.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_values, when_connection_parameters_are_given_then_each_counter_is_read) {
  auto p = parse_connection_parameters("PS=1245, OS=62345, PR=780, OR=45123, PL=-2, JI=27,LA=48, X-RTT=5");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->packets_sent, 1245u);
  EXPECT_EQ(p->octets_received, 45123u);
  EXPECT_EQ(p->packets_lost, -2);
  EXPECT_EQ(p->latency_ms, 48u);
  ASSERT_EQ(p->extensions.size(), 1u);
  EXPECT_EQ(p->extensions[0].value, "5");
  EXPECT_FALSE(parse_connection_parameters("PS=abc"));
  EXPECT_FALSE(parse_connection_parameters("PS=1, PS=2"));
}

TEST(mgcp_values, when_restart_method_is_known_or_extension_then_parsed_else_536) {
  EXPECT_EQ(parse_restart_method("graceful")->kind, restart_method_kind::graceful);
  EXPECT_EQ(parse_restart_method("cancel-graceful")->kind, restart_method_kind::cancel_graceful);
  EXPECT_EQ(parse_restart_method("Disconnected")->kind, restart_method_kind::disconnected);
  EXPECT_EQ(parse_restart_method("X-warm")->kind, restart_method_kind::extension);
  EXPECT_EQ(parse_restart_method("reboot").error().code, return_code::unknown_restart_method);
}

TEST(mgcp_values, when_reason_code_has_text_then_code_and_text_are_split) {
  auto r = parse_reason_code("900 - Hardware error");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 900);
  EXPECT_EQ(r->text, "- Hardware error");
  EXPECT_FALSE(parse_reason_code("9x0"));
}

TEST(mgcp_values, when_requested_info_lists_codes_then_two_letter_codes_are_recognised) {
  auto f = parse_requested_info("R,D,S,X,N,I,T,O,ES,RC,LC");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->codes.size(), 11u);
  EXPECT_EQ(f->codes[8], parameter_code::event_states);
  EXPECT_EQ(f->codes[9], parameter_code::remote_connection_descriptor);
  EXPECT_EQ(parse_requested_info("R,ZZ").error().code, return_code::invalid_command_parameter);
}

TEST(mgcp_values, when_quarantine_handling_is_given_then_both_halves_are_read_else_508) {
  auto q = parse_quarantine_handling("discard, loop");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->disposition, quarantine_disposition::discard);
  EXPECT_EQ(q->mode, quarantine_mode::loop);
  EXPECT_EQ(parse_quarantine_handling("process, discard").error().code, return_code::unknown_quarantine_handling);
}

TEST(mgcp_values, when_digit_map_has_alternatives_and_ranges_then_each_pattern_is_kept) {
  auto d = parse_digit_map("(0T|00T|[2-9]xxxxxx|*xx|9011x.T)");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->patterns.size(), 5u);
  EXPECT_EQ(d->patterns[2], "[2-9]xxxxxx");
  EXPECT_FALSE(parse_digit_map("(1x|[9-2])"));
  EXPECT_FALSE(parse_digit_map(".1"));
  EXPECT_TRUE(parse_digit_map("")->patterns.empty());
}

TEST(mgcp_values, when_hex_ids_are_checked_then_length_and_digits_matter) {
  EXPECT_TRUE(parse_hex_id("A3C47F21456789F0", return_code::unknown_call_id));
  EXPECT_EQ(parse_hex_id(std::string(33, 'A'), return_code::unknown_call_id).error().code, return_code::unknown_call_id);
  EXPECT_EQ(parse_hex_id("xyz", return_code::incorrect_connection_id).error().offset, 0u);
}

TEST(mgcp_values, when_package_list_is_given_then_names_and_versions_are_read) {
  auto pl = parse_package_list("L:1, G:1, D:0");
  ASSERT_TRUE(pl);
  ASSERT_EQ(pl->size(), 3u);
  EXPECT_EQ((*pl)[0].name, "L");
  EXPECT_EQ((*pl)[2].version, 0u);
}

}  // namespace
}  // namespace tandem::mgcp

namespace tandem::mgcp {
namespace {

TEST(mgcp_parameter_code, when_every_code_is_looked_up_by_its_text_in_any_case_then_it_is_found) {
  for (int i = 0; i <= static_cast<int>(parameter_code::local_connection_descriptor); ++i) {
    const auto p = static_cast<parameter_code>(i);
    const std::string upper(code_text(p));
    std::string lower = upper;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(find_parameter_code(upper), p) << upper;
    EXPECT_EQ(find_parameter_code(lower), p) << lower;
  }
  EXPECT_FALSE(find_parameter_code("ZZ"));
  EXPECT_FALSE(find_parameter_code("K2"));
  EXPECT_FALSE(find_parameter_code(""));
  EXPECT_FALSE(find_parameter_code("RMX"));
}

}  // namespace
}  // namespace tandem::mgcp
