/// Audio measurement: delay by cross-correlation, SNR, segmental SNR, generators.
#include <gtest/gtest.h>

#include <cmath>

#include "codecs/audio/measure.hpp"

namespace tandem::codecs::audio {
namespace {

std::vector<std::int16_t> delayed(const std::vector<std::int16_t>& in, int delay) {
    std::vector<std::int16_t> out(in.size() + static_cast<std::size_t>(delay), 0);
    std::copy(in.begin(), in.end(), out.begin() + delay);
    return out;
}

TEST(measure, when_the_marker_is_delayed_then_find_delay_returns_the_delay_to_the_sample) {
    const auto marker = make_marker(8000, 4000);
    for (int d : {0, 1, 37, 160, 799}) {
        const auto a = find_delay(marker, delayed(marker, d), 800);
        EXPECT_EQ(a.delay_samples, d);
        EXPECT_NEAR(a.correlation, 1.0, 1e-9);
    }
}

TEST(measure, when_the_degraded_signal_leads_then_the_delay_is_negative) {
    const auto marker = make_marker(8000, 4000);
    const std::vector<std::int16_t> early(marker.begin() + 25, marker.end());
    EXPECT_EQ(find_delay(marker, early, 100).delay_samples, -25);
}

TEST(measure, when_the_marker_is_buried_in_noise_then_find_delay_still_locks) {
    auto marker = make_marker(8000, 4000);
    auto noisy = delayed(marker, 123);
    std::uint32_t seed = 1;
    for (auto& s : noisy) {  // LCG noise at about the marker's level
        seed = seed * 1664525u + 1013904223u;
        s = static_cast<std::int16_t>(s / 2 + static_cast<std::int16_t>((seed >> 16) & 0x1FFF) - 4096);
    }
    EXPECT_EQ(find_delay(marker, noisy, 400).delay_samples, 123);
}

TEST(measure, when_signals_are_identical_or_silent_then_snr_is_infinite_or_minus_infinite) {
    const auto tone = make_sine(1000.0, 8000.0, 8000, 800);
    EXPECT_TRUE(std::isinf(snr_db(tone, tone)) && snr_db(tone, tone) > 0);
    const std::vector<std::int16_t> silence(800, 0);
    EXPECT_TRUE(std::isinf(snr_db(silence, tone)) && snr_db(silence, tone) < 0);
    EXPECT_EQ(find_delay(silence, silence, 10).correlation, 0.0);
}

TEST(measure, when_noise_is_ten_times_weaker_in_amplitude_then_snr_is_20_db) {
    const auto tone = make_sine(1000.0, 10000.0, 8000, 8000);
    const auto error = make_sine(1000.0, 1000.0, 8000, 8000);
    std::vector<std::int16_t> degraded(tone.size());
    for (std::size_t i = 0; i < tone.size(); ++i) degraded[i] = static_cast<std::int16_t>(tone[i] - error[i]);
    EXPECT_NEAR(snr_db(tone, degraded), 20.0, 0.05);
    EXPECT_NEAR(segmental_snr_db(tone, degraded), 20.0, 0.1);
}

TEST(measure, when_frames_are_silent_then_segmental_snr_skips_them) {
    auto ref = make_sine(1000.0, 10000.0, 8000, 1600);
    ref.resize(3200, 0);  // second half silent
    auto deg = ref;
    for (std::size_t i = 0; i < 1600; ++i) deg[i] = static_cast<std::int16_t>(deg[i] + (i % 2 ? 100 : -100));
    for (std::size_t i = 1600; i < 3200; ++i) deg[i] = 50;  // noise in silence: not counted
    const double expected = snr_db(std::span(ref).first(1600), std::span(deg).first(1600));
    EXPECT_NEAR(segmental_snr_db(ref, deg), expected, 0.5);
}

TEST(measure, when_a_sine_is_generated_then_level_and_continuation_are_right) {
    const auto tone = make_sine(1020.0, 32767.0, 8000, 8000);
    EXPECT_NEAR(level_dbov(tone), -3.01, 0.02);
    std::vector<std::int16_t> a(100), b(100);
    const double phase = fill_sine(a, 1020.0, 10000.0, 8000);
    fill_sine(b, 1020.0, 10000.0, 8000, phase);
    const auto whole = make_sine(1020.0, 10000.0, 8000, 200);
    for (std::size_t i = 0; i < 100; ++i) {
        EXPECT_NEAR(whole[i + 100], b[i], 1) << i;
    }
}

TEST(measure, when_a_ramp_wraps_then_it_wraps_in_16_bits) {
    const auto r = make_ramp(4, 32766, 1);
    EXPECT_EQ(r, (std::vector<std::int16_t>{32766, 32767, -32768, -32767}));
}

}  // namespace
}  // namespace tandem::codecs::audio
