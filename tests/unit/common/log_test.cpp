/// common/log: the sink chosen by a daemon's `log` group, the level syntax, and the repeat
/// limiter for hot paths (docs/logging.md).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/log.hpp"
#include "common/log_limiter.hpp"
#include "common/log_sink.hpp"

namespace tandem::log {
namespace {

using std::chrono::milliseconds;
using time_point = repeat_limiter::clock::time_point;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count_of(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class log_file : public ::testing::Test {
 protected:
  void SetUp() override {
    path = (std::filesystem::temp_directory_path() / ("tandem-log-" + std::to_string(::getpid()) + ".log")).string();
    std::filesystem::remove(path);
  }
  void TearDown() override {
    use_stderr();
    set_default_level(spdlog::level::info);
    std::filesystem::remove(path);
  }
  std::string path;
};

TEST_F(log_file, when_the_file_sink_is_chosen_then_existing_and_new_loggers_write_to_it) {
  auto before = get("logtest_a");  // created before the switch
  auto settings = parse_settings("file", path, "", "info,logtest_b=debug");
  ASSERT_TRUE(settings) << settings.error().first << ": " << settings.error().second;
  ASSERT_TRUE(configure(*settings));
  before->info("line from a");
  get("logtest_b")->debug("debug from b");
  get("logtest_c")->debug("debug from c");  // info by default: not written
  before->flush();
  get("logtest_b")->flush();
  const auto text = read_file(path);
  EXPECT_NE(text.find("[logtest_a] line from a"), std::string::npos) << text;
  EXPECT_NE(text.find("[logtest_b] debug from b"), std::string::npos) << text;
  EXPECT_EQ(text.find("debug from c"), std::string::npos) << text;
  EXPECT_NE(text.find(" info "), std::string::npos) << text;  // the level is in each line
}

TEST_F(log_file, when_the_file_exists_then_lines_are_appended) {
  { std::ofstream(path) << "kept\n"; }
  ASSERT_TRUE(configure(*parse_settings("file", path, "", "")));
  get("logtest_a")->warn("appended");
  get("logtest_a")->flush();
  const auto text = read_file(path);
  EXPECT_EQ(text.rfind("kept\n", 0), 0u) << text;
  EXPECT_NE(text.find("appended"), std::string::npos) << text;
}

TEST_F(log_file, when_the_file_cannot_be_opened_then_the_error_names_it_and_the_old_sink_stays) {
  ASSERT_TRUE(configure(*parse_settings("file", path, "", "")));
  // A regular file where the folder should be: neither created nor opened.
  const auto bad = path + "/ca.log";
  auto r = configure(*parse_settings("file", bad, "", ""));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(bad), std::string::npos) << r.error();
  get("logtest_a")->info("still here");
  get("logtest_a")->flush();
  EXPECT_NE(read_file(path).find("still here"), std::string::npos);
}

TEST_F(log_file, when_syslog_is_chosen_then_it_is_accepted_and_stderr_can_come_back) {
  auto s = parse_settings("syslog", "", "tandem-test", "warn");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->sink, sink_kind::syslog);
  ASSERT_TRUE(configure(*s));
  EXPECT_EQ(get("logtest_a")->level(), spdlog::level::warn);
  use_stderr();
}

TEST(log_settings_text, when_a_setting_is_wrong_then_the_error_names_it) {
  auto bad_sink = parse_settings("journal", "", "", "");
  ASSERT_FALSE(bad_sink);
  EXPECT_EQ(bad_sink.error().first, "sink");
  auto relative = parse_settings("file", "ca.log", "", "");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().first, "path");
  auto path_on_stderr = parse_settings("stderr", "/var/log/x.log", "", "");
  ASSERT_FALSE(path_on_stderr);
  EXPECT_EQ(path_on_stderr.error().first, "path");
  auto ident_on_file = parse_settings("file", "/tmp/x.log", "ca", "");
  ASSERT_FALSE(ident_on_file);
  EXPECT_EQ(ident_on_file.error().first, "ident");
  auto levels = parse_settings("stderr", "", "", "info,q931=loud");
  ASSERT_FALSE(levels);
  EXPECT_EQ(levels.error().first, "levels");
  EXPECT_NE(levels.error().second.find("q931=loud"), std::string::npos) << levels.error().second;
}

TEST(log_settings_text, when_levels_are_parsed_then_default_and_subsystems_are_kept_in_order) {
  auto spec = parse_levels("warn,mgcp=debug,media=error");
  ASSERT_TRUE(spec);
  ASSERT_TRUE(spec->default_level.has_value());
  EXPECT_EQ(*spec->default_level, spdlog::level::warn);
  ASSERT_EQ(spec->subsystems.size(), 2u);
  EXPECT_EQ(spec->subsystems[0], (std::pair<std::string, spdlog::level::level_enum>{"mgcp", spdlog::level::debug}));
  EXPECT_EQ(spec->subsystems[1].second, spdlog::level::err);
  EXPECT_FALSE(parse_levels(""));
  EXPECT_FALSE(parse_levels("=debug"));
  EXPECT_FALSE(parse_levels("info,"));
}

