#pragma once
/// Helpers shared by the codec tests: the registry with every codec built in, the shipped
/// speech samples, and a whole-signal encode/decode round trip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "codecs/audio/audio_file.hpp"
#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "codecs/registry.hpp"

namespace tandem::codecs::test {

inline const registry& all_codecs() {
    static const registry reg = [] {
        registry r;
        register_core_codecs(r);
        register_backend_codecs(r);
        return r;
    }();
    return reg;
}

inline const codec_factory& codec(std::string_view name) {
    auto c = all_codecs().find(name);
    EXPECT_TRUE(c.has_value()) << name;
    return **c;
}

inline std::string source_dir() {
    const char* dir = std::getenv("TANDEM_SOURCE_DIR");
    return dir != nullptr ? dir : TANDEM_TEST_SOURCE_DIR;
}

/// tests/data/audio/speech_8k.wav or speech_16k.wav.
inline std::vector<std::int16_t> speech(std::uint32_t rate = 8000) {
    const std::string path = source_dir() + "/tests/data/audio/speech_" +
                             std::to_string(rate / 1000) + "k.wav";
    auto audio = audio::read_wav(path);
    EXPECT_TRUE(audio.has_value()) << path;
    if (!audio) return {};
    EXPECT_EQ(audio->sample_rate, rate);
    return std::move(audio->samples);
}

/// Truncates to whole frames.
inline std::vector<std::int16_t> whole_frames(std::vector<std::int16_t> pcm, const codec_info& i) {
    pcm.resize(pcm.size() / i.samples_per_frame * i.samples_per_frame);
    return pcm;
}

struct round_trip_result {
    std::vector<std::int16_t> decoded;
    std::size_t coded_bytes = 0;
};

/// Encodes `pcm` frame by frame with `enc` and decodes each frame with `dec`.
inline round_trip_result round_trip(encoder& enc, decoder& dec, std::span<const std::int16_t> pcm) {
    const auto& i = enc.info();
    round_trip_result r;
    std::vector<std::uint8_t> bytes(i.bytes_per_frame);
    std::vector<std::int16_t> out(i.samples_per_frame);
    for (std::size_t at = 0; at + i.samples_per_frame <= pcm.size(); at += i.samples_per_frame) {
        auto n = enc.encode(pcm.subspan(at, i.samples_per_frame), bytes);
        EXPECT_TRUE(n.has_value());
        if (!n) break;
        r.coded_bytes += *n;
        auto m = dec.decode(std::span<const std::uint8_t>(bytes).first(*n), out);
        EXPECT_TRUE(m.has_value());
        if (!m) break;
        r.decoded.insert(r.decoded.end(), out.begin(), out.begin() + static_cast<long>(*m));
    }
    return r;
}

inline round_trip_result round_trip(const codec_factory& c, std::span<const std::int16_t> pcm) {
    auto enc = c.make_encoder();
    auto dec = c.make_decoder();
    EXPECT_TRUE(enc && dec);
    if (!enc || !dec) return {};
    return round_trip(**enc, **dec, pcm);
}

}  // namespace tandem::codecs::test
