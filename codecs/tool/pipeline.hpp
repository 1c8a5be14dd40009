#pragma once
/// Offline pipeline pieces of the codec tool: whole files as RTP packet sequences.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "codecs/registry.hpp"
#include "codecs/transcoder.hpp"

namespace tandem::codecs::tool {

struct packet {
    std::vector<std::uint8_t> payload;
    std::uint32_t timestamp = 0;
};

/// The codec of that name, or nullptr after printing why (unknown / not built in).
const codec_factory* resolve(const registry& reg, const std::string& name);

/// Reads WAV or raw audio and resamples it to `rate`; prints the error and returns false.
bool load_audio(const std::string& path, std::uint32_t raw_rate, std::uint32_t rate,
                std::vector<std::int16_t>& out);
bool save_audio(const std::string& path, const std::vector<std::int16_t>& samples, std::uint32_t rate);

/// Resamples with speexdsp (identity when the rates match).
std::vector<std::int16_t> resample(const std::vector<std::int16_t>& in, std::uint32_t from,
                                   std::uint32_t to);

/// Encodes whole packets of `ptime` (the tail shorter than a packet is dropped).
expected<std::vector<packet>, codec_error> encode_packets(const codec_factory& c,
                                                          const std::vector<std::int16_t>& pcm,
                                                          std::chrono::milliseconds ptime, bool vad);
/// Decodes packets, concealing timestamp gaps (VAD silences) with the decoder.
expected<std::vector<std::int16_t>, codec_error> decode_packets(const codec_factory& c,
                                                                const std::vector<packet>& packets);
/// Runs packets through the library transcoder.
expected<std::vector<packet>, codec_error> transcode_packets(const codec_factory& from,
                                                             const codec_factory& to,
                                                             const std::vector<packet>& in,
                                                             const transcoder_config& config);

}  // namespace tandem::codecs::tool