// ---- repeat limiter ---------------------------------------------------------------------

TEST(repeat_limiter_test, when_a_line_repeats_then_burst_pass_and_the_rest_are_held) {
  repeat_limiter lim(3, milliseconds(1000));
  const time_point t0{};
  int written = 0;
  for (int i = 0; i < 10; ++i) {
    const auto v = lim.admit("span 1: frame rejected", t0 + milliseconds(i));
    written += v.write ? 1 : 0;
    EXPECT_EQ(v.suppressed, 0u);
  }
  EXPECT_EQ(written, 3);
  EXPECT_EQ(lim.total_suppressed(), 7u);
}

TEST(repeat_limiter_test, when_the_interval_ends_then_the_next_line_gives_back_the_count_once) {
  repeat_limiter lim(2, milliseconds(1000));
  const time_point t0{};
  for (int i = 0; i < 5; ++i) (void)lim.admit("x", t0 + milliseconds(i * 10));
  const auto v = lim.admit("x", t0 + milliseconds(1500));
  EXPECT_TRUE(v.write);
  EXPECT_EQ(v.suppressed, 3u);
  EXPECT_EQ(v.over, milliseconds(1500));
  const auto next = lim.admit("x", t0 + milliseconds(1510));
  EXPECT_TRUE(next.write);  // second of the new window's burst
  EXPECT_EQ(next.suppressed, 0u);
}

TEST(repeat_limiter_test, when_lines_differ_then_each_has_its_own_allowance) {
  repeat_limiter lim(1, milliseconds(1000));
  const time_point t0{};
  EXPECT_TRUE(lim.admit("a", t0).write);
  EXPECT_TRUE(lim.admit("b", t0).write);
  EXPECT_FALSE(lim.admit("a", t0).write);
  EXPECT_FALSE(lim.admit("b", t0).write);
}

TEST(repeat_limiter_test, when_a_burst_stops_then_report_expired_gives_its_count_once) {
  repeat_limiter lim(1, milliseconds(500));
  const time_point t0{};
  for (int i = 0; i < 4; ++i) (void)lim.admit("quiet after", t0);
  (void)lim.admit("single", t0);
  EXPECT_TRUE(lim.report_expired(t0 + milliseconds(499)).empty());
  const auto held = lim.report_expired(t0 + milliseconds(600));
  ASSERT_EQ(held.size(), 1u);  // "single" held nothing
  EXPECT_EQ(held[0].text, "quiet after");
  EXPECT_EQ(held[0].suppressed, 3u);
  EXPECT_TRUE(lim.report_expired(t0 + milliseconds(700)).empty());
  EXPECT_TRUE(lim.admit("quiet after", t0 + milliseconds(800)).write);  // a fresh window
}

TEST(repeat_limiter_test, when_too_many_distinct_lines_then_new_ones_pass_untracked) {
  repeat_limiter lim(1, milliseconds(1000), 2);
  const time_point t0{};
  EXPECT_TRUE(lim.admit("a", t0).write);
  EXPECT_TRUE(lim.admit("b", t0).write);
  EXPECT_TRUE(lim.admit("c", t0).write);  // no room: let through
  EXPECT_TRUE(lim.admit("c", t0).write);  // still untracked
  EXPECT_FALSE(lim.admit("a", t0).write);
  // Once a and b are past their interval with nothing held, c gets tracked.
  EXPECT_FALSE(lim.admit("b", t0).write);  // b now holds one: kept
  EXPECT_TRUE(lim.admit("c", t0 + milliseconds(1000)).write);
}

TEST_F(log_file, when_lines_go_through_the_limiter_then_the_log_holds_burst_lines_and_one_count) {
  ASSERT_TRUE(configure(*parse_settings("file", path, "", "")));
  auto logger = get("logtest_limited");
  repeat_limiter lim(2, milliseconds(1000));
  const time_point t0{};
  for (int i = 0; i < 50; ++i) limited(*logger, lim, spdlog::level::warn, t0 + milliseconds(i), "span {}: bad frame", 1);
  limited(*logger, lim, spdlog::level::warn, t0 + milliseconds(2000), "span {}: bad frame", 1);
  limited(*logger, lim, spdlog::level::debug, t0, "not formatted at info {}", 1);
  logger->flush();
  const auto text = read_file(path);
  EXPECT_EQ(count_of(text, "] span 1: bad frame"), 3u) << text;  // 2 + the first of the next window
  EXPECT_EQ(count_of(text, "suppressed 48 identical line(s) in 2000 ms: span 1: bad frame"), 1u) << text;
  EXPECT_EQ(text.find("not formatted"), std::string::npos) << text;
}

}  // namespace
}  // namespace tandem::log
