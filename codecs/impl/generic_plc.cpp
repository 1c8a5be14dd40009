#include "codecs/impl/generic_plc.hpp"

#include <spandsp.h>

#include <algorithm>

namespace tandem::codecs::impl {
namespace {
plc_state_t* as_plc(void* p) { return static_cast<plc_state_t*>(p); }
}  // namespace

generic_plc::generic_plc() : state_(plc_init(nullptr)) {}

generic_plc::~generic_plc() {
    if (state_ != nullptr) plc_free(as_plc(state_));
}

void generic_plc::received(std::span<std::int16_t> pcm) noexcept {
    plc_rx(as_plc(state_), pcm.data(), static_cast<int>(pcm.size()));
}

void generic_plc::conceal(std::span<std::int16_t> pcm) noexcept {
    plc_state_t* s = as_plc(state_);
    // spandsp 0.0.6 linearises its history ring at the start of a loss with memcpy between
    // overlapping ranges (undefined behaviour; AddressSanitizer stops on it). Rotate the ring
    // here first, safely: spandsp then finds it linear and copies nothing.
    if (s->missing_samples == 0 && s->buf_ptr != 0) {
        std::rotate(s->history, s->history + s->buf_ptr, s->history + PLC_HISTORY_LEN);
        s->buf_ptr = 0;
    }
    plc_fillin(s, pcm.data(), static_cast<int>(pcm.size()));
}

void generic_plc::reset() noexcept {
    // plc_init on an existing state re-initialises it without allocating.
    plc_init(as_plc(state_));
}

}  // namespace tandem::codecs::impl
