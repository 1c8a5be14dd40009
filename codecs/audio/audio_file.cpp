#include "codecs/audio/audio_file.hpp"

#include <sndfile.h>

#include <array>
#include <fstream>

namespace tandem::codecs::audio {

std::string_view to_string(audio_file_error e) noexcept {
    switch (e) {
        case audio_file_error::cannot_open: return "cannot open";
        case audio_file_error::not_mono: return "not mono";
        case audio_file_error::read_failed: return "read failed";
        case audio_file_error::write_failed: return "write failed";
    }
    return "unknown error";
}

expected<pcm_audio, audio_file_error> read_wav(const std::string& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) return make_unexpected(audio_file_error::cannot_open);
    if (info.channels != 1) {
        sf_close(f);
        return make_unexpected(audio_file_error::not_mono);
    }
    pcm_audio out;
    out.sample_rate = static_cast<std::uint32_t>(info.samplerate);
    out.samples.resize(static_cast<std::size_t>(info.frames));
    const sf_count_t got = sf_read_short(f, out.samples.data(), info.frames);
    sf_close(f);
    if (got != info.frames) return make_unexpected(audio_file_error::read_failed);
    return out;
}

expected<void, audio_file_error> write_wav(const std::string& path,
                                           std::span<const std::int16_t> samples,
                                           std::uint32_t sample_rate) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(sample_rate);
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (f == nullptr) return make_unexpected(audio_file_error::cannot_open);
    const auto n = static_cast<sf_count_t>(samples.size());
    const sf_count_t put = sf_write_short(f, samples.data(), n);
    sf_close(f);
    if (put != n) return make_unexpected(audio_file_error::write_failed);
    return {};
}

expected<pcm_audio, audio_file_error> read_raw(const std::string& path, std::uint32_t sample_rate) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_unexpected(audio_file_error::cannot_open);
    pcm_audio out;
    out.sample_rate = sample_rate;
    std::array<char, 2> b{};
    while (in.read(b.data(), 2)) {
        out.samples.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(
            static_cast<std::uint8_t>(b[0]) | (static_cast<std::uint8_t>(b[1]) << 8))));
    }
    if (in.gcount() != 0) return make_unexpected(audio_file_error::read_failed);  // odd length
    return out;
}

expected<void, audio_file_error> write_raw(const std::string& path,
                                           std::span<const std::int16_t> samples) {
    std::ofstream out(path, std::ios::binary);
    if (!out) return make_unexpected(audio_file_error::cannot_open);
    for (auto s : samples) {
        const auto u = static_cast<std::uint16_t>(s);
        const std::array<char, 2> b{static_cast<char>(u & 0xFF), static_cast<char>(u >> 8)};
        out.write(b.data(), 2);
    }
    if (!out) return make_unexpected(audio_file_error::write_failed);
    return {};
}

bool is_raw_path(std::string_view path) noexcept {
    for (std::string_view ext : {".raw", ".pcm", ".s16", ".sln"}) {
        if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) return true;
    }
    return false;
}

expected<pcm_audio, audio_file_error> read_audio(const std::string& path, std::uint32_t raw_rate) {
    return is_raw_path(path) ? read_raw(path, raw_rate) : read_wav(path);
}

expected<void, audio_file_error> write_audio(const std::string& path,
                                             std::span<const std::int16_t> samples,
                                             std::uint32_t sample_rate) {
    return is_raw_path(path) ? write_raw(path, samples) : write_wav(path, samples, sample_rate);
}

}  // namespace tandem::codecs::audio
