// The scenario parser on bad input: each error names the file, the line, the column and
// what is wrong; a file with several mistakes reports them all.
#include <gtest/gtest.h>

#include "lab/runner/scenario/parser.hpp"

namespace tandem::lab::runner {
namespace {

struct bad_case {
  const char* text;
  int line;
  int column;
  const char* says;
};

// Every text starts with a valid header on line 1 unless the case is about headers.
const bad_case cases[] = {
    {"call A:1 -> B:2\n", 1, 1, "statement outside a scenario"},
    {"scenario x\ncall A:1 -> B:2\n", 1, 10, "goes in quotes"},
    {"scenario \"\"\ncall A:1 -> B:2\n", 1, 10, "name is empty"},
    {"scenario \"a\nc\n", 1, 10, "never closed"},
    {"scenario \"a\" extra\ncall A:1 -> B:2\n", 1, 14, "unexpected \"extra\""},
    {"scenario \"a\"\n", 1, 0, "has no call"},
    {"", 1, 0, "no scenario in this file"},
    {"scenario \"a\"\ncall A:1 -> B:2\nscenario \"a\"\ncall A:1 -> B:2\n", 3, 10, "defined twice"},
    {"scenario \"a\"\nexpect A answered within 1s\n", 2, 1, "before the call"},
    {"scenario \"a\"\ncall A:1 -> B:2\ncall A:1 -> B:2\n", 3, 1, "one call"},
    {"scenario \"a\"\ncall A1001 -> B:2\n", 2, 6, "NODE:NUMBER"},
    {"scenario \"a\"\ncall A:1001 B:2\n", 2, 13, "expected \"->\""},
    {"scenario \"a\"\ncall A:1001 ->\n", 2, 15, "expected the called party"},
    {"scenario \"a\"\ncall A:10x1 -> B:2\n", 2, 6, "digits, * and #"},
    {"scenario \"a\"\ncall A:1 -> A:2\n", 2, 13, "both parties are on node"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect C answered within 1s\n", 3, 8, "not a leg of this call"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A ringing within 1s\n", 3, 10, "cannot expect \"ringing\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A answered\n", 3, 18, "expected \"within\" here"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A answered within 2 seconds\n", 3, 26, "expected a duration"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A answered within 0ms\n", 3, 26, "out of range"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A answered cause 16 within 1s\n", 3, 19, "a cause goes with"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A released cause 0 within 1s\n", 3, 25, "out of range (1 to 127)"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A released cause 128 within 1s\n", 3, 25, "out of range"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A setup within 1s\n", 3, 10, "called leg only"},
    {"scenario \"a\"\ncall A:1 -> B:2\nhangup A cause sixteen\n", 3, 16, "whole number"},
    {"scenario \"a\"\ncall A:1 -> B:2\nhangup A because 16\n", 3, 10, "expected \"cause\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A noise\n", 3, 8, "cannot play \"noise\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A tone 1020\n", 3, 13, "frequency such as 1020Hz"},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A tone 5000Hz\n", 3, 13, "out of range (50Hz to 3900Hz)"},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A tone 1020Hz -70dBm0\n", 3, 20, "out of range"},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A tone 1020Hz 1s 2s\n", 3, 23, "unexpected \"2s\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A dtmf \"12x\"\n", 3, 13, "not a DTMF digit"},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A dtmf\n", 3, 12, "DTMF digits"},
    {"scenario \"a\"\ncall A:1 -> B:2\nplay A file\n", 3, 12, "media file"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears noise within 1s\n", 3, 16, "cannot hear \"noise\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears tone within 1s\n", 3, 21, "frequency"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears silence within 1s\n", 3, 24, "expected \"for\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears tone 1000Hz within 1s delay below 5ms\n", 3, 38, "marker and files only"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears marker within 1s snr above 30\n", 3, 43, "ratio in dB"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect B hears marker within 1s delay below 5ms delay below 6ms\n", 3, 49, "once"},
    {"scenario \"a\"\ncall A:1 -> B:2\nwait\n", 3, 5, "expected a duration here"},
    // call ... dial NUMBER (a call agent's route between the two numbers)
    {"scenario \"a\"\ncall A:1 -> B:2 dial\n", 2, 21, "the number the caller dials"},
    {"scenario \"a\"\ncall A:1 -> B:2 dial 02x1\n", 2, 22, "not a number to dial"},
    {"scenario \"a\"\ncall A:1 -> B:2 via 0201\n", 2, 17, "unexpected \"via\""},
    {"scenario \"a\"\ncall A:1 -> B:2 dial 0201 0202\n", 2, 27, "unexpected \"0202\""},
    // expect record [codec C] [cause N] [route R] within D
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record within 1s\n", 3, 8, "at least one of codec, cause or route"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record codec G711 within 1s\n", 3, 21, "unknown codec \"G711\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record codec\n", 3, 20, "a codec name"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record codec PCMA\n", 3, 25, "expected \"within\" here"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record cause 200 within 1s\n", 3, 21, "out of range"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record codec PCMA codec PCMU within 1s\n", 3, 26, "may follow once"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record colour red within 1s\n", 3, 15, "unexpected \"colour\""},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect record cause 16 within 1s extra\n", 3, 34, "unexpected \"extra\""},
    // expect LEG status CODE within D (a SIP leg's final response)
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A status 180 within 1s\n", 3, 17, "out of range"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A status ok within 1s\n", 3, 17, "whole number"},
    {"scenario \"a\"\ncall A:1 -> B:2\nexpect A status 486\n", 3, 20, "expected \"within\" here"},
    {"scenario \"a\"\ncall A:1 -> B:2\nwait 1s 2s\n", 3, 9, "unexpected \"2s\""},
    {"scenario \"a\"\ncall A:1 -> B:2\ndial A 123\n", 3, 1, "unknown statement \"dial\""},
    {"scenario \"a\"\ncall A:1 -> B:2\n\"quoted\" A\n", 3, 1, "starts with a keyword"},
    {"scenario \"a\"\ncall A:1 -> B:2\nrepeat 3\n", 3, 1, "belongs before the call"},
    {"scenario \"a\"\nrepeat 0\ncall A:1 -> B:2\n", 2, 8, "out of range"},
    {"scenario \"a\"\nrepeat 2\nload 10 calls at 1/s max 2\ncall A:1 -> B:2\n", 3, 1, "exclude each other"},
    {"scenario \"a\"\nload 10 calls at 1 max 2\ncall A:1 -> B:2\n", 2, 18, "call rate such as 5/s"},
    {"scenario \"a\"\nload 10 at 1/s max 2\ncall A:1 -> B:2\n", 2, 9, "expected \"calls\""},
    {"scenario \"a\"\nload 10 calls at 1/s\ncall A:1 -> B:2\n", 2, 21, "expected \"max\" here"},
    {"scenario \"a\"\ncall A:1 -> B:2\nanswer\n", 3, 7, "expected a leg"},
};

