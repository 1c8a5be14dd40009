#pragma once
/// Internal helpers shared by the codec implementations (not a public header).
#include <cstddef>
#include <memory>
#include <utility>

#include "codecs/codec.hpp"

namespace tandem::codecs::impl {

/// Number of whole frames in `samples`, or wrong_frame_length (zero or a partial frame).
inline expected<std::size_t, codec_error> whole_frames(const codec_info& info,
                                                       std::size_t samples) {
    if (samples == 0 || samples % info.samples_per_frame != 0) {
        return make_unexpected(codec_error::wrong_frame_length);
    }
    return samples / info.samples_per_frame;
}

/// A factory for codecs whose encoder and decoder are built from the info alone
/// (plus the encoder options). `encoder_t(info, options)`, `decoder_t(info)`; either
/// constructor may leave the object `!ok()` when the library refuses to initialise.
template <class encoder_t, class decoder_t>
class simple_factory final : public codec_factory {
public:
    explicit simple_factory(codec_info info) : info_(std::move(info)) {}
    const codec_info& info() const noexcept override { return info_; }
    expected<std::unique_ptr<encoder>, codec_error> make_encoder(
        const encoder_options& options) const override {
        if (options.vad && !info_.has_vad) return make_unexpected(codec_error::unsupported_option);
        auto e = std::make_unique<encoder_t>(info_, options);
        if (!e->ok()) return make_unexpected(codec_error::backend_failure);
        return std::unique_ptr<encoder>(std::move(e));
    }
    expected<std::unique_ptr<decoder>, codec_error> make_decoder() const override {
        auto d = std::make_unique<decoder_t>(info_);
        if (!d->ok()) return make_unexpected(codec_error::backend_failure);
        return std::unique_ptr<decoder>(std::move(d));
    }

private:
    codec_info info_;
};

}  // namespace tandem::codecs::impl
