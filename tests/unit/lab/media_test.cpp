// B-channel media of the exchange without a span: channel_media driven tick by tick, the tone
// finder, the signal locator, and WAV loading.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include <gtest/gtest.h>
#include <sndfile.h>

#include "codecs/audio/measure.hpp"
#include "codecs/g711.hpp"
#include "lab/pstn/media/analysis.hpp"
#include "lab/pstn/media/channel_media.hpp"
#include "lab/pstn/media/correlate.hpp"
#include "lab/pstn/media/wav_file.hpp"

namespace tandem::lab::pstn::media {
namespace {

constexpr unsigned tick_samples = 80;

std::vector<std::int16_t> sine(double hz, double dbm0, std::size_t n) {
  return codecs::audio::make_sine(hz, amplitude_for_dbm0(dbm0), sample_rate, n);
}

/// Drives a channel for `ticks` ticks with `rx` (A-law, looped) and returns what it sent, linear.
std::vector<std::int16_t> run(channel_media& ch, const std::vector<std::uint8_t>& rx, unsigned ticks,
                              std::uint64_t& clock) {
  std::vector<std::int16_t> out;
  std::vector<std::uint8_t> tx(tick_samples);
  for (unsigned t = 0; t < ticks; ++t) {
    std::vector<std::uint8_t> in(tick_samples, codecs::g711::alaw_silence);
    for (unsigned i = 0; i < tick_samples && !rx.empty(); ++i) in[i] = rx[(t * tick_samples + i) % rx.size()];
    std::fill(tx.begin(), tx.end(), codecs::g711::alaw_silence);
    ch.tick(in, tx, clock, static_cast<std::int64_t>(clock) * 125);
    clock += tick_samples;
    for (auto o : tx) out.push_back(codecs::g711::alaw_to_linear(o));
  }
  return out;
}

std::vector<std::uint8_t> alaw(const std::vector<std::int16_t>& pcm) {
  std::vector<std::uint8_t> out(pcm.size());
  codecs::g711::encode_alaw(pcm, out);
  return out;
}

TEST(channel_media, when_idle_then_tx_keeps_the_idle_pattern_and_nothing_is_recorded) {
  channel_media ch(tdm::companding_law::alaw, 8000);
  std::uint64_t clock = 0;
  auto out = run(ch, alaw(sine(1000, -10, 800)), 5, clock);
  for (auto s : out) EXPECT_EQ(s, codecs::g711::alaw_to_linear(codecs::g711::alaw_silence));
  EXPECT_TRUE(ch.snapshot().recording.empty());
}

TEST(channel_media, when_a_tone_plays_then_tx_carries_it_at_the_asked_frequency_and_level) {
  channel_media ch(tdm::companding_law::alaw, 8000);
  std::uint64_t clock = 0;
  ASSERT_TRUE(ch.start_call());
  play_command tone;
  tone.kind = source_kind::tone;
  tone.tone_hz = 697;
  tone.amplitude = amplitude_for_dbm0(-6);
  tone.duration_samples = 1600;
  ASSERT_TRUE(ch.play(tone));
  auto out = run(ch, {}, 30, clock);
  auto segments = find_tones(out);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_NEAR(segments[0].frequency_hz, 697, 2);
  EXPECT_NEAR(segments[0].level_dbm0, -6, 0.3);
  EXPECT_NEAR(segments[0].duration_ms, 200, 1);
  EXPECT_EQ(ch.snapshot().play_start_sample, 0u);  // the first tick after the command
}

TEST(channel_media, when_echoing_then_tx_repeats_rx_in_the_same_tick) {
  channel_media ch(tdm::companding_law::alaw, 8000);
  std::uint64_t clock = 0;
  ch.start_call();
  play_command echo;
  echo.kind = source_kind::echo;
  ch.play(echo);
  auto rx = alaw(codecs::audio::make_ramp(800, -4000, 10));
  auto out = run(ch, rx, 10, clock);
  for (std::size_t i = 0; i < rx.size(); ++i) ASSERT_EQ(out[i], codecs::g711::alaw_to_linear(rx[i])) << i;
}

TEST(channel_media, when_dtmf_arrives_then_the_digits_are_detected_and_the_audio_recorded) {
  channel_media sender(tdm::companding_law::alaw, 8000);
  channel_media receiver(tdm::companding_law::alaw, 8000 * 4);
  std::uint64_t c1 = 0, c2 = 0;
  sender.start_call();
  receiver.start_call();
  play_command dtmf;
  dtmf.kind = source_kind::dtmf;
  std::string digits = "159#";
  std::copy(digits.begin(), digits.end(), dtmf.digits.begin());
  dtmf.digit_count = digits.size();
  sender.play(dtmf);
  auto sent = run(sender, {}, 100, c1);  // 1 s
  run(receiver, alaw(sent), 100, c2);
  auto r = receiver.snapshot();
  EXPECT_EQ(r.digits, "159#");
  EXPECT_EQ(r.recording.size(), 8000u);
  EXPECT_FALSE(r.recording_full);
}

TEST(channel_media, when_the_recording_is_full_then_it_stops_and_says_so) {
  channel_media ch(tdm::companding_law::ulaw, 400);
  std::uint64_t clock = 0;
  ch.start_call();
  run(ch, {}, 10, clock);
  auto r = ch.snapshot();
  EXPECT_EQ(r.recording.size(), 400u);
  EXPECT_TRUE(r.recording_full);
}

TEST(channel_media, when_the_command_queue_is_full_then_play_says_no) {
  channel_media ch(tdm::companding_law::alaw, 80);
  play_command p;
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += ch.play(p) ? 1 : 0;
  EXPECT_EQ(accepted, 8);
  std::uint64_t clock = 0;
  run(ch, {}, 1, clock);  // the tick drains the queue
  EXPECT_TRUE(ch.play(p));
}

TEST(tone_finder, when_two_tones_are_separated_by_silence_then_both_are_reported_in_order) {
  auto a = sine(440, -12, 1600);
  std::vector<std::int16_t> pcm(a.begin(), a.end());
  pcm.resize(pcm.size() + 800, 0);
  auto b = sine(2600, -20, 2400);
  pcm.insert(pcm.end(), b.begin(), b.end());
  auto t = find_tones(pcm);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NEAR(t[0].frequency_hz, 440, 2);
  EXPECT_NEAR(t[0].start_ms, 0, 0.1);
  EXPECT_NEAR(t[0].duration_ms, 200, 0.1);
  EXPECT_NEAR(t[1].frequency_hz, 2600, 2);
  EXPECT_NEAR(t[1].level_dbm0, -20, 0.3);
  EXPECT_NEAR(t[1].start_ms, 300, 0.1);
}

TEST(tone_finder, when_a_tone_has_a_short_dropout_then_it_stays_one_segment) {
  auto pcm = sine(1004, -10, 4000);                     // 500 ms
  std::fill(pcm.begin() + 1600, pcm.begin() + 1680, 0);  // one lost 10 ms block
  auto t = find_tones(pcm);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_NEAR(t[0].frequency_hz, 1004, 2);
  EXPECT_NEAR(t[0].duration_ms, 500, 0.1);
  std::fill(pcm.begin() + 2400, pcm.begin() + 3200, 0);  // 100 ms of silence: two tones
  EXPECT_EQ(find_tones(pcm).size(), 2u);
}

TEST(tone_finder, when_two_frequencies_sound_together_then_it_is_not_a_tone) {
  auto lo = sine(770, -10, 1600);
  auto hi = sine(1336, -10, 1600);
  for (std::size_t i = 0; i < lo.size(); ++i) lo[i] = static_cast<std::int16_t>(lo[i] / 2 + hi[i] / 2);
  EXPECT_TRUE(find_tones(lo).empty());
  EXPECT_TRUE(find_tones(std::vector<std::int16_t>(8000, 0)).empty());
}

TEST(locator, when_the_marker_sits_in_a_recording_then_its_offset_is_found_to_the_sample) {
  auto marker = codecs::audio::make_marker(sample_rate, 4000);
  std::vector<std::int16_t> rec(1234, 0);
  rec.insert(rec.end(), marker.begin(), marker.end());
  rec.resize(rec.size() + 500, 0);
  auto r = locate(marker, rec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->offset_samples, 1234);
  EXPECT_GT(r->correlation, 0.999);
  EXPECT_FALSE(std::isfinite(r->snr_db) && r->snr_db < 60);
}

TEST(locator, when_the_marker_is_absent_or_incomplete_then_nothing_is_found) {
  auto marker = codecs::audio::make_marker(sample_rate, 4000);
  EXPECT_FALSE(locate(marker, std::vector<std::int16_t>(9000, 0)).has_value());
  EXPECT_FALSE(locate(marker, sine(1000, -10, 9000)).has_value());
  std::vector<std::int16_t> partial(3000, 0);
  partial.insert(partial.end(), marker.begin(), marker.begin() + 2500);
  EXPECT_FALSE(locate(marker, partial).has_value());
  EXPECT_FALSE(locate(marker, std::vector<std::int16_t>(100, 0)).has_value());
}

class wav_files : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tandem-pstn-wav-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, int rate, int channels) {
    std::string path = dir_ + "/" + name;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    std::vector<short> data(800 * static_cast<std::size_t>(channels), 1000);
    sf_write_short(f, data.data(), static_cast<sf_count_t>(data.size()));
    sf_close(f);
    return path;
  }
  std::string dir_;
};

