/// L16: 16-bit linear PCM in network byte order (RFC 3551 §4.5.11), here at 8 kHz mono with a
/// dynamic payload type (the static types 10/11 are 44.1 kHz).
#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

class l16_encoder final : public codec_part<encoder> {
public:
    l16_encoder(const codec_info& info, const encoder_options&) : codec_part(info) {}
    [[nodiscard]] bool ok() const noexcept { return true; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        if (auto f = whole_frames(info_, pcm.size()); !f) return make_unexpected(f.error());
        if (out.size() < 2 * pcm.size()) return make_unexpected(codec_error::buffer_too_small);
        for (std::size_t i = 0; i < pcm.size(); ++i) {
            const auto u = static_cast<std::uint16_t>(pcm[i]);
            out[2 * i] = static_cast<std::uint8_t>(u >> 8);
            out[2 * i + 1] = static_cast<std::uint8_t>(u & 0xFF);
        }
        return 2 * pcm.size();
    }
    void reset() override {}
};

class l16_decoder final : public plc_decoder {
public:
    explicit l16_decoder(const codec_info& info) : plc_decoder(info) {}
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        // An odd length cuts a sample in half.
        if (payload.empty() || payload.size() % 2 != 0) {
            return make_unexpected(codec_error::truncated_frame);
        }
        const std::size_t n = payload.size() / 2;
        if (pcm.size() < n) return make_unexpected(codec_error::buffer_too_small);
        for (std::size_t i = 0; i < n; ++i) {
            pcm[i] = static_cast<std::int16_t>(
                static_cast<std::uint16_t>((payload[2 * i] << 8) | payload[2 * i + 1]));
        }
        plc_.received(pcm.first(n));
        return n;
    }
    void reset() override { plc_.reset(); }
};

}  // namespace

std::unique_ptr<codec_factory> make_l16_factory() {
    codec_info i;
    i.encoding_name = "L16";
    i.static_payload_type = std::nullopt;
    i.bit_rate = 128000;
    i.frame_duration = std::chrono::microseconds{10'000};
    i.samples_per_frame = 80;
    i.bytes_per_frame = 160;
    i.description = "16-bit linear PCM, network byte order, 8 kHz (RFC 3551 4.5.11)";
    return std::make_unique<simple_factory<l16_encoder, l16_decoder>>(i);
}

}  // namespace tandem::codecs::impl
