/// G.729 (bcg729): Annex A-compatible CS-ACELP at 8 kbit/s, 10 ms / 10-octet frames, with
/// Annex B VAD/DTX and comfort noise (2-octet SID frames). RFC 3551 §4.5.6: a packet holds
/// whole 10-octet frames, optionally ending with one SID frame.
extern "C" {
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
}

#include <array>

#include "codecs/impl/backend_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

constexpr std::size_t g729_samples = 80;
constexpr std::size_t g729_bytes = 10;
constexpr std::size_t g729_sid_bytes = 2;

class g729_encoder final : public codec_part<encoder> {
public:
    g729_encoder(const codec_info& info, const encoder_options& options)
        : codec_part(info), vad_(options.vad), state_(initBcg729EncoderChannel(vad_ ? 1 : 0)) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    /// With VAD a frame yields 10 octets (speech), 2 (SID) or none (no transmission).
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        if (out.size() < *frames * g729_bytes) return make_unexpected(codec_error::buffer_too_small);
        std::size_t written = 0;
        for (std::size_t f = 0; f < *frames; ++f) {
            std::uint8_t length = 0;
            bcg729Encoder(state_.get(), pcm.data() + f * g729_samples, out.data() + written, &length);
            if (length != 0 && length != g729_bytes && length != g729_sid_bytes) {
                return make_unexpected(codec_error::backend_failure);
            }
            written += length;
        }
        return written;
    }
    void reset() override {  // bcg729 has no reset; only at stream start
        state_.reset(initBcg729EncoderChannel(vad_ ? 1 : 0));
    }

private:
    bool vad_;
    c_state<bcg729EncoderChannelContextStruct, closeBcg729EncoderChannel> state_;
};

class g729_decoder final : public codec_part<decoder> {
public:
    explicit g729_decoder(const codec_info& info)
        : codec_part(info), state_(initBcg729DecoderChannel()) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        const std::size_t speech = payload.size() / g729_bytes;
        const std::size_t rest = payload.size() % g729_bytes;
        // RFC 3551 §4.5.6: only whole frames, and at most one trailing 2-octet SID.
        if (payload.empty() || (rest != 0 && rest != g729_sid_bytes)) {
            return make_unexpected(codec_error::truncated_frame);
        }
        const std::size_t frames = speech + (rest != 0 ? 1 : 0);
        if (pcm.size() < frames * g729_samples) return make_unexpected(codec_error::buffer_too_small);
        for (std::size_t f = 0; f < speech; ++f) {
            bcg729Decoder(state_.get(), payload.data() + f * g729_bytes, g729_bytes, 0, 0, 0,
                          pcm.data() + f * g729_samples);
        }
        if (rest != 0) {  // SID: comfort noise (Annex B)
            bcg729Decoder(state_.get(), payload.data() + speech * g729_bytes, g729_sid_bytes, 0, 1, 0,
                          pcm.data() + speech * g729_samples);
        }
        return frames * g729_samples;
    }
    /// G.729 §4.4 frame erasure concealment (continues comfort noise after a SID).
    expected<std::size_t, codec_error> conceal(std::span<std::int16_t> pcm) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        for (std::size_t f = 0; f < *frames; ++f) {
            bcg729Decoder(state_.get(), erased_.data(), g729_bytes, 1, 0, 0,
                          pcm.data() + f * g729_samples);
        }
        return pcm.size();
    }
    void reset() override { state_.reset(initBcg729DecoderChannel()); }

private:
    c_state<bcg729DecoderChannelContextStruct, closeBcg729DecoderChannel> state_;
    std::array<std::uint8_t, g729_bytes> erased_{};  // content ignored with the erasure flag
};

}  // namespace

std::unique_ptr<codec_factory> make_g729_factory() {
    codec_info i;
    i.encoding_name = "G729";
    i.static_payload_type = 18;
    i.bit_rate = 8000;
    i.frame_duration = std::chrono::microseconds{10'000};
    i.samples_per_frame = g729_samples;
    i.bytes_per_frame = g729_bytes;
    i.sid_bytes = g729_sid_bytes;
    i.default_ptime = std::chrono::milliseconds{20};
    i.min_ptime = std::chrono::milliseconds{10};
    i.max_ptime = std::chrono::milliseconds{200};
    i.has_vad = true;
    i.has_internal_plc = true;
    i.description = "ITU-T G.729 Annex A/B CS-ACELP 8 kbit/s (bcg729)";
    return std::make_unique<simple_factory<g729_encoder, g729_decoder>>(i);
}

}  // namespace tandem::codecs::impl