TEST(bad_scenarios, when_a_scenario_is_wrong_then_the_error_names_file_line_column_and_reason) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_scenarios(c.text, "bad.scn");
    ASSERT_FALSE(r.has_value());
    ASSERT_FALSE(r.error().empty());
    const auto& e = r.error().front();
    EXPECT_EQ(e.file, "bad.scn");
    EXPECT_EQ(e.line, c.line) << e.to_string();
    EXPECT_EQ(e.column, c.column) << e.to_string();
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.to_string();
  }
}

TEST(bad_scenarios, when_several_lines_are_wrong_then_every_one_is_reported_in_order) {
  auto r = parse_scenarios("scenario \"a\"\ncall A:1 -> B:2\nwait 2\nplay A tone 1kHz\nhangup A\nexpect A gone within 1s\n",
                           "many.scn");
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 3u);
  EXPECT_EQ(r.error()[0].line, 3);
  EXPECT_EQ(r.error()[1].line, 4);
  EXPECT_EQ(r.error()[2].line, 6);
  EXPECT_EQ(r.error()[0].to_string(), "many.scn:3:6: expected a duration such as 500ms, 2s or 1min, not \"2\"");
}

TEST(bad_scenarios, when_the_file_cannot_be_read_then_that_is_the_error) {
  auto r = parse_scenario_file("/nonexistent/x.scn");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().front().message, "cannot read the file");
}

}  // namespace
}  // namespace tandem::lab::runner
