/// G.722 at 64 kbit/s (spandsp), RFC 3551 §4.5.2: 16 kHz linear side, but an 8000 Hz RTP clock
/// (an error in RFC 1890 kept for compatibility). Two samples per octet.
#include <spandsp.h>

#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

class g722_encoder final : public codec_part<encoder> {
public:
    g722_encoder(const codec_info& info, const encoder_options&)
        : codec_part(info), state_(g722_encode_init(nullptr, 64000, 0)) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        if (auto f = whole_frames(info_, pcm.size()); !f) return make_unexpected(f.error());
        if (out.size() < pcm.size() / 2) return make_unexpected(codec_error::buffer_too_small);
        const int n = g722_encode(state_.get(), out.data(), pcm.data(), static_cast<int>(pcm.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        return static_cast<std::size_t>(n);
    }
    void reset() override { g722_encode_init(state_.get(), 64000, 0); }

private:
    c_state<g722_encode_state_t, g722_encode_free> state_;
};

/// spandsp's PLC conceals losses: tuned for 8 kHz pitch periods, at 16 kHz it still repeats a
/// waveform period with fade-out, which is what matters for a short loss.
class g722_decoder final : public plc_decoder {
public:
    explicit g722_decoder(const codec_info& info)
        : plc_decoder(info), state_(g722_decode_init(nullptr, 64000, 0)) {}
    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr && plc_decoder::ok(); }
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        if (payload.empty()) return make_unexpected(codec_error::truncated_frame);
        if (pcm.size() < 2 * payload.size()) return make_unexpected(codec_error::buffer_too_small);
        const int n =
            g722_decode(state_.get(), pcm.data(), payload.data(), static_cast<int>(payload.size()));
        if (n < 0) return make_unexpected(codec_error::backend_failure);
        plc_.received(pcm.first(static_cast<std::size_t>(n)));
        return static_cast<std::size_t>(n);
    }
    void reset() override {
        g722_decode_init(state_.get(), 64000, 0);
        plc_.reset();
    }

private:
    c_state<g722_decode_state_t, g722_decode_free> state_;
};

}  // namespace

std::unique_ptr<codec_factory> make_g722_factory() {
    codec_info i;
    i.encoding_name = "G722";
    i.static_payload_type = 9;
    i.clock_rate = 8000;  // RFC 3551 §4.5.2
    i.sample_rate = 16000;
    i.bit_rate = 64000;
    i.frame_duration = std::chrono::microseconds{10'000};
    i.samples_per_frame = 160;
    i.bytes_per_frame = 80;
    i.description = "ITU-T G.722 SB-ADPCM 64 kbit/s, 16 kHz (spandsp)";
    return std::make_unique<simple_factory<g722_encoder, g722_decoder>>(i);
}

}  // namespace tandem::codecs::impl
