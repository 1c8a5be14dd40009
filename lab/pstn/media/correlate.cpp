#include "lab/pstn/media/correlate.hpp"

#include <cmath>
#include <complex>
#include <numbers>

namespace tandem::lab::pstn::media {

namespace {

using cplx = std::complex<double>;

/// In-place iterative radix-2 FFT; `inverse` computes the unscaled inverse transform.
void fft(std::vector<cplx>& a, bool inverse) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    std::size_t bit = n >> 1;
    for (; (j & bit) != 0; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = 2 * std::numbers::pi / static_cast<double>(len) * (inverse ? 1 : -1);
    const cplx step(std::cos(angle), std::sin(angle));
    for (std::size_t i = 0; i < n; i += len) {
      cplx w(1);
      for (std::size_t k = 0; k < len / 2; ++k) {
        cplx u = a[i + k];
        cplx v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= step;
      }
    }
  }
}

}  // namespace

std::vector<double> normalised_cross_correlation(std::span<const std::int16_t> reference,
                                                 std::span<const std::int16_t> signal) {
  if (reference.empty() || signal.size() < reference.size()) return {};
  const std::size_t lags = signal.size() - reference.size() + 1;
  std::size_t n = 1;
  while (n < signal.size() + reference.size()) n <<= 1;
  std::vector<cplx> s(n), r(n);
  for (std::size_t i = 0; i < signal.size(); ++i) s[i] = signal[i];
  for (std::size_t i = 0; i < reference.size(); ++i) r[i] = reference[i];
  fft(s, false);
  fft(r, false);
  for (std::size_t i = 0; i < n; ++i) s[i] *= std::conj(r[i]);
  fft(s, true);  // s[lag] = n * sum ref[k] * sig[k + lag]

  double ref_energy = 0;
  for (auto x : reference) ref_energy += static_cast<double>(x) * x;
  std::vector<double> prefix(signal.size() + 1, 0.0);
  for (std::size_t i = 0; i < signal.size(); ++i)
    prefix[i + 1] = prefix[i] + static_cast<double>(signal[i]) * signal[i];

  std::vector<double> out(lags, 0.0);
  if (ref_energy <= 0) return out;
  for (std::size_t lag = 0; lag < lags; ++lag) {
    const double window = prefix[lag + reference.size()] - prefix[lag];
    if (window < 1e-4 * ref_energy) continue;
    out[lag] = s[lag].real() / static_cast<double>(n) / std::sqrt(ref_energy * window);
  }
  return out;
}

}  // namespace tandem::lab::pstn::media
