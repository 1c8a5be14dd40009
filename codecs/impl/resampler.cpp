#include "codecs/impl/resampler.hpp"

#include <speex/speex_resampler.h>

namespace tandem::codecs::impl {

resampler::resampler(std::uint32_t in_rate, std::uint32_t out_rate, int quality) {
    int err = 0;
    state_ = speex_resampler_init(1, in_rate, out_rate, quality, &err);
    if (err != RESAMPLER_ERR_SUCCESS && state_ != nullptr) {
        speex_resampler_destroy(state_);
        state_ = nullptr;
    }
}

resampler::~resampler() {
    if (state_ != nullptr) speex_resampler_destroy(state_);
}

std::size_t resampler::process(std::span<const std::int16_t> in,
                               std::span<std::int16_t> out) noexcept {
    std::size_t produced = 0;
    while (!in.empty() && produced < out.size()) {
        auto in_len = static_cast<spx_uint32_t>(in.size());
        auto out_len = static_cast<spx_uint32_t>(out.size() - produced);
        speex_resampler_process_int(state_, 0, in.data(), &in_len, out.data() + produced, &out_len);
        if (in_len == 0 && out_len == 0) break;  // no progress: out of room
        in = in.subspan(in_len);
        produced += out_len;
    }
    return produced;
}

void resampler::reset() noexcept { speex_resampler_reset_mem(state_); }

}  // namespace tandem::codecs::impl
