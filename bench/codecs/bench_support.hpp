#pragma once
/// Shared input for the codec benchmarks: the shipped speech, and every codec.
#include <string>
#include <vector>

#include "codecs/registry.hpp"

namespace tandem::codecs::bench {

const registry& codecs();
/// tests/data/audio/speech_8k.wav or speech_16k.wav (whole).
const std::vector<std::int16_t>& speech(std::uint32_t rate);
/// The speech encoded frame by frame by our encoder of `name`: concatenated fixed-size frames.
const std::vector<std::uint8_t>& coded(const std::string& name);

/// Registers the bare-library benchmarks (bare_calls.cpp).
void register_bare_benchmarks();

}  // namespace tandem::codecs::bench
