/// G.726 at 16/24/32/40 kbit/s (spandsp), packed as RFC 3551 §4.5.4 requires: codewords fill
/// each octet from its least significant bit ("little-endian", the AAL2 packing is the other
/// way round). In spandsp that is G726_PACKING_RIGHT; the unit tests check the bit order and
/// interoperate with libavcodec's "g726le" decoder.
#include <spandsp.h>

#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

/// Bits per codeword from the info's bit rate (8 kHz sampling).
int bits_of(const codec_info& info) { return static_cast<int>(info.bit_rate / 8000); }

/// (Re)initialises spandsp's G.726 state for the info's rate with RFC 3551 packing; `state` may
/// be null (a new one is allocated).
g726_state_t* g726_start(g726_state_t* state, const codec_info& info) {
    return g726_init(state, static_cast<int>(info.bit_rate), G726_ENCODING_LINEAR,
                     G726_PACKING_RIGHT);
}

class g726_encoder final : public codec_part<encoder> {
public:
    g726_encoder(const codec_info& info, const encoder_options&)
        : codec_part(info), state_(g726_start(nullptr, info)) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        if (out.size() < *frames * info_.bytes_per_frame) {
            return make_unexpected(codec_error::buffer_too_small);
        }
        const int n = g726_encode(state_.get(), out.data(), pcm.data(), static_cast<int>(pcm.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        return static_cast<std::size_t>(n);
    }
    void reset() override { g726_start(state_.get(), info_); }

private:
    c_state<g726_state_t, g726_free> state_;
};

class g726_decoder final : public plc_decoder {
public:
    explicit g726_decoder(const codec_info& info)
        : plc_decoder(info), state_(g726_start(nullptr, info)) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr && plc_decoder::ok(); }
    /// The payload must hold whole codewords: 8 samples take `bits` octets, and a payload that
    /// stops inside a codeword would shift every later codeword of the stream.
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        const auto bits = static_cast<std::size_t>(bits_of(info_));
        if (payload.empty() || (payload.size() * 8) % bits != 0) {
            return make_unexpected(codec_error::truncated_frame);
        }
        const std::size_t samples = payload.size() * 8 / bits;
        if (pcm.size() < samples) return make_unexpected(codec_error::buffer_too_small);
        const int n =
            g726_decode(state_.get(), pcm.data(), payload.data(), static_cast<int>(payload.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        plc_.received(pcm.first(static_cast<std::size_t>(n)));
        return static_cast<std::size_t>(n);
    }
    void reset() override {
        g726_start(state_.get(), info_);
        plc_.reset();
    }

private:
    c_state<g726_state_t, g726_free> state_;
};

}  // namespace

std::unique_ptr<codec_factory> make_g726_factory(unsigned kbit_s) {
    codec_info i;
    switch (kbit_s) {
        case 16: i.encoding_name = "G726-16"; i.description = "ITU-T G.726 ADPCM 16 kbit/s (spandsp)"; break;
        case 24: i.encoding_name = "G726-24"; i.description = "ITU-T G.726 ADPCM 24 kbit/s (spandsp)"; break;
        case 32: i.encoding_name = "G726-32"; i.description = "ITU-T G.726 ADPCM 32 kbit/s (spandsp)"; break;
        case 40: i.encoding_name = "G726-40"; i.description = "ITU-T G.726 ADPCM 40 kbit/s (spandsp)"; break;
        default: return nullptr;
    }
    i.static_payload_type = std::nullopt;  // RFC 3551 §4.5.4: dynamic (PT 2 is deprecated)
    i.bit_rate = kbit_s * 1000;
    i.frame_duration = std::chrono::microseconds{10'000};
    i.samples_per_frame = 80;
    i.bytes_per_frame = 10 * (kbit_s / 8);  // 80 codewords of kbit_s/8 bits: 20/30/40/50
    return std::make_unique<simple_factory<g726_encoder, g726_decoder>>(i);
}

}  // namespace tandem::codecs::impl
