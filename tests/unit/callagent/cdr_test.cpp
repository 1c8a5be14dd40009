/// Call detail records: the CSV file written by a real call, checked field by field.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "tests/unit/callagent/harness.hpp"

namespace tandem::callagent::test {
namespace {

/// RFC 4180 split of one line.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

class cdr_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    path = (std::filesystem::temp_directory_path() / ("tandem-cdr-" + std::to_string(::getpid()) + ".csv")).string();
    std::filesystem::remove(path);
  }
  void TearDown() override { std::filesystem::remove(path); }
  std::string path;
};

TEST_F(cdr_file_test, when_call_ends_then_one_line_with_every_column_is_appended) {
  {
    harness h(harness_config, path);
    h.start();
    const auto a_ref = h.call_from_a(3, "02015551234", "0100123");
    auto setup = h.link("mgw2").last_setup();
    h.link("mgw2").network().on_alerting(setup.ref);
    h.run(std::chrono::milliseconds(2'500));
    h.link("mgw2").network().on_connect(setup.ref);
    h.run(std::chrono::seconds(61));
    h.link("mgw2").network().on_disconnect(setup.ref, cause::normal_clearing);
    h.run_ms(20);
    h.expect_nothing_left();
    (void)a_ref;
  }
  auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], cdr_header());
  auto names = split_csv(lines[0]);
  auto values = split_csv(lines[1]);
  ASSERT_EQ(names.size(), values.size());
  std::map<std::string, std::string> f;
  for (std::size_t i = 0; i < names.size(); ++i) f[names[i]] = values[i];

  EXPECT_FALSE(f["record"].empty());
  EXPECT_FALSE(f["call_id"].empty());
  EXPECT_EQ(f["calling"], "0100123");
  EXPECT_EQ(f["called"], "02015551234");
  EXPECT_EQ(f["called_out"], "5551234");
  EXPECT_EQ(f["route"], "to-b");
  EXPECT_EQ(f["orig_kind"], "pri");
  EXPECT_EQ(f["orig_gateway"], "mgw1");
  EXPECT_EQ(f["orig_endpoint"], "ds/e1-1/3@mgw1");
  EXPECT_FALSE(f["orig_connection"].empty());
  EXPECT_EQ(f["term_kind"], "pri");
  EXPECT_EQ(f["term_gateway"], "mgw2");
  EXPECT_EQ(f["term_endpoint"], "ds/e1-1/1@mgw2");
  for (const char* side : {"orig", "term"}) {
    const std::string s = side;
    EXPECT_EQ(f[s + "_packets_sent"], "1000");
    EXPECT_EQ(f[s + "_octets_sent"], "160000");
    EXPECT_EQ(f[s + "_packets_received"], "990");
    EXPECT_EQ(f[s + "_octets_received"], "158400");
    EXPECT_EQ(f[s + "_packets_lost"], "10");
    EXPECT_EQ(f[s + "_jitter_ms"], "3");
    EXPECT_EQ(f[s + "_latency_ms"], "40");
  }
  EXPECT_EQ(f["codec"], "G729");
  // Times are ISO 8601 UTC with milliseconds: 24 characters ending in Z.
  EXPECT_EQ(f["seizure"].size(), 24u);
  EXPECT_EQ(f["seizure"].back(), 'Z');
  EXPECT_LT(f["seizure"], f["alerting"]);
  EXPECT_LT(f["alerting"], f["answer"]);
  EXPECT_LT(f["answer"], f["release"]);
  EXPECT_EQ(f["duration_ms"], "61000");
  EXPECT_EQ(f["cause"], "16");
  EXPECT_EQ(f["released_by"], "callee");
}

TEST_F(cdr_file_test, when_file_exists_then_records_are_appended_without_a_second_header) {
  for (int i = 0; i < 2; ++i) {
    harness h(harness_config, path);
    h.start();
    h.call_from_a(1, "0999");  // unknown: cause 1
    h.run_ms(10);
  }
  auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], cdr_header());
  EXPECT_EQ(split_csv(lines[1]).size(), split_csv(lines[0]).size());
  EXPECT_EQ(split_csv(lines[2]).size(), split_csv(lines[0]).size());
}

TEST(cdr_format, when_field_holds_comma_or_quote_then_it_is_quoted) {
  cdr_record r;
  r.calling = "a,b";
  r.called = "say \"hi\"";
  const std::string line = format_cdr(r);
  auto fields = split_csv(line);
  EXPECT_EQ(fields[2], "a,b");
  EXPECT_EQ(fields[3], "say \"hi\"");
  EXPECT_EQ(fields.size(), split_csv(cdr_header()).size());
}

TEST(cdr_format, when_time_is_formatted_then_iso_8601_utc_with_milliseconds) {
  const auto t = std::chrono::system_clock::time_point{} + std::chrono::milliseconds(1'795'000'000'123LL);
  EXPECT_EQ(format_utc(t), "2026-11-18T11:06:40.123Z");
}

TEST(cdr_format, when_file_cannot_be_opened_then_error_names_it) {
  auto f = cdr_file::open("/nonexistent-dir/cdr.csv", false);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("/nonexistent-dir/cdr.csv"), std::string::npos);
}

}  // namespace
}  // namespace tandem::callagent::test
