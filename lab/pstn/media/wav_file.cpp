#include "lab/pstn/media/wav_file.hpp"

#include <sndfile.h>

#include <fmt/format.h>

namespace tandem::lab::pstn::media {

namespace {
/// Longest media file: ten minutes of 8 kHz audio.
constexpr sf_count_t max_frames = 8000 * 600;
}  // namespace

expected<std::vector<std::int16_t>, std::string> load_wav(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) return make_unexpected(fmt::format("{}: {}", path, sf_strerror(nullptr)));
  std::string problem;
  if (info.samplerate != 8000) problem = fmt::format("{} Hz, 8000 Hz required", info.samplerate);
  else if (info.channels != 1) problem = fmt::format("{} channels, mono required", info.channels);
  else if (info.frames <= 0 || info.frames > max_frames) problem = fmt::format("{} samples, 1 to {} allowed", info.frames, max_frames);
  std::vector<std::int16_t> samples;
  if (problem.empty()) {
    samples.resize(static_cast<std::size_t>(info.frames));
    sf_count_t n = sf_read_short(f, samples.data(), info.frames);
    if (n != info.frames) problem = fmt::format("read {} of {} samples", n, info.frames);
  }
  sf_close(f);
  if (!problem.empty()) return make_unexpected(fmt::format("{}: {}", path, problem));
  return samples;
}

expected<void, std::string> save_wav(const std::string& path, const std::vector<std::int16_t>& samples) {
  SF_INFO info{};
  info.samplerate = 8000;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) return make_unexpected(fmt::format("{}: {}", path, sf_strerror(nullptr)));
  sf_count_t n = sf_write_short(f, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_close(f);
  if (n != static_cast<sf_count_t>(samples.size())) return make_unexpected(fmt::format("{}: short write", path));
  return {};
}

}  // namespace tandem::lab::pstn::media