TEST_F(wav_files, when_a_file_is_saved_then_it_loads_back_identical) {
  auto pcm = sine(1000, -10, 4000);
  ASSERT_TRUE(save_wav(dir_ + "/t.wav", pcm).has_value());
  auto back = load_wav(dir_ + "/t.wav");
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(*back, pcm);
}

TEST_F(wav_files, when_a_file_is_missing_or_of_the_wrong_shape_then_the_error_says_why) {
  auto missing = load_wav(dir_ + "/none.wav");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("none.wav"), std::string::npos);
  auto wide = load_wav(write("16k.wav", 16000, 1));
  ASSERT_FALSE(wide.has_value());
  EXPECT_NE(wide.error().find("16000 Hz, 8000 Hz required"), std::string::npos);
  auto stereo = load_wav(write("stereo.wav", 8000, 2));
  ASSERT_FALSE(stereo.has_value());
  EXPECT_NE(stereo.error().find("mono required"), std::string::npos);
  EXPECT_TRUE(load_wav(write("ok.wav", 8000, 1)).has_value());
}

}  // namespace
}  // namespace tandem::lab::pstn::media

namespace tandem::lab::pstn::media {
namespace {

TEST(locator, when_the_marker_sits_deep_in_a_noisy_recording_then_the_fft_search_finds_it_exactly) {
  auto marker = codecs::audio::make_marker(sample_rate, 4000);
  for (std::size_t offset : {0u, 1u, 1234u, 5001u, 77777u}) {
    std::vector<std::int16_t> rec(offset);
    for (std::size_t i = 0; i < rec.size(); ++i) rec[i] = static_cast<std::int16_t>((i * 7919) % 201) - 100;
    rec.insert(rec.end(), marker.begin(), marker.end());
    rec.resize(rec.size() + 800, 0);
    auto r = locate(marker, rec);
    ASSERT_TRUE(r.has_value()) << offset;
    EXPECT_EQ(r->offset_samples, static_cast<std::int64_t>(offset));
    EXPECT_GT(r->snr_db, 60.0);
  }
}

TEST(correlation, when_computed_by_fft_then_it_matches_the_direct_sum) {
  auto ref = codecs::audio::make_sine(500, 8000, sample_rate, 64);
  auto sig = codecs::audio::make_ramp(300, -3000, 37);
  auto fast = normalised_cross_correlation(ref, sig);
  ASSERT_EQ(fast.size(), sig.size() - ref.size() + 1);
  for (std::size_t lag = 0; lag < fast.size(); lag += 17) {
    double cross = 0, er = 0, es = 0;
    for (std::size_t n = 0; n < ref.size(); ++n) {
      cross += double(ref[n]) * sig[n + lag];
      er += double(ref[n]) * ref[n];
      es += double(sig[n + lag]) * sig[n + lag];
    }
    EXPECT_NEAR(fast[lag], cross / std::sqrt(er * es), 1e-9) << lag;
  }
}

}  // namespace
}  // namespace tandem::lab::pstn::media

