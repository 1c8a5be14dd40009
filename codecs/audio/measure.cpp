#include "codecs/audio/measure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace tandem::codecs::audio {
namespace {

double energy(std::span<const std::int16_t> s) {
    double e = 0.0;
    for (auto v : s) e += static_cast<double>(v) * v;
    return e;
}

std::int16_t clamp16(double v) {
    return static_cast<std::int16_t>(std::lround(std::clamp(v, -32768.0, 32767.0)));
}

}  // namespace

alignment find_delay(std::span<const std::int16_t> reference,
                     std::span<const std::int16_t> degraded, int max_delay_samples) {
    const auto r_len = static_cast<long>(reference.size());
    const auto d_len = static_cast<long>(degraded.size());
    if (r_len == 0 || d_len == 0 || max_delay_samples < 0) return {0, 0.0};

    // Prefix sums of squares give the energy of any overlap in O(1).
    std::vector<double> r_energy(reference.size() + 1, 0.0);
    std::vector<double> d_energy(degraded.size() + 1, 0.0);
    for (long i = 0; i < r_len; ++i) r_energy[i + 1] = r_energy[i] + double(reference[i]) * reference[i];
    for (long i = 0; i < d_len; ++i) d_energy[i + 1] = d_energy[i] + double(degraded[i]) * degraded[i];

    // A lag whose overlap is a sliver of the signals could correlate by chance: require that
    // the overlap keeps at least half of the shorter signal.
    const long min_overlap = std::max(1L, std::min(r_len, d_len) / 2);
    alignment best{0, 0.0};
    bool found = false;
    for (long lag = -max_delay_samples; lag <= max_delay_samples; ++lag) {
        const long begin = std::max(0L, -lag);              // reference index
        const long end = std::min(r_len, d_len - lag);     // exclusive
        if (end - begin < min_overlap) continue;
        std::int64_t cross = 0;
        const std::int16_t* r = reference.data();
        const std::int16_t* d = degraded.data() + lag;
        for (long n = begin; n < end; ++n) cross += std::int32_t{r[n]} * d[n];
        const double er = r_energy[end] - r_energy[begin];
        const double ed = d_energy[end + lag] - d_energy[begin + lag];
        if (er <= 0.0 || ed <= 0.0) continue;
        const double c = static_cast<double>(cross) / std::sqrt(er * ed);
        if (!found || c > best.correlation) {
            best = {static_cast<int>(lag), c};
            found = true;
        }
    }
    return best;
}

double snr_db(std::span<const std::int16_t> reference, std::span<const std::int16_t> degraded) {
    const std::size_t n = std::min(reference.size(), degraded.size());
    double signal = 0.0;
    double noise = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double r = reference[i];
        const double e = r - degraded[i];
        signal += r * r;
        noise += e * e;
    }
    if (signal == 0.0) return -std::numeric_limits<double>::infinity();
    if (noise == 0.0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(signal / noise);
}

double segmental_snr_db(std::span<const std::int16_t> reference,
                        std::span<const std::int16_t> degraded, std::size_t frame) {
    const std::size_t n = std::min(reference.size(), degraded.size());
    if (frame == 0) return -std::numeric_limits<double>::infinity();
    // -60 dBov as mean power per sample, relative to full scale (32767^2).
    const double silence = 32767.0 * 32767.0 * 1e-6;
    double sum = 0.0;
    std::size_t counted = 0;
    for (std::size_t at = 0; at + frame <= n; at += frame) {
        const auto r = reference.subspan(at, frame);
        const auto d = degraded.subspan(at, frame);
        const double power = energy(r) / static_cast<double>(frame);
        if (power < silence) continue;
        sum += std::clamp(snr_db(r, d), -10.0, 60.0);
        ++counted;
    }
    if (counted == 0) return -std::numeric_limits<double>::infinity();
    return sum / static_cast<double>(counted);
}

quality measure(std::span<const std::int16_t> reference, std::span<const std::int16_t> degraded,
                int max_delay_samples, std::size_t frame) {
    quality q{};
    q.align = find_delay(reference, degraded, max_delay_samples);
    auto r = reference;
    auto d = degraded;
    const auto shift = static_cast<std::size_t>(std::abs(q.align.delay_samples));
    if (q.align.delay_samples >= 0) {
        d = d.subspan(std::min(shift, d.size()));
    } else {
        r = r.subspan(std::min(shift, r.size()));
    }
    q.snr_db = snr_db(r, d);
    q.segmental_snr_db = segmental_snr_db(r, d, frame);
    return q;
}

double level_dbov(std::span<const std::int16_t> signal) {
    if (signal.empty()) return -std::numeric_limits<double>::infinity();
    const double power = energy(signal) / static_cast<double>(signal.size());
    if (power == 0.0) return -std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(power / (32767.0 * 32767.0));
}

double fill_sine(std::span<std::int16_t> out, double frequency_hz, double amplitude,
                 std::uint32_t sample_rate, double phase_rad) {
    const double step = 2.0 * std::numbers::pi * frequency_hz / sample_rate;
    double phase = phase_rad;
    for (auto& s : out) {
        s = clamp16(amplitude * std::sin(phase));
        phase = std::fmod(phase + step, 2.0 * std::numbers::pi);
    }
    return phase;
}

std::vector<std::int16_t> make_sine(double frequency_hz, double amplitude,
                                    std::uint32_t sample_rate, std::size_t samples,
                                    double phase_rad) {
    std::vector<std::int16_t> out(samples);
    fill_sine(out, frequency_hz, amplitude, sample_rate, phase_rad);
    return out;
}

std::vector<std::int16_t> make_marker(std::uint32_t sample_rate, std::size_t samples,
                                      double amplitude) {
    std::vector<std::int16_t> out(samples);
    if (samples == 0 || sample_rate == 0) return out;
    constexpr double f0 = 300.0;
    constexpr double f1 = 3000.0;
    const double duration = static_cast<double>(samples) / sample_rate;
    const std::size_t taper = std::max<std::size_t>(1, samples / 10);
    for (std::size_t i = 0; i < samples; ++i) {
        const double t = static_cast<double>(i) / sample_rate;
        const double phase = 2.0 * std::numbers::pi * (f0 * t + (f1 - f0) * t * t / (2.0 * duration));
        double gain = 1.0;
        const std::size_t edge = std::min(i, samples - 1 - i);
        if (edge < taper) {
            gain = 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) / taper);
        }
        out[i] = clamp16(amplitude * gain * std::sin(phase));
    }
    return out;
}

std::vector<std::int16_t> make_ramp(std::size_t samples, std::int16_t start, std::int16_t step) {
    std::vector<std::int16_t> out(samples);
    auto v = static_cast<std::uint16_t>(start);
    for (auto& s : out) {
        s = static_cast<std::int16_t>(v);
        v = static_cast<std::uint16_t>(v + static_cast<std::uint16_t>(step));
    }
    return out;
}

}  // namespace tandem::codecs::audio
