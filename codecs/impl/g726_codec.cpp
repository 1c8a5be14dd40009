/// G.726 at 16/24/32/40 kbit/s (spandsp), packed as RFC 3551 §4.5.4 requires: codewords fill
/// each octet from its least significant bit ("little-endian", the AAL2 packing is the other
/// way round). In spandsp that is G726_PACKING_RIGHT; the unit tests check the bit order and
/// interoperate with libavcodec's "g726le" decoder.
#include <spandsp.h>

#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"
#include "codecs/impl/generic_plc.hpp"

namespace tandem::codecs::impl {
namespace {

/// Bits per codeword from the info's bit rate (8 kHz sampling).
int bits_of(const codec_info& info) { return static_cast<int>(info.bit_rate / 8000); }

class g726_encoder final : public encoder {
public:
    g726_encoder(const codec_info& info, const encoder_options&)
        : info_(info),
          state_(g726_init(nullptr, static_cast<int>(info.bit_rate), G726_ENCODING_LINEAR,
                           G726_PACKING_RIGHT)) {}
    ~g726_encoder() override {
        if (state_ != nullptr) g726_free(state_);
    }
    g726_encoder(const g726_encoder&) = delete;
    g726_encoder& operator=(const g726_encoder&) = delete;
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    const codec_info& info() const noexcept override { return info_; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        if (out.size() < *frames * info_.bytes_per_frame) {
            return make_unexpected(codec_error::buffer_too_small);
        }
        const int n = g726_encode(state_, out.data(), pcm.data(), static_cast<int>(pcm.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        return static_cast<std::size_t>(n);
    }
    void reset() override {
        g726_init(state_, static_cast<int>(info_.bit_rate), G726_ENCODING_LINEAR,
                  G726_PACKING_RIGHT);
    }

private:
    const codec_info& info_;
    g726_state_t* state_;
};

class g726_decoder final : public decoder {
public:
    explicit g726_decoder(const codec_info& info)
        : info_(info),
          state_(g726_init(nullptr, static_cast<int>(info.bit_rate), G726_ENCODING_LINEAR,
                           G726_PACKING_RIGHT)) {}
    ~g726_decoder() override {
        if (state_ != nullptr) g726_free(state_);
    }
    g726_decoder(const g726_decoder&) = delete;
    g726_decoder& operator=(const g726_decoder&) = delete;
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr && plc_.ok(); }
    const codec_info& info() const noexcept override { return info_; }
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
            g726_decode(state_, pcm.data(), payload.data(), static_cast<int>(payload.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        plc_.received(pcm.first(static_cast<std::size_t>(n)));
        return static_cast<std::size_t>(n);
    }
    expected<std::size_t, codec_error> conceal(std::span<std::int16_t> pcm) override {
        if (auto f = whole_frames(info_, pcm.size()); !f) return make_unexpected(f.error());
        plc_.conceal(pcm);
        return pcm.size();
    }
    void reset() override {
        g726_init(state_, static_cast<int>(info_.bit_rate), G726_ENCODING_LINEAR,
                  G726_PACKING_RIGHT);
        plc_.reset();
    }

private:
    const codec_info& info_;
    g726_state_t* state_;
    generic_plc plc_;
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