namespace tandem::lab::pstn::media {
namespace {

/// Speech-like test audio: noise bursts of varying level (deterministic), `n` samples.
std::vector<std::int16_t> bursts(std::size_t n) {
  std::vector<std::int16_t> out(n);
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const double envelope = 0.2 + 0.8 * std::abs(std::sin(static_cast<double>(i) / 1500.0));
    out[i] = static_cast<std::int16_t>(static_cast<double>(static_cast<std::int16_t>(x >> 16)) * 0.3 * envelope);
  }
  return out;
}

TEST(locator, when_the_playout_slipped_one_tick_mid_reference_then_it_is_found_with_the_slip) {
  // The SIP->PSTN case (docs/pstn.md): 7 s arrive complete, but from 3.7 s on 10 ms later
  // (a late packet, 70 ms concealed where 60 ms were lost). One offset cannot hold both halves.
  const auto ref = bursts(56640);
  std::vector<std::int16_t> rec(640, 0);
  rec.insert(rec.end(), ref.begin(), ref.begin() + 29040);
  rec.insert(rec.end(), 560, 0);                           // 70 ms of concealment ...
  rec.insert(rec.end(), ref.begin() + 29520, ref.end());   // ... for 60 ms lost
  rec.resize(rec.size() + 8000, 0);
  auto r = locate(ref, rec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->offset_samples, 640);
  EXPECT_EQ(r->slips, 1u);
  EXPECT_EQ(r->max_slip_samples, 80);
  EXPECT_GT(r->correlation, 0.9);
  EXPECT_GT(r->segmental_snr_db, 15.0);
}

TEST(locator, when_the_reference_lines_up_at_one_offset_then_no_slip_is_reported) {
  const auto ref = bursts(40000);
  std::vector<std::int16_t> rec(3333, 0);
  rec.insert(rec.end(), ref.begin(), ref.end());
  rec.resize(rec.size() + 100, 0);
  auto r = locate(ref, rec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->offset_samples, 3333);
  EXPECT_EQ(r->slips, 0u);
  EXPECT_GT(r->correlation, 0.999);
}

TEST(locator, when_a_slipped_reference_has_not_fully_arrived_then_nothing_is_found) {
  const auto ref = bursts(56640);
  std::vector<std::int16_t> rec(640, 0);
  rec.insert(rec.end(), ref.begin(), ref.begin() + 29040);
  rec.insert(rec.end(), 560, 0);
  rec.insert(rec.end(), ref.begin() + 29520, ref.end() - 4000);  // the last half second missing
  EXPECT_FALSE(locate(ref, rec).has_value());
}

TEST(locator, when_only_unrelated_audio_arrived_then_the_piecewise_search_finds_nothing) {
  const auto ref = bursts(56640);
  auto other = sine(700, -10, 80000);
  EXPECT_FALSE(locate(ref, other).has_value());
}

TEST(tone_finder, when_the_audio_is_below_the_band_then_no_zero_hertz_tone_is_reported) {
  // Hum or DC offset in speech once read as "0 Hz" tones (sip-tester's g711a.pcap).
  EXPECT_TRUE(find_tones(sine(60, -10, 8000)).empty());
  EXPECT_TRUE(find_tones(std::vector<std::int16_t>(8000, 3000)).empty());
}

}  // namespace
}  // namespace tandem::lab::pstn::media
