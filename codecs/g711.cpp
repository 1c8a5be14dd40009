/// G.711 tables, computed at compile time from the quantisation rules of ITU-T G.711
/// (Tables 1a/1b for A-law, 2a/2b for µ-law). See g711.hpp.
#include "codecs/g711.hpp"

#include <bit>

namespace tandem::codecs::g711::detail {
namespace {

/// µ-law, G.711 §3: 14-bit magnitude (one's complement for negatives), bias 33, eight
/// segments of 16 steps; codeword inverted for transmission.
constexpr std::uint8_t quantise_ulaw(int x) {
    const bool negative = x < 0;
    int v = ((negative ? ~x : x) >> 2) + 33;
    if (v > 0x1FFF) v = 0x1FFF;  // overload: the outermost decision value
    const int segment = std::bit_width(static_cast<unsigned>(v)) - 6;  // v >= 33: segment >= 0
    const int code = (segment << 4) | ((v >> (segment + 1)) & 0x0F);
    return static_cast<std::uint8_t>(code ^ (negative ? 0x7F : 0xFF));
}

/// A-law, G.711 §2: 12-bit magnitude (one's complement for negatives); segments 0 and 1 share
/// the step; even bits inverted for transmission (0x55).
constexpr std::uint8_t quantise_alaw(int x) {
    const bool negative = x < 0;
    const int v = (negative ? ~x : x) >> 4;  // 0..2047
    int code = v;                             // segment 0: 16 steps of 1
    if (v >= 16) {
        const int segment = std::bit_width(static_cast<unsigned>(v)) - 4;  // 16..31 -> 1
        code = (segment << 4) | ((v >> (segment - 1)) & 0x0F);
    }
    if (!negative) code |= 0x80;
    return static_cast<std::uint8_t>(code ^ 0x55);
}

constexpr std::int16_t expand_ulaw(std::uint8_t c) {
    const int u = static_cast<std::uint8_t>(~c);
    const int exponent = (u >> 4) & 0x07;
    const int t = (((u & 0x0F) << 3) + 0x84) << exponent;
    return static_cast<std::int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

constexpr std::int16_t expand_alaw(std::uint8_t c) {
    const int a = c ^ 0x55;
    const int segment = (a >> 4) & 0x07;
    int magnitude = ((a & 0x0F) << 4) + 8;  // midpoint of the step
    if (segment != 0) magnitude = (magnitude + 0x100) << (segment - 1);
    return static_cast<std::int16_t>((a & 0x80) ? magnitude : -magnitude);
}

template <std::size_t n, class f>
constexpr auto tabulate(f fn) {
    std::array<decltype(fn(0)), n> t{};
    for (std::size_t i = 0; i < n; ++i) t[i] = fn(static_cast<int>(i));
    return t;
}

}  // namespace

// Index i holds the top bits of a 16-bit two's complement sample: sign-extend it back.
constexpr std::array<std::uint8_t, 16384> ulaw_from_linear14 = tabulate<16384>(
    [](int i) { return quantise_ulaw(static_cast<std::int16_t>(static_cast<std::uint16_t>(i << 2))); });
constexpr std::array<std::uint8_t, 4096> alaw_from_linear12 = tabulate<4096>(
    [](int i) { return quantise_alaw(static_cast<std::int16_t>(static_cast<std::uint16_t>(i << 4))); });
constexpr std::array<std::int16_t, 256> linear_from_ulaw =
    tabulate<256>([](int c) { return expand_ulaw(static_cast<std::uint8_t>(c)); });
constexpr std::array<std::int16_t, 256> linear_from_alaw =
    tabulate<256>([](int c) { return expand_alaw(static_cast<std::uint8_t>(c)); });

}  // namespace tandem::codecs::g711::detail
