// The scenario parser on good scenarios: every statement and its values.
#include <gtest/gtest.h>

#include "lab/runner/scenario/parser.hpp"
#include "lab/runner/scenario/tokens.hpp"

namespace tandem::lab::runner {
namespace {

using std::chrono::milliseconds;

std::vector<scenario> parse_ok(std::string_view text) {
  auto r = parse_scenarios(text, "t.scn");
  EXPECT_TRUE(r.has_value()) << (r ? "" : to_string(r.error()));
  return r ? *r : std::vector<scenario>{};
}

TEST(scenario_parser, when_every_statement_is_used_then_each_becomes_its_step) {
  auto s = parse_ok(R"(# a comment line
scenario "all"   # trailing comment
call A:1001 -> B:2001
expect B setup within 1s
expect A proceeding within 500ms
expect A alerting within 2s
answer B
expect A answered within 1.5s
play A tone 1020Hz -10dBm0 1s
expect B hears tone 1020Hz -10dBm0 within 500ms
play B dtmf "0123456789*#"
expect A hears dtmf "0123456789*#" within 3s
play A marker
expect B hears marker within 2s delay below 20ms snr above 30dB
play B file speech 2s
expect A hears file speech within 5s snr above 10dB
play A silence
play B echo
expect B hears silence for 500ms
wait 2s
hangup callee cause 31
expect caller disconnected cause 31 within 1s
expect A released cause 31 within 1min
)");
  ASSERT_EQ(s.size(), 1u);
  const auto& sc = s[0];
  EXPECT_EQ(sc.name, "all");
  EXPECT_EQ(sc.line, 2);
  ASSERT_EQ(sc.steps.size(), 21u);
  EXPECT_EQ(sc.call().caller.node, "A");
  EXPECT_EQ(sc.call().caller.number, "1001");
  EXPECT_EQ(sc.call().callee.node, "B");
  EXPECT_EQ(sc.call().callee.number, "2001");
  EXPECT_EQ(sc.steps[0].line, 3);
  EXPECT_EQ(sc.steps[0].text, "call A:1001 -> B:2001");

  const auto& setup = std::get<expect_signal_step>(sc.steps[1].body);
  EXPECT_EQ(setup.leg, leg_role::callee);
  EXPECT_EQ(setup.signal, signal_kind::setup);
  EXPECT_EQ(setup.within, milliseconds{1000});
  EXPECT_EQ(std::get<expect_signal_step>(sc.steps[2].body).within, milliseconds{500});
  EXPECT_EQ(std::get<answer_step>(sc.steps[4].body).leg, leg_role::callee);
  EXPECT_EQ(std::get<expect_signal_step>(sc.steps[5].body).within, milliseconds{1500});

  const auto& tone = std::get<play_step>(sc.steps[6].body);
  EXPECT_EQ(tone.kind, media_kind::tone);
  EXPECT_DOUBLE_EQ(tone.tone_hz, 1020.0);
  EXPECT_DOUBLE_EQ(tone.level_dbm0, -10.0);
  EXPECT_EQ(tone.duration, milliseconds{1000});
  const auto& heard = std::get<expect_media_step>(sc.steps[7].body);
  EXPECT_EQ(heard.kind, hear_kind::tone);
  EXPECT_EQ(heard.leg, leg_role::callee);
  ASSERT_TRUE(heard.level_dbm0.has_value());
  EXPECT_DOUBLE_EQ(*heard.level_dbm0, -10.0);

  EXPECT_EQ(std::get<play_step>(sc.steps[8].body).digits, "0123456789*#");  // '#' inside quotes is a digit
  EXPECT_EQ(std::get<expect_media_step>(sc.steps[9].body).digits, "0123456789*#");
  const auto& marker = std::get<expect_media_step>(sc.steps[11].body);
  EXPECT_EQ(marker.kind, hear_kind::marker);
  EXPECT_EQ(marker.delay_below, milliseconds{20});
  EXPECT_EQ(marker.snr_above_db, 30.0);
  const auto& file = std::get<play_step>(sc.steps[12].body);
  EXPECT_EQ(file.media_name, "speech");
  EXPECT_EQ(file.duration, milliseconds{2000});
  EXPECT_EQ(std::get<expect_media_step>(sc.steps[13].body).media_name, "speech");
  EXPECT_EQ(std::get<play_step>(sc.steps[15].body).kind, media_kind::echo);
  const auto& silence = std::get<expect_media_step>(sc.steps[16].body);
  EXPECT_EQ(silence.kind, hear_kind::silence);
  EXPECT_EQ(silence.within, milliseconds{500});
  EXPECT_EQ(std::get<wait_step>(sc.steps[17].body).duration, milliseconds{2000});
  const auto& hangup = std::get<hangup_step>(sc.steps[18].body);
  EXPECT_EQ(hangup.leg, leg_role::callee);
  EXPECT_EQ(hangup.cause, 31);
  const auto& disc = std::get<expect_signal_step>(sc.steps[19].body);
  EXPECT_EQ(disc.leg, leg_role::caller);
  EXPECT_EQ(disc.cause, 31);
  EXPECT_EQ(std::get<expect_signal_step>(sc.steps[20].body).within, milliseconds{60000});
}

TEST(scenario_parser, when_a_file_holds_several_scenarios_then_each_keeps_its_header) {
  auto s = parse_ok(R"(scenario "one"
repeat 3
call A:1 -> B:2
hangup A

scenario "two"
load 100 calls at 2.5/s max 10
call B:2->A:1
expect A busy within 2s
)");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].repeat, 3u);
  EXPECT_FALSE(s[0].load.has_value());
  EXPECT_EQ(std::get<hangup_step>(s[0].steps[1].body).cause, 16);  // default: normal clearing
  ASSERT_TRUE(s[1].load.has_value());
  EXPECT_EQ(s[1].load->calls, 100u);
  EXPECT_DOUBLE_EQ(s[1].load->rate_per_s, 2.5);
  EXPECT_EQ(s[1].load->max_concurrent, 10u);
  EXPECT_EQ(s[1].call().caller.node, "B");  // "->" needs no spaces around it
  EXPECT_EQ(std::get<expect_signal_step>(s[1].steps[1].body).signal, signal_kind::busy);
  EXPECT_EQ(std::get<expect_signal_step>(s[1].steps[1].body).leg, leg_role::callee);
}

TEST(scenario_parser, when_the_last_line_has_no_newline_and_crlf_is_used_then_it_still_parses) {
  auto s = parse_ok("scenario \"x\"\r\ncall A:1 -> B:2\r\nhangup A cause 16");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].steps.size(), 2u);
}

