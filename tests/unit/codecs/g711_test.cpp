/// G.711 bit-exactness: all 65,536 linear inputs and all 256 codewords, against a reference
/// written from the segment/interval rules of ITU-T G.711 (Tables 1 and 2) and against spandsp.
#include <gtest/gtest.h>

#include <cstdlib>

#include <spandsp.h>

#include "codecs/g711.hpp"

namespace tandem::codecs {
namespace {

// --- Reference quantisers, written straight from the G.711 tables (search loops, no tricks).

/// µ-law: biased 14-bit magnitude m = |x| + 33 falls in segment s = [32·2^s, 64·2^s) with 16
/// intervals of 2^(s+1); the codeword is sign|segment|interval, all bits inverted on the line.
std::uint8_t reference_ulaw(int x) {
    const bool negative = x < 0;
    int m = ((negative ? -x - 1 : x) >> 2) + 33;
    m = std::min(m, 8191);
    int s = 0;
    while (m >= (64 << s)) ++s;
    const int interval = (m - (32 << s)) / (2 << s);
    const int raw = (s << 4) | interval;
    return static_cast<std::uint8_t>(negative ? (raw ^ 0x7F) : (raw ^ 0xFF));
}

/// µ-law decoder output: the midpoint of the interval, unbiased, in 16-bit units.
int reference_ulaw_value(std::uint8_t code) {
    const int raw = code ^ 0xFF;  // positive codes: bit 7 clear after inversion
    const bool negative = (raw & 0x80) != 0;
    const int s = (raw >> 4) & 7;
    const int interval = raw & 0x0F;
    const int value = ((32 << s) + interval * (2 << s) + (1 << s) - 33) * 4;
    return negative ? -value : value;
}

/// A-law: 12-bit magnitude m; segment 0 is [0,16) in steps of 1, segment s >= 1 is
/// [16·2^(s-1), 32·2^(s-1)) in steps of 2^(s-1); even bits inverted on the line.
std::uint8_t reference_alaw(int x) {
    const bool negative = x < 0;
    const int m = (negative ? -x - 1 : x) >> 4;
    int s = 0;
    while (s < 7 && m >= (16 << s)) ++s;
    const int interval = s == 0 ? m : (m - (16 << (s - 1))) / (1 << (s - 1));
    int raw = (s << 4) | interval;
    if (!negative) raw |= 0x80;
    return static_cast<std::uint8_t>(raw ^ 0x55);
}

int reference_alaw_value(std::uint8_t code) {
    const int raw = code ^ 0x55;
    const int s = (raw >> 4) & 7;
    const int interval = raw & 0x0F;
    const double lower = s == 0 ? interval : (16 << (s - 1)) + interval * (1 << (s - 1));
    const double step = s == 0 ? 1 : (1 << (s - 1));
    const int value = static_cast<int>((lower + step / 2) * 16);
    return (raw & 0x80) ? value : -value;
}

TEST(g711, when_any_linear_sample_is_encoded_then_ulaw_matches_the_g711_rules) {
    for (int x = -32768; x <= 32767; ++x) {
        ASSERT_EQ(g711::linear_to_ulaw(static_cast<std::int16_t>(x)), reference_ulaw(x)) << x;
    }
}

TEST(g711, when_any_linear_sample_is_encoded_then_alaw_matches_the_g711_rules) {
    for (int x = -32768; x <= 32767; ++x) {
        ASSERT_EQ(g711::linear_to_alaw(static_cast<std::int16_t>(x)), reference_alaw(x)) << x;
    }
}

TEST(g711, when_any_codeword_is_decoded_then_the_value_is_the_interval_midpoint) {
    for (int c = 0; c < 256; ++c) {
        const auto code = static_cast<std::uint8_t>(c);
        ASSERT_EQ(g711::ulaw_to_linear(code), reference_ulaw_value(code)) << c;
        ASSERT_EQ(g711::alaw_to_linear(code), reference_alaw_value(code)) << c;
    }
}

TEST(g711, when_compared_with_spandsp_then_alaw_and_both_decoders_agree_everywhere) {
    for (int x = -32768; x <= 32767; ++x) {
        ASSERT_EQ(g711::linear_to_alaw(static_cast<std::int16_t>(x)), linear_to_alaw(x)) << x;
    }
    for (int c = 0; c < 256; ++c) {
        const auto code = static_cast<std::uint8_t>(c);
        ASSERT_EQ(g711::ulaw_to_linear(code), ulaw_to_linear(code)) << c;
        ASSERT_EQ(g711::alaw_to_linear(code), alaw_to_linear(code)) << c;
    }
}

/// spandsp's µ-law encoder negates negative inputs (two's complement) where G.191 takes the
/// one's complement. They can then differ only for negative inputs sitting exactly on a
/// decision value (132 - x a multiple of the segment's step), and by one codeword.
TEST(g711, when_compared_with_spandsp_then_ulaw_differs_only_on_negative_decision_values) {
    int differences = 0;
    for (int x = -32768; x <= 32767; ++x) {
        const int ours = g711::linear_to_ulaw(static_cast<std::int16_t>(x));
        const int theirs = linear_to_ulaw(x);
        if (ours == theirs) continue;
        ++differences;
        ASSERT_LT(x, 0) << x;
        ASSERT_EQ((-x) % 4, 0) << x;
        ASSERT_EQ(std::abs((ours ^ 0x7F) - (theirs ^ 0x7F)), 1) << x;
        // spandsp's magnitude is the larger one.
        ASSERT_LT(ulaw_to_linear(static_cast<std::uint8_t>(theirs)),
                  g711::ulaw_to_linear(static_cast<std::uint8_t>(ours))) << x;
    }
    // One boundary per interval of the negative half, except where both clip (overload).
    EXPECT_GE(differences, 120);
    EXPECT_LE(differences, 128);
}

TEST(g711, when_a_decoded_codeword_is_encoded_again_then_it_comes_back) {
    for (int c = 0; c < 256; ++c) {
        const auto code = static_cast<std::uint8_t>(c);
        EXPECT_EQ(g711::linear_to_alaw(g711::alaw_to_linear(code)), code) << c;
        // µ-law has two zeros: negative zero (0x7F) decodes to 0, which encodes as +0 (0xFF).
        const std::uint8_t expected = code == 0x7F ? 0xFF : code;
        EXPECT_EQ(g711::linear_to_ulaw(g711::ulaw_to_linear(code)), expected) << c;
    }
}

TEST(g711, when_silence_is_encoded_then_the_idle_octets_come_out) {
    EXPECT_EQ(g711::linear_to_ulaw(0), g711::ulaw_silence);
    EXPECT_EQ(g711::linear_to_alaw(0), g711::alaw_silence);
    EXPECT_EQ(g711::ulaw_silence, G711_ULAW_IDLE_OCTET);
}

TEST(g711, when_spans_are_coded_then_each_sample_matches_the_scalar_form) {
    const std::array<std::int16_t, 5> in{0, 1000, -1000, 32767, -32768};
    std::array<std::uint8_t, 5> u{};
    std::array<std::uint8_t, 5> a{};
    g711::encode_ulaw(in, u);
    g711::encode_alaw(in, a);
    std::array<std::int16_t, 5> back{};
    g711::decode_ulaw(u, back);
    for (std::size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(u[i], g711::linear_to_ulaw(in[i]));
        EXPECT_EQ(a[i], g711::linear_to_alaw(in[i]));
        EXPECT_EQ(back[i], g711::ulaw_to_linear(u[i]));
    }
}

}  // namespace
}  // namespace tandem::codecs
