#pragma once
/// ITU-T G.711 companding, table-driven and inline: the media plane calls these per sample.
///
/// Bit-exact with ITU-T G.711 as its reference software (ITU-T G.191 STL, g711.c) implements
/// it: negative inputs are taken in one's complement before quantisation; µ-law uses the 14 most significant bits of a
/// 16-bit sample with bias 33, A-law sign plus the next 12 bits; codewords are returned as sent
/// on the line (µ-law inverted, A-law with even bits inverted, G.711 §2 and §3).
///
/// Against spandsp: A-law encoding and both decoders agree on every input. spandsp's µ-law
/// encoder takes negative inputs in two's complement, so at the 128 negative decision
/// boundaries it picks the next codeword out (one step); the unit test pins exactly that.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tandem::codecs::g711 {

namespace detail {
/// linear (16-bit, index = uint16(x) >> 2) -> µ-law codeword; 16,384 entries.
extern const std::array<std::uint8_t, 16384> ulaw_from_linear14;
/// linear (16-bit, index = uint16(x) >> 4) -> A-law codeword; 4,096 entries (A-law resolves
/// 16 units of a 16-bit sample at best: sign plus 12 bits, G.711 Table 1a).
extern const std::array<std::uint8_t, 4096> alaw_from_linear12;
/// codeword -> linear 16-bit (the decision-interval midpoint, G.711 Tables 1a/2a).
extern const std::array<std::int16_t, 256> linear_from_ulaw;
extern const std::array<std::int16_t, 256> linear_from_alaw;
}  // namespace detail

/// The octet an idle channel carries (positive zero): µ-law 0xFF, A-law 0xD5.
inline constexpr std::uint8_t ulaw_silence = 0xFF;
inline constexpr std::uint8_t alaw_silence = 0xD5;

[[nodiscard]] inline std::uint8_t linear_to_ulaw(std::int16_t x) noexcept {
    return detail::ulaw_from_linear14[static_cast<std::uint16_t>(x) >> 2];
}
[[nodiscard]] inline std::uint8_t linear_to_alaw(std::int16_t x) noexcept {
    return detail::alaw_from_linear12[static_cast<std::uint16_t>(x) >> 4];
}
[[nodiscard]] inline std::int16_t ulaw_to_linear(std::uint8_t c) noexcept {
    return detail::linear_from_ulaw[c];
}
[[nodiscard]] inline std::int16_t alaw_to_linear(std::uint8_t c) noexcept {
    return detail::linear_from_alaw[c];
}

/// Span forms. `out` must be at least as long as `in`; only `in.size()` elements are written.
inline void encode_ulaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = linear_to_ulaw(in[i]);
}
inline void encode_alaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = linear_to_alaw(in[i]);
}
inline void decode_ulaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = ulaw_to_linear(in[i]);
}
inline void decode_alaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = alaw_to_linear(in[i]);
}

}  // namespace tandem::codecs::g711
