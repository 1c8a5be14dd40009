/// GSM 06.10 full rate (libgsm), RFC 3551 §4.5.8: 20 ms, 33-octet frames, static PT 3.
#include <gsm.h>

#include <algorithm>
#include <array>

#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"
#include <type_traits>

namespace tandem::codecs::impl {
namespace {

constexpr std::size_t gsm_samples = 160;
constexpr std::size_t gsm_bytes = 33;

/// libgsm's state (`gsm` is a pointer type).
using gsm_handle = c_state<std::remove_pointer_t<gsm>, gsm_destroy>;

class gsm_encoder final : public codec_part<encoder> {
public:
    gsm_encoder(const codec_info& info, const encoder_options&)
        : codec_part(info), state_(gsm_create()) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        if (out.size() < *frames * gsm_bytes) return make_unexpected(codec_error::buffer_too_small);
        for (std::size_t f = 0; f < *frames; ++f) {
            // libgsm takes a non-const pointer: give it a copy rather than cast const away.
            std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(f * gsm_samples), gsm_samples,
                        scratch_.begin());
            gsm_encode(state_.get(), scratch_.data(), out.data() + f * gsm_bytes);
        }
        return *frames * gsm_bytes;
    }
    void reset() override { state_.reset(gsm_create()); }  // libgsm has no reset; only at stream start

private:
    gsm_handle state_;
    std::array<gsm_signal, gsm_samples> scratch_{};
};

class gsm_decoder final : public plc_decoder {
public:
    explicit gsm_decoder(const codec_info& info) : plc_decoder(info), state_(gsm_create()) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr && plc_decoder::ok(); }
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        if (payload.empty() || payload.size() % gsm_bytes != 0) {
            return make_unexpected(codec_error::truncated_frame);
        }
        const std::size_t frames = payload.size() / gsm_bytes;
        if (pcm.size() < frames * gsm_samples) return make_unexpected(codec_error::buffer_too_small);
        for (std::size_t f = 0; f < frames; ++f) {
            // Every GSM 06.10 frame starts with the 0xD signature nibble (RFC 3551 §4.5.8).
            if ((payload[f * gsm_bytes] >> 4) != GSM_MAGIC) {
                return make_unexpected(codec_error::invalid_frame);
            }
        }
        for (std::size_t f = 0; f < frames; ++f) {
            std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(f * gsm_bytes), gsm_bytes,
                        frame_.begin());
            if (gsm_decode(state_.get(), frame_.data(), pcm.data() + f * gsm_samples) != 0) {
                return make_unexpected(codec_error::invalid_frame);
            }
        }
        plc_.received(pcm.first(frames * gsm_samples));
        return frames * gsm_samples;
    }
    void reset() override {
        state_.reset(gsm_create());
        plc_.reset();
    }

private:
    gsm_handle state_;
    std::array<gsm_byte, gsm_bytes> frame_{};
};

}  // namespace

std::unique_ptr<codec_factory> make_gsm_factory() {
    codec_info i;
    i.encoding_name = "GSM";
    i.static_payload_type = 3;
    i.bit_rate = 13200;
    i.frame_duration = std::chrono::microseconds{20'000};
    i.samples_per_frame = gsm_samples;
    i.bytes_per_frame = gsm_bytes;
    i.default_ptime = std::chrono::milliseconds{20};
    i.min_ptime = std::chrono::milliseconds{20};
    i.max_ptime = std::chrono::milliseconds{200};
    i.description = "ETSI GSM 06.10 full rate RPE-LTP 13 kbit/s (libgsm)";
    return std::make_unique<simple_factory<gsm_encoder, gsm_decoder>>(i);
}

}  // namespace tandem::codecs::impl
