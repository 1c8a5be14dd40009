#pragma once
/// Internal helpers shared by the codec implementations (not a public header).
#include <cstddef>
#include <memory>
#include <span>
#include <utility>

#include "codecs/codec.hpp"
#include "codecs/impl/generic_plc.hpp"

namespace tandem::codecs::impl {

/// Number of whole frames in `samples`, or wrong_frame_length (zero or a partial frame).
inline expected<std::size_t, codec_error> whole_frames(const codec_info& info,
                                                       std::size_t samples) {
    if (samples == 0 || samples % info.samples_per_frame != 0) {
        return make_unexpected(codec_error::wrong_frame_length);
    }
    return samples / info.samples_per_frame;
}

/// The part every encoder and decoder shares: the codec_info it was made from (owned by the
/// factory, which outlives it).
template <class interface_t>
class codec_part : public interface_t {
public:
    const codec_info& info() const noexcept final { return info_; }

protected:
    explicit codec_part(const codec_info& info) : info_(info) {}
    const codec_info& info_;
};

/// A decoder for a codec without its own loss concealment: losses are filled by generic_plc,
/// which the decode implementation feeds with every good stretch (`plc_.received`).
class plc_decoder : public codec_part<decoder> {
public:
    [[nodiscard]] bool ok() const noexcept { return plc_.ok(); }
    expected<std::size_t, codec_error> conceal(std::span<std::int16_t> pcm) final {
        if (auto f = whole_frames(info_, pcm.size()); !f) return make_unexpected(f.error());
        plc_.conceal(pcm);
        return pcm.size();
    }

protected:
    explicit plc_decoder(const codec_info& info) : codec_part(info) {}
    generic_plc plc_;
};

/// Deletes a C library's state object with the library's own function (whatever it returns).
template <class state_t, auto destroy>
struct c_deleter {
    void operator()(state_t* state) const noexcept { static_cast<void>(destroy(state)); }
};

/// A C library's state object, owned: `c_state<T, destroy_fn> s{create_fn(...)}`; empty when
/// the library refused to create one.
template <class state_t, auto destroy>
using c_state = std::unique_ptr<state_t, c_deleter<state_t, destroy>>;

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
