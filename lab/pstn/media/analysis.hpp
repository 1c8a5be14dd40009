#pragma once
/// Analysis of a recorded B-channel, run on the control thread when a client asks: steady
/// tones (frequency, level, when, how long) and the delay and quality of a known signal (the
/// marker, or a media file) against what was received.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tandem::lab::pstn::media {

/// One steady single-frequency tone found in a recording.
struct tone_segment {
  double frequency_hz = 0;
  double level_dbm0 = 0;
  double start_ms = 0;  ///< from the start of the recording
  double duration_ms = 0;
};

/// Splits the recording in 20 ms frames; a frame holds a tone when one frequency (Goertzel
/// around the zero-crossing estimate, 200-3800 Hz) carries at least 80 % of its power and its level is above -45 dBm0.
/// Consecutive tone frames within 15 Hz of each other merge, across gaps of up to two frames
/// (40 ms: a lost block or a codec's bad frame); segments shorter than 40 ms are dropped. DTMF (two frequencies) is not a tone here: see the DTMF detector.
[[nodiscard]] std::vector<tone_segment> find_tones(std::span<const std::int16_t> pcm);

/// Power of `frequency_hz` in `pcm` relative to the total power (0..1), by Goertzel.
[[nodiscard]] double tone_power_ratio(std::span<const std::int16_t> pcm, double frequency_hz);

/// Where a known signal sits in a recording and how well it survived.
struct alignment_result {
  /// Samples from the start of the recording to the start of the signal.
  std::int64_t offset_samples = 0;
  double correlation = 0;  ///< normalised cross-correlation at that offset
  double snr_db = 0;
  double segmental_snr_db = 0;
  /// Places where the signal continues at another offset than before (a receiver's playout
  /// slipped: its jitter buffer grew or shrank, or audio was lost and concealed). 0 when the
  /// whole reference lines up at one offset.
  unsigned slips = 0;
  /// The largest change of offset at a slip, in samples (0 without slips).
  std::int64_t max_slip_samples = 0;
};

/// Finds `reference` in `recording` (FFT cross-correlation over the whole recording, then the
/// exact sample) and measures SNR after alignment. nullopt when the signal is not there (best
/// normalised correlation below 0.5) or not complete yet.
///
/// A reference longer than two seconds that does not line up at one offset (correlation
/// below 0.95) is also searched in one-second pieces, each near where the loudest piece sits
/// (within 250 ms): a receiver whose playout slipped by one tick in the middle of a 7 s
/// reference has the first half at one offset and the second at another, and no single offset
/// correlates above 0.5 although every sample arrived. The better of the two readings is
/// returned; the pieces' one has `correlation` the energy-weighted mean of the pieces'
/// correlations (a piece not found counts 0), SNRs over the pieces each at its own offset,
/// `offset_samples` where the first piece starts, and the slips between pieces.
[[nodiscard]] std::optional<alignment_result> locate(std::span<const std::int16_t> reference,
                                                     std::span<const std::int16_t> recording);

}  // namespace tandem::lab::pstn::media
