/// PCMU and PCMA (ITU-T G.711, RFC 3551 §4.5.14) over our own tables, with spandsp PLC.
#include <algorithm>

#include "codecs/g711.hpp"
#include "codecs/impl/core_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

enum class law { ulaw, alaw };

/// Samples per G.711 frame (10 ms). A constant, so that the frame check compiles to a
/// multiply instead of a division: this codec costs ~30 ns per frame and it shows.
constexpr std::size_t g711_frame = 80;

template <law l>
class g711_encoder final : public codec_part<encoder> {
public:
    g711_encoder(const codec_info& info, const encoder_options&) : codec_part(info) {}
    [[nodiscard]] bool ok() const noexcept { return true; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        if (pcm.empty() || pcm.size() % g711_frame != 0) {
            return make_unexpected(codec_error::wrong_frame_length);
        }
        if (out.size() < pcm.size()) return make_unexpected(codec_error::buffer_too_small);
        if constexpr (l == law::ulaw) {
            g711::encode_ulaw(pcm, out);
        } else {
            g711::encode_alaw(pcm, out);
        }
        return pcm.size();
    }
    void reset() override {}
};

template <law l>
class g711_decoder final : public plc_decoder {
public:
    explicit g711_decoder(const codec_info& info) : plc_decoder(info) {}
    /// Any number of octets is a valid G.711 payload: one sample each.
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        if (payload.empty()) return make_unexpected(codec_error::truncated_frame);
        if (pcm.size() < payload.size()) return make_unexpected(codec_error::buffer_too_small);
        if constexpr (l == law::ulaw) {
            g711::decode_ulaw(payload, pcm);
        } else {
            g711::decode_alaw(payload, pcm);
        }
        plc_.received(pcm.first(payload.size()));
        return payload.size();
    }
    void reset() override { plc_.reset(); }
};

codec_info g711_info(std::string_view name, std::uint8_t pt, std::string_view description) {
    codec_info i;
    i.encoding_name = name;
    i.static_payload_type = pt;
    i.clock_rate = 8000;
    i.sample_rate = 8000;
    i.bit_rate = 64000;
    i.frame_duration = std::chrono::microseconds{10'000};
    i.samples_per_frame = g711_frame;
    i.bytes_per_frame = g711_frame;
    i.default_ptime = std::chrono::milliseconds{20};
    i.min_ptime = std::chrono::milliseconds{10};
    i.max_ptime = std::chrono::milliseconds{200};
    i.description = description;
    return i;
}

}  // namespace

std::unique_ptr<codec_factory> make_pcmu_factory() {
    return std::make_unique<simple_factory<g711_encoder<law::ulaw>, g711_decoder<law::ulaw>>>(
        g711_info("PCMU", 0, "ITU-T G.711 mu-law, 64 kbit/s"));
}

std::unique_ptr<codec_factory> make_pcma_factory() {
    return std::make_unique<simple_factory<g711_encoder<law::alaw>, g711_decoder<law::alaw>>>(
        g711_info("PCMA", 8, "ITU-T G.711 A-law, 64 kbit/s"));
}

}  // namespace tandem::codecs::impl
