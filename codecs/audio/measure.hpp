#pragma once
/// Audio measurement for codec tests, the codec tool and the lab (exchange simulator):
/// one-way delay by cross-correlation, SNR and segmental SNR, and test signals.
///
/// Conventions: 16-bit linear PCM, one channel; full scale is 32767 (0 dBov). All functions are
/// pure and allocate only in the `make_*` generators. This API is used by lab/: keep it stable.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tandem::codecs::audio {

/// Result of `find_delay`.
struct alignment {
    /// `degraded[n + delay_samples]` best matches `reference[n]`. Positive: degraded lags.
    int delay_samples;
    /// Normalised cross-correlation at that lag, in [-1, 1] (1: identical up to a gain).
    double correlation;
};

/// Finds the lag in [-max_delay_samples, +max_delay_samples] that maximises the normalised
/// cross-correlation of `degraded` against `reference` (time domain, no FFT). With empty or
/// silent input the result is {0, 0.0}.
[[nodiscard]] alignment find_delay(std::span<const std::int16_t> reference,
                                   std::span<const std::int16_t> degraded, int max_delay_samples);

/// Signal-to-noise ratio in dB over the common length: 10 log10(sum ref^2 / sum (ref-deg)^2).
/// The caller aligns first (e.g. `degraded.subspan(delay)`). Identical signals give +inf,
/// silent reference gives -inf.
[[nodiscard]] double snr_db(std::span<const std::int16_t> reference,
                            std::span<const std::int16_t> degraded);

/// Segmental SNR in dB: the mean of per-frame SNRs over the common length, each clamped to
/// [-10, +60] dB; frames whose reference power is below -60 dBov (silence) are skipped.
/// Returns -inf when every frame is silent.
[[nodiscard]] double segmental_snr_db(std::span<const std::int16_t> reference,
                                      std::span<const std::int16_t> degraded,
                                      std::size_t frame = 160);

/// Both after alignment: the usual one-call measurement.
struct quality {
    alignment align;
    double snr_db;
    double segmental_snr_db;
};
[[nodiscard]] quality measure(std::span<const std::int16_t> reference,
                              std::span<const std::int16_t> degraded, int max_delay_samples,
                              std::size_t frame = 160);

/// RMS level in dBov (full-scale sine = -3.01 dBov); -inf for silence.
[[nodiscard]] double level_dbov(std::span<const std::int16_t> signal);

/// Sine tone of `amplitude` (peak, 0..32767) starting at `phase_rad`.
[[nodiscard]] std::vector<std::int16_t> make_sine(double frequency_hz, double amplitude,
                                                  std::uint32_t sample_rate, std::size_t samples,
                                                  double phase_rad = 0.0);

/// Fills `out` with a sine tone; returns the phase after the last sample (to continue it).
double fill_sine(std::span<std::int16_t> out, double frequency_hz, double amplitude,
                 std::uint32_t sample_rate, double phase_rad = 0.0);

/// The delay marker: a linear chirp sweeping 300 -> 3000 Hz (below 3.4 kHz so that every
/// narrow-band codec passes it), with 10 % raised-cosine tapers at both ends, peak `amplitude`. Its
/// autocorrelation has one sharp peak, and it survives G.729 and G.723.1 well enough for
/// `find_delay` to lock onto it to the sample. Deterministic: same arguments, same samples.
[[nodiscard]] std::vector<std::int16_t> make_marker(std::uint32_t sample_rate,
                                                    std::size_t samples = 4000,
                                                    double amplitude = 12000.0);

/// A ramp that steps by `step` per sample and wraps in 16 bits: makes a missing or duplicated
/// sample at a frame border visible (continuity tests through L16 and G.711).
[[nodiscard]] std::vector<std::int16_t> make_ramp(std::size_t samples, std::int16_t start = 0,
                                                  std::int16_t step = 1);

}  // namespace tandem::codecs::audio
