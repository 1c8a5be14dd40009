#include "lab/pstn/media/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "codecs/audio/measure.hpp"
#include "lab/pstn/media/channel_media.hpp"
#include "lab/pstn/media/correlate.hpp"

namespace tandem::lab::pstn::media {

namespace {

constexpr std::size_t frame = 160;  // 20 ms
constexpr double min_purity = 0.8;
constexpr double min_level_dbm0 = -45.0;
constexpr double merge_hz = 15.0;
constexpr double min_duration_ms = 40.0;
/// Non-tone frames bridged inside a tone: a lost block or a codec's bad frame is a dropout,
/// not the end of the tone (tone detectors call this hangover).
constexpr int max_gap_frames = 2;

double energy(std::span<const std::int16_t> pcm) {
  double e = 0;
  for (auto s : pcm) e += static_cast<double>(s) * s;
  return e;
}

/// Goertzel power at `hz`, scaled so that a pure sine at that frequency gives its energy.
double goertzel_energy(std::span<const std::int16_t> pcm, double hz) {
  const double w = 2.0 * std::numbers::pi * hz / sample_rate;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (auto x : pcm) {
    double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;  // |X(k)|^2
  return 2.0 * power / static_cast<double>(pcm.size());
}

double level_dbm0(double frame_energy, std::size_t n) {
  double rms = std::sqrt(frame_energy / static_cast<double>(n));
  if (rms <= 0) return -120.0;
  // A full-scale sine (rms 32767/sqrt 2) is +3.14 dBm0.
  return 20.0 * std::log10(rms / (32767.0 / std::numbers::sqrt2)) + 3.14;
}

/// Frequency from the zero crossings of a frame (exact for a pure tone up to one crossing).
double zero_crossing_hz(std::span<const std::int16_t> pcm) {
  int crossings = 0;
  std::size_t first = 0, last = 0;
  for (std::size_t i = 1; i < pcm.size(); ++i) {
    if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
      if (crossings == 0) first = i;
      last = i;
      ++crossings;
    }
  }
  if (crossings < 2) return 0;
  return (crossings - 1) / 2.0 * sample_rate / static_cast<double>(last - first);
}

}  // namespace

double tone_power_ratio(std::span<const std::int16_t> pcm, double frequency_hz) {
  double total = energy(pcm);
  if (total <= 0) return 0;
  return goertzel_energy(pcm, frequency_hz) / total;
}

std::vector<tone_segment> find_tones(std::span<const std::int16_t> pcm) {
  std::vector<tone_segment> out;
  std::optional<tone_segment> current;
  double hz_sum = 0, level_sum = 0;
  int frames = 0;
  int gap_frames = 0;  // non-tone frames since the current segment's last tone frame
  auto close = [&] {
    if (current && current->duration_ms >= min_duration_ms) {
      current->frequency_hz = hz_sum / frames;
      current->level_dbm0 = level_sum / frames;
      out.push_back(*current);
    }
    current.reset();
  };
  for (std::size_t start = 0; start + frame <= pcm.size(); start += frame) {
    auto f = pcm.subspan(start, frame);
    double total = energy(f);
    double level = level_dbm0(total, frame);
    double best_hz = 0, best = 0;
    if (level >= min_level_dbm0) {
      // A pure tone crosses zero twice per period: that estimate (within ~25 Hz over 20 ms)
      // narrows the Goertzel search to a few frequencies, then 1 Hz steps refine it.
      const double estimate = zero_crossing_hz(f);
      for (double hz = std::max(200.0, estimate - 50); hz <= std::min(3800.0, estimate + 50); hz += 5) {
        double e = goertzel_energy(f, hz);
        if (e > best) best = e, best_hz = hz;
      }
      const double coarse = best_hz;
      for (double hz = coarse - 4; hz <= coarse + 4; hz += 1) {
        double e = goertzel_energy(f, hz);
        if (e > best) best = e, best_hz = hz;
      }
    }
    bool is_tone = level >= min_level_dbm0 && best / total >= min_purity;
    double t_ms = static_cast<double>(start) * 1000.0 / sample_rate;
    if (is_tone && current && std::abs(best_hz - hz_sum / frames) <= merge_hz) {
      current->duration_ms += 20.0 * (gap_frames + 1);  // a bridged gap counts as tone
      gap_frames = 0;
      hz_sum += best_hz;
      level_sum += level;
      ++frames;
      continue;
    }
    if (!is_tone && current && ++gap_frames <= max_gap_frames) continue;  // maybe a dropout
    close();
    gap_frames = 0;
    if (is_tone) {
      current = tone_segment{best_hz, level, t_ms, 20.0};
      hz_sum = best_hz;
      level_sum = level;
      frames = 1;
    }
  }
  close();
  return out;
}

std::optional<alignment_result> locate(std::span<const std::int16_t> reference,
                                       std::span<const std::int16_t> recording) {
  constexpr int refine = 4;
  if (reference.empty() || recording.size() < reference.size()) return std::nullopt;
  // Pad with silence so that a signal still arriving is found where it really starts (a
  // search limited to complete positions would lock onto a neighbouring lag instead), then
  // accept it only once it is complete.
  std::vector<std::int16_t> padded(recording.begin(), recording.end());
  padded.resize(recording.size() + reference.size() + refine, 0);
  // Coarse: every lag at once by FFT. Fine: find_delay around the best one.
  auto scores = normalised_cross_correlation(reference, std::span<const std::int16_t>(padded).first(
                                                            recording.size() + reference.size()));
  std::size_t best = 0;
  for (std::size_t lag = 1; lag < scores.size(); ++lag)
    if (scores[lag] > scores[best]) best = lag;
  if (scores.empty() || scores[best] < 0.5) return std::nullopt;
  const std::size_t start = best >= static_cast<std::size_t>(refine) ? best - refine : 0;
  auto window = std::span<const std::int16_t>(padded).subspan(start, reference.size() + 2 * refine);
  auto fine = codecs::audio::find_delay(reference, window, 2 * refine);
  const auto offset_i = static_cast<std::int64_t>(start) + fine.delay_samples;
  if (offset_i < 0 || fine.correlation < 0.5) return std::nullopt;
  const auto offset = static_cast<std::size_t>(offset_i);
  if (offset + reference.size() > recording.size()) return std::nullopt;
  auto aligned = recording.subspan(offset, reference.size());
  return alignment_result{offset_i, fine.correlation, codecs::audio::snr_db(reference, aligned),
                          codecs::audio::segmental_snr_db(reference, aligned)};
}

}  // namespace tandem::lab::pstn::media
