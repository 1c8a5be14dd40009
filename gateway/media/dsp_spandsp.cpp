/// spandsp-backed blocks of dsp.hpp (DTMF detection and generation, answer tone detection).
#include <cstring>

#include <spandsp.h>  // has its own extern "C" guards

#include "gateway/media/dsp.hpp"

namespace tandem::gateway::media {

// ---- dtmf_detector ---------------------------------------------------------------------------

struct dtmf_detector::impl {
    dtmf_rx_state_t* rx = nullptr;
    char started = 0;
    bool ended = false;
    static void on_tone(void* user, int code, int, int) {
        auto* self = static_cast<impl*>(user);
        if (code != 0) self->started = static_cast<char>(code);
        else self->ended = true;
    }
    impl() {
        rx = dtmf_rx_init(nullptr, nullptr, nullptr);
        dtmf_rx_set_realtime_callback(rx, &impl::on_tone, this);
    }
    ~impl() { dtmf_rx_free(rx); }
};

dtmf_detector::dtmf_detector() : impl_(std::make_unique<impl>()) {}
dtmf_detector::~dtmf_detector() = default;

dtmf_detector::result dtmf_detector::process(std::span<const std::int16_t> pcm) noexcept {
    impl_->started = 0;
    impl_->ended = false;
    dtmf_rx(impl_->rx, pcm.data(), static_cast<int>(pcm.size()));
    result r;
    if (impl_->ended && current_ != 0) {
        r.ended = true;
        current_ = 0;
    }
    if (impl_->started != 0) {
        // A new digit without an end in between (digit changed): report the end first.
        if (current_ != 0) r.ended = true;
        r.started = impl_->started;
        current_ = impl_->started;
    }
    // Drain the digit buffer so it never fills (we use the realtime reports only).
    char sink[8];
    dtmf_rx_get(impl_->rx, sink, static_cast<int>(sizeof sink));
    return r;
}

void dtmf_detector::reset() noexcept {
    dtmf_rx_init(impl_->rx, nullptr, nullptr);  // re-initialises in place, no allocation
    dtmf_rx_set_realtime_callback(impl_->rx, &impl::on_tone, impl_.get());
    current_ = 0;
}

// ---- dtmf_generator --------------------------------------------------------------------------

namespace {
constexpr unsigned min_tone_samples = 8 * 60;    // 60 ms: above the 40 ms Q.24 minimum
constexpr unsigned max_tone_samples = 8 * 4000;  // an event never sounds longer than 4 s
}  // namespace

struct dtmf_generator::impl {
    dtmf_tx_state_t* tx = nullptr;
    impl() { tx = dtmf_tx_init(nullptr); }
    ~impl() { dtmf_tx_free(tx); }
};

dtmf_generator::dtmf_generator() : impl_(std::make_unique<impl>()) {}
dtmf_generator::~dtmf_generator() = default;

bool dtmf_generator::start(char digit) noexcept {
    if (std::strchr("0123456789*#ABCD", digit) == nullptr || digit == 0) return false;
    dtmf_tx_init(impl_->tx);  // in place: drops a digit still sounding
    // The tone lasts until stop(): ask spandsp for the longest tone and cut it ourselves.
    dtmf_tx_set_timing(impl_->tx, static_cast<int>(max_tone_samples / 8), 0);
    const char s[2] = {digit, 0};
    dtmf_tx_put(impl_->tx, s, 1);
    digit_ = digit;
    stopping_ = false;
    played_ = 0;
    return true;
}

void dtmf_generator::stop() noexcept {
    if (digit_ != 0) stopping_ = true;
}

bool dtmf_generator::generate(std::span<std::int16_t> pcm) noexcept {
    if (digit_ == 0) return false;
    if ((stopping_ && played_ >= min_tone_samples) || played_ >= max_tone_samples) {
        digit_ = 0;
        dtmf_tx_init(impl_->tx);
        return false;
    }
    const int n = dtmf_tx(impl_->tx, pcm.data(), static_cast<int>(pcm.size()));
    for (auto i = static_cast<std::size_t>(n); i < pcm.size(); ++i) pcm[i] = 0;
    played_ += static_cast<unsigned>(pcm.size());
    return true;
}

// ---- answer_tone_detector --------------------------------------------------------------------

struct answer_tone_detector::impl {
    modem_connect_tones_rx_state_t* rx = nullptr;
    bool hit = false;
    static void on_tone(void* user, int code, int, int) {
        auto* self = static_cast<impl*>(user);
        if (code == MODEM_CONNECT_TONES_ANS_PR || code == MODEM_CONNECT_TONES_ANSAM_PR)
            self->hit = true;
    }
    impl() { rx = modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_ANS_PR, &impl::on_tone, this); }
    ~impl() { modem_connect_tones_rx_free(rx); }
};

answer_tone_detector::answer_tone_detector() : impl_(std::make_unique<impl>()) {}
answer_tone_detector::~answer_tone_detector() = default;

bool answer_tone_detector::process(std::span<const std::int16_t> pcm) noexcept {
    if (detected_) return false;
    modem_connect_tones_rx(impl_->rx, pcm.data(), static_cast<int>(pcm.size()));
    if (impl_->hit) {
        detected_ = true;
        return true;
    }
    return false;
}

void answer_tone_detector::reset() noexcept {
    modem_connect_tones_rx_init(impl_->rx, MODEM_CONNECT_TONES_ANS_PR, &impl::on_tone, impl_.get());
    impl_->hit = false;
    detected_ = false;
}

}  // namespace tandem::gateway::media
