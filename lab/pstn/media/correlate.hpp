#pragma once
/// Fast cross-correlation by FFT, so that finding a 0.5 s marker in 20 s of recording costs
/// milliseconds instead of the seconds of a time-domain search. Used to find the coarse lag;
/// codecs::audio::find_delay then settles the exact one around it.
#include <cstdint>
#include <span>
#include <vector>

namespace tandem::lab::pstn::media {

/// Normalised cross-correlation of `reference` against `signal` for every lag in
/// [0, signal.size() - reference.size()]: sum ref[n] * sig[n + lag] / sqrt(E_ref * E_sig(lag)).
/// Lags whose window is nearly silent (below 1e-4 of the reference's energy) score 0.
[[nodiscard]] std::vector<double> normalised_cross_correlation(std::span<const std::int16_t> reference,
                                                               std::span<const std::int16_t> signal);

}  // namespace tandem::lab::pstn::media
