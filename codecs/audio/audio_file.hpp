#pragma once
/// Reading and writing 16-bit mono audio files: WAV (any format libsndfile reads, converted to
/// 16-bit) and raw headerless 16-bit little-endian PCM. Used by the codec tool, the tests and
/// the lab. Library: tandem_codecs_audio_file (libsndfile, LGPL-2.1).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace tandem::codecs::audio {

struct pcm_audio {
    std::vector<std::int16_t> samples;
    std::uint32_t sample_rate = 8000;
};

enum class audio_file_error {
    cannot_open,     ///< missing file, no permission, or not an audio file libsndfile knows
    not_mono,        ///< more than one channel
    read_failed,
    write_failed,
};

[[nodiscard]] std::string_view to_string(audio_file_error e) noexcept;

/// WAV (or any libsndfile format) -> 16-bit mono samples.
[[nodiscard]] expected<pcm_audio, audio_file_error> read_wav(const std::string& path);
/// 16-bit mono PCM WAV.
[[nodiscard]] expected<void, audio_file_error> write_wav(const std::string& path,
                                                         std::span<const std::int16_t> samples,
                                                         std::uint32_t sample_rate);
/// Raw 16-bit little-endian; the rate is not in the file, the caller states it.
[[nodiscard]] expected<pcm_audio, audio_file_error> read_raw(const std::string& path,
                                                             std::uint32_t sample_rate);
[[nodiscard]] expected<void, audio_file_error> write_raw(const std::string& path,
                                                         std::span<const std::int16_t> samples);

/// `path` names a raw file (".raw", ".pcm", ".s16", ".sln") rather than a WAV.
[[nodiscard]] bool is_raw_path(std::string_view path) noexcept;

/// Reads either kind by extension (raw at `raw_rate`).
[[nodiscard]] expected<pcm_audio, audio_file_error> read_audio(const std::string& path,
                                                               std::uint32_t raw_rate = 8000);
[[nodiscard]] expected<void, audio_file_error> write_audio(const std::string& path,
                                                           std::span<const std::int16_t> samples,
                                                           std::uint32_t sample_rate);

}  // namespace tandem::codecs::audio
