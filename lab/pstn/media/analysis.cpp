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
      // An estimate outside the band leaves the coarse search empty: no tone (refining
      // around 0 Hz would read DC or hum as a "0 Hz tone").
      const double coarse = best_hz;
      for (double hz = coarse - 4; best > 0 && hz <= coarse + 4; hz += 1) {
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

namespace {

/// The whole reference at one offset (see locate).
std::optional<alignment_result> locate_whole(std::span<const std::int16_t> reference,
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

/// Pieces of the reference searched one by one (see locate): one second each, the last one
/// taking the remainder.
constexpr std::size_t piece_samples = sample_rate;
/// How far a piece may sit from the loudest piece's offset: playout slips of a few ticks, not
/// a search of the whole recording for each piece (a quiet piece would match anywhere).
constexpr std::size_t max_slip_samples = sample_rate / 4;
constexpr double whole_is_enough = 0.95;

std::optional<alignment_result> locate_in_pieces(std::span<const std::int16_t> reference,
                                                 std::span<const std::int16_t> recording) {
  struct piece {
    std::size_t start = 0, size = 0;
    double energy_share = 0;
    std::optional<std::int64_t> offset;  ///< in the recording, where this piece starts
    double correlation = 0;
  };
  std::vector<piece> pieces;
  for (std::size_t start = 0; start < reference.size(); start += piece_samples) {
    const std::size_t size = std::min(piece_samples, reference.size() - start);
    if (size < piece_samples / 2 && !pieces.empty()) pieces.back().size += size;
    else pieces.push_back(piece{start, size, 0, std::nullopt, 0});
  }
  double total = 0;
  for (auto& p : pieces) total += p.energy_share = energy(reference.subspan(p.start, p.size));
  if (total <= 0) return std::nullopt;
  for (auto& p : pieces) p.energy_share /= total;

  // The loudest piece anchors the search: found anywhere in the recording.
  const auto anchor = static_cast<std::size_t>(
      std::max_element(pieces.begin(), pieces.end(),
                       [](const piece& a, const piece& b) { return a.energy_share < b.energy_share; }) -
      pieces.begin());
  auto found = locate_whole(reference.subspan(pieces[anchor].start, pieces[anchor].size), recording);
  if (!found) return std::nullopt;
  const std::int64_t lag = found->offset_samples - static_cast<std::int64_t>(pieces[anchor].start);

  // The others near the anchor's lag. The last piece must be complete in the recording.
  double correlation = 0;
  std::vector<std::int16_t> aligned(reference.size(), 0);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    auto& p = pieces[i];
    const auto ref = reference.subspan(p.start, p.size);
    const std::int64_t expected = static_cast<std::int64_t>(p.start) + lag;
    const std::int64_t from = std::max<std::int64_t>(0, expected - static_cast<std::int64_t>(max_slip_samples));
    const std::int64_t to = std::min<std::int64_t>(static_cast<std::int64_t>(recording.size()),
                                                   expected + static_cast<std::int64_t>(p.size + max_slip_samples));
    if (i + 1 == pieces.size() && to < expected + static_cast<std::int64_t>(p.size)) return std::nullopt;
    if (to <= from) continue;
    const auto window = recording.subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    auto r = i == anchor ? found : locate_whole(ref, window);
    if (!r) continue;
    p.offset = i == anchor ? r->offset_samples : from + r->offset_samples;
    p.correlation = r->correlation;
    correlation += p.energy_share * p.correlation;
    std::copy_n(recording.begin() + *p.offset, p.size, aligned.begin() + static_cast<std::ptrdiff_t>(p.start));
  }
  if (!pieces.back().offset || correlation < 0.5) return std::nullopt;
  alignment_result out;
  out.correlation = correlation;
  out.snr_db = codecs::audio::snr_db(reference, aligned);
  out.segmental_snr_db = codecs::audio::segmental_snr_db(reference, aligned);
  std::optional<std::int64_t> previous_lag;
  for (const auto& p : pieces) {
    if (!p.offset) continue;
    const std::int64_t piece_lag = *p.offset - static_cast<std::int64_t>(p.start);
    if (!previous_lag) out.offset_samples = piece_lag;  // where the reference starts
    else if (piece_lag != *previous_lag) {
      ++out.slips;
      out.max_slip_samples = std::max(out.max_slip_samples, std::abs(piece_lag - *previous_lag));
    }
    previous_lag = piece_lag;
  }
  if (out.offset_samples < 0) return std::nullopt;
  return out;
}

}  // namespace

std::optional<alignment_result> locate(std::span<const std::int16_t> reference,
                                       std::span<const std::int16_t> recording) {
  auto whole = locate_whole(reference, recording);
  if ((whole && whole->correlation >= whole_is_enough) || reference.size() < 2 * piece_samples) return whole;
  auto pieces = locate_in_pieces(reference, recording);
  if (!pieces) return whole;
  if (whole && whole->correlation >= pieces->correlation) return whole;
  return pieces;
}

}  // namespace tandem::lab::pstn::media
