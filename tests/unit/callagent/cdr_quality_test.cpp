/// The CDR's last two columns: the call's MOS-CQE and its per-call trace file (docs/cdr.md).
#include <gtest/gtest.h>

#include "callagent/cdr_writer.hpp"

namespace tandem::callagent {
namespace {

/// The fields of a line with no quoted field (every field these tests write is plain).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else out.back().push_back(c);
  }
  return out;
}

cdr_record answered_record() {
  cdr_record r;
  r.record = 7;
  r.call_id = "A1B2";
  r.calling = "0100123";
  r.called = "02015551234";
  r.codec = "G729";
  r.seizure = cdr_record::wall_time(std::chrono::seconds(1'800'000'000));
  r.answer = r.seizure + std::chrono::seconds(3);
  r.release = r.seizure + std::chrono::seconds(10);
  return r;
}

TEST(cdr_quality, when_the_header_is_written_then_it_ends_with_mos_cqe_and_trace_file) {
  const auto names = fields_of(cdr_header());
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names[names.size() - 2], "mos_cqe");
  EXPECT_EQ(names.back(), "trace_file");
}

TEST(cdr_quality, when_a_call_has_a_mos_and_a_trace_then_both_are_written_in_their_columns) {
  auto r = answered_record();
  r.mos_cqe = 4.0937;
  r.trace_file = "/var/lib/tandem/traces/call-7-A1B2.pcapng";
  const auto names = fields_of(cdr_header());
  const auto values = fields_of(format_cdr(r));
  ASSERT_EQ(values.size(), names.size());
  EXPECT_EQ(values[values.size() - 2], "4.09");
  EXPECT_EQ(values.back(), "/var/lib/tandem/traces/call-7-A1B2.pcapng");
  EXPECT_EQ(values[values.size() - 3], "call_agent");  // released_by stays where it was
}

TEST(cdr_quality, when_a_call_has_no_mos_and_no_trace_then_both_columns_are_empty) {
  const auto r = answered_record();
  const auto values = fields_of(format_cdr(r));
  ASSERT_EQ(values.size(), fields_of(cdr_header()).size());
  EXPECT_EQ(values[values.size() - 2], "");
  EXPECT_EQ(values.back(), "");
}

TEST(cdr_quality, when_the_trace_path_holds_a_comma_then_it_is_quoted) {
  auto r = answered_record();
  r.trace_file = "/tmp/a,b/call-7-A1B2.pcapng";
  const auto line = format_cdr(r);
  EXPECT_NE(line.find(",\"/tmp/a,b/call-7-A1B2.pcapng\""), std::string::npos) << line;
  EXPECT_EQ(line.back(), '"');
}

TEST(cdr_quality, when_the_mos_is_at_the_scale_ends_then_it_prints_with_two_decimals) {
  auto r = answered_record();
  r.mos_cqe = 1.0;
  EXPECT_EQ(fields_of(format_cdr(r)).rbegin()[1], "1.00");
  r.mos_cqe = 4.5;
  EXPECT_EQ(fields_of(format_cdr(r)).rbegin()[1], "4.50");
}

}  // namespace
}  // namespace tandem::callagent
