#include "gateway/media/tone_player.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include <spandsp.h>  // has its own extern "C" guards

namespace tandem::gateway::media {

namespace {
constexpr double sample_rate = 8000.0;
constexpr unsigned max_digits = 32;
/// Peak amplitude of a sine at `dbm0` in 16-bit linear G.711 terms (0 dBm0 is 3.14 dB below
/// the largest sine the A-law can carry, ITU-T G.711 Table 5 / spandsp's DBM0_MAX_POWER).
double amplitude_of(int dbm0) noexcept { return 32767.0 * std::pow(10.0, (dbm0 - 3.14) / 20.0); }
}  // namespace

struct tone_player::impl {
    dtmf_tx_state_t* tx = nullptr;
    impl() {
        tx = dtmf_tx_init(nullptr);
        dtmf_tx_set_timing(tx, 100, 100);  // 100 ms of tone, 100 ms of pause per digit
    }
    ~impl() { dtmf_tx_free(tx); }
};

tone_player::tone_player() : impl_(std::make_unique<impl>()) {}
tone_player::~tone_player() = default;

void tone_player::start(signal_tone t) noexcept {
    if (t == signal_tone::dtmf) return;  // digits come through queue_digit
    stop();
    tone_ = t;
    step_ = 0;
    step_left_ = plan_of(t).count > 0 ? plan_of(t).steps[0].ms * 8u : 0u;
    phase1_ = phase2_ = 0;
}

bool tone_player::queue_digit(char digit) noexcept {
    if (digit == 0 || std::strchr("0123456789*#ABCD", digit) == nullptr) return false;
    if (tone_ != signal_tone::dtmf) {
        stop();
        tone_ = signal_tone::dtmf;
    }
    if (digits_queued_ >= max_digits) return false;
    const char s[2] = {digit, 0};
    if (dtmf_tx_put(impl_->tx, s, 1) != 0) return false;
    ++digits_queued_;
    return true;
}

void tone_player::stop() noexcept {
    if (tone_ == signal_tone::dtmf) {
        dtmf_tx_init(impl_->tx);  // in place: drops queued digits, no allocation
        dtmf_tx_set_timing(impl_->tx, 100, 100);
    }
    tone_ = signal_tone::none;
    digits_queued_ = 0;
}

bool tone_player::generate(std::span<std::int16_t> out) noexcept {
    if (tone_ == signal_tone::none) return false;
    if (tone_ == signal_tone::quiet) {
        std::fill(out.begin(), out.end(), std::int16_t{0});
        return true;
    }
    if (tone_ == signal_tone::dtmf) {
        const int n = dtmf_tx(impl_->tx, out.data(), static_cast<int>(out.size()));
        if (n <= 0) {  // every queued digit (and its pause) has been played
            stop();
            return false;
        }
        std::fill(out.begin() + n, out.end(), std::int16_t{0});
        return true;
    }
    const auto& plan = plan_of(tone_);
    if (plan.count == 0) return false;  // loopback: not a tone (the endpoint loops the line)
    for (auto& sample : out) {
        while (step_left_ == 0) {
            ++step_;
            if (step_ >= plan.count) {
                if (!plan.repeat) {
                    // A brief tone ends here; what is left of the block is silence.
                    tone_ = signal_tone::none;
                    std::fill(&sample, out.data() + out.size(), std::int16_t{0});
                    return true;
                }
                step_ = 0;
            }
            step_left_ = plan.steps[step_].ms * 8u;
        }
        const auto& s = plan.steps[step_];
        if (s.level_dbm0 != amp_level_) {  // std::pow once per level change, not per sample
            amp_level_ = s.level_dbm0;
            amp_ = amplitude_of(s.level_dbm0);
        }
        double v = 0;
        // Phases keep running through silent steps so each burst starts where a steady
        // oscillator would be; the level is per frequency.
        phase1_ += 2 * std::numbers::pi * s.f1 / sample_rate;
        phase2_ += 2 * std::numbers::pi * s.f2 / sample_rate;
        if (phase1_ > 2 * std::numbers::pi) phase1_ -= 2 * std::numbers::pi;
        if (phase2_ > 2 * std::numbers::pi) phase2_ -= 2 * std::numbers::pi;
        if (s.f1 != 0) v += amp_ * std::sin(phase1_);
        if (s.f2 != 0) v += amp_ * std::sin(phase2_);
        sample = static_cast<std::int16_t>(std::clamp(v, -32768.0, 32767.0));
        --step_left_;
    }
    return true;
}

tone_detector::tone_detector(double hz, double min_share) noexcept
    : coeff_(2 * std::cos(2 * std::numbers::pi * hz / sample_rate)), min_share_(min_share) {}

bool tone_detector::present(std::span<const std::int16_t> block) const noexcept {
    double s1 = 0, s2 = 0, energy = 0;
    for (const auto x : block) {
        const double s0 = x + coeff_ * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += static_cast<double>(x) * x;
    }
    const double n = static_cast<double>(block.size());
    // About -40 dBm0 over the block: quieter blocks are not a tone (a pure sine at 0 dBm0
    // has an energy of N * A^2 / 2 with A = 22,700).
    const double a = amplitude_of(-40);
    if (n == 0 || energy < n * a * a / 2) return false;
    const double power = s1 * s1 + s2 * s2 - coeff_ * s1 * s2;  // |X(f)|^2
    // For a pure sine at `hz`, 2|X|^2 / (N * energy) is 1; other frequencies fall off fast.
    return 2 * power / (n * energy) >= min_share_;
}

}  // namespace tandem::gateway::media