TEST(scenario_tokens, when_values_carry_units_then_they_convert) {
  EXPECT_EQ(*tokens::duration("250ms"), milliseconds{250});
  EXPECT_EQ(*tokens::duration("0.5s"), milliseconds{500});
  EXPECT_EQ(*tokens::duration("2min"), milliseconds{120000});
  EXPECT_FALSE(tokens::duration("2").has_value());
  EXPECT_FALSE(tokens::duration("0ms").has_value());
  EXPECT_DOUBLE_EQ(*tokens::frequency("1004.5Hz"), 1004.5);
  EXPECT_DOUBLE_EQ(*tokens::level("-13dBm0"), -13.0);
  EXPECT_DOUBLE_EQ(*tokens::level("+3dBm0"), 3.0);
  EXPECT_DOUBLE_EQ(*tokens::rate("10/s"), 10.0);
  EXPECT_FALSE(tokens::rate("0/s").has_value());
  EXPECT_FALSE(tokens::level("-10dB").has_value());
  auto words = tokens::split(R"(play A dtmf "1#2" # comment)");
  ASSERT_TRUE(words.has_value());
  ASSERT_EQ(words->size(), 4u);
  EXPECT_EQ((*words)[3].text, "1#2");
  EXPECT_TRUE((*words)[3].quoted);
  EXPECT_EQ((*words)[3].column, 13);
}

}  // namespace
}  // namespace tandem::lab::runner
