#pragma once
/// Media files for the exchange to play: loaded once at start-up with libsndfile (any format it
/// reads: WAV PCM, A-law, µ-law...), 8000 Hz mono required so that nothing is resampled.
#include <cstdint>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace tandem::lab::pstn::media {

/// The samples of a file, 16-bit linear. Errors name the file and the reason.
[[nodiscard]] expected<std::vector<std::int16_t>, std::string> load_wav(const std::string& path);

/// Writes 16-bit PCM WAV at 8000 Hz mono (recordings for offline listening, test fixtures).
[[nodiscard]] expected<void, std::string> save_wav(const std::string& path,
                                                   const std::vector<std::int16_t>& samples);

}  // namespace tandem::lab::pstn::media
