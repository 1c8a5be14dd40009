/// G.723.1 at 6.3 kbit/s through libavcodec: 30 ms / 240-sample frames of 24 octets.
/// RFC 3551 §4.5.3: the two low bits of a frame's first octet give its type and length
/// (00: 6.3 kbit/s, 24 octets; 01: 5.3 kbit/s, 20 octets; 10: SID, 4 octets). libavcodec's
/// encoder has no VAD (no Annex A), its decoder takes all three frame types.
///
/// libavcodec allocates inside send/receive (packet and frame buffers); that is the one codec
/// whose calls allocate per frame (docs/codecs.md).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
}

#include <algorithm>
#include <array>
#include <cstring>

#include "codecs/impl/backend_factories.hpp"
#include "codecs/impl/frame_codec.hpp"

namespace tandem::codecs::impl {
namespace {

constexpr std::size_t g7231_samples = 240;
constexpr std::size_t g7231_bytes = 24;

/// Octets of a G.723.1 frame from its first octet, 0 for the type RFC 3551 does not carry.
constexpr std::size_t frame_length(std::uint8_t first) {
    constexpr std::array<std::size_t, 4> lengths = {24, 20, 4, 0};
    return lengths[first & 0x03];
}

/// One libavcodec context with its reusable frame and packet.
struct av_context {
    AVCodecContext* codec = nullptr;
    AVFrame* frame = nullptr;
    AVPacket* packet = nullptr;

    av_context() = default;
    av_context(const av_context&) = delete;
    av_context& operator=(const av_context&) = delete;
    ~av_context() { close(); }

    bool open(bool encoder) {
        const AVCodec* c = encoder ? avcodec_find_encoder(AV_CODEC_ID_G723_1)
                                   : avcodec_find_decoder(AV_CODEC_ID_G723_1);
        if (c == nullptr) return false;
        codec = avcodec_alloc_context3(c);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (codec == nullptr || frame == nullptr || packet == nullptr) return false;
        codec->sample_rate = 8000;
        av_channel_layout_default(&codec->ch_layout, 1);
        if (encoder) {
            codec->bit_rate = 6300;
            codec->sample_fmt = AV_SAMPLE_FMT_S16;
        }
        if (avcodec_open2(codec, c, nullptr) < 0) return false;
        if (encoder) {
            frame->nb_samples = static_cast<int>(g7231_samples);
            frame->format = AV_SAMPLE_FMT_S16;
            if (av_channel_layout_copy(&frame->ch_layout, &codec->ch_layout) < 0) return false;
            if (av_frame_get_buffer(frame, 0) < 0) return false;
        }
        return true;
    }
    void close() {
        av_packet_free(&packet);
        av_frame_free(&frame);
        avcodec_free_context(&codec);
    }
};

class g7231_encoder final : public codec_part<encoder> {
public:
    g7231_encoder(const codec_info& info, const encoder_options&) : codec_part(info) {
        ok_ = av_.open(true);
    }
    [[nodiscard]] bool ok() const noexcept { return ok_; }
    expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                              std::span<std::uint8_t> out) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        if (out.size() < *frames * g7231_bytes) return make_unexpected(codec_error::buffer_too_small);
        std::size_t written = 0;
        for (std::size_t f = 0; f < *frames; ++f) {
            if (av_frame_make_writable(av_.frame) < 0) return make_unexpected(codec_error::backend_failure);
            std::memcpy(av_.frame->data[0], pcm.data() + f * g7231_samples,
                        g7231_samples * sizeof(std::int16_t));
            if (avcodec_send_frame(av_.codec, av_.frame) < 0 ||
                avcodec_receive_packet(av_.codec, av_.packet) < 0) {
                return make_unexpected(codec_error::backend_failure);
            }
            const auto size = static_cast<std::size_t>(av_.packet->size);
            if (size != g7231_bytes) {
                av_packet_unref(av_.packet);
                return make_unexpected(codec_error::backend_failure);
            }
            std::memcpy(out.data() + written, av_.packet->data, size);
            written += size;
            av_packet_unref(av_.packet);
        }
        return written;
    }
    void reset() override {
        av_.close();
        ok_ = av_.open(true);
    }

private:
    av_context av_;
    bool ok_ = false;
};

class g7231_decoder final : public codec_part<decoder> {
public:
    explicit g7231_decoder(const codec_info& info) : codec_part(info) {
        ok_ = av_.open(false);
        // G.723.1 §3.10 / ffmpeg: a 6.3 kbit/s frame with a forbidden pitch lag code (124..127
        // in the first adaptive codebook lag, bits 26-32 of the frame) is an erased frame: the
        // decoder then runs its own concealment. Bits are packed LSB first.
        erased_[3] = 0xFC;
        erased_[4] = 0x01;
    }
    [[nodiscard]] bool ok() const noexcept { return ok_; }
    expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                              std::span<std::int16_t> pcm) override {
        if (payload.empty()) return make_unexpected(codec_error::truncated_frame);
        // Validate the whole payload before decoding any of it.
        std::size_t frames = 0;
        for (std::size_t at = 0; at < payload.size(); ++frames) {
            const std::size_t length = frame_length(payload[at]);
            if (length == 0) return make_unexpected(codec_error::invalid_frame);
            if (at + length > payload.size()) return make_unexpected(codec_error::truncated_frame);
            at += length;
        }
        if (pcm.size() < frames * g7231_samples) return make_unexpected(codec_error::buffer_too_small);
        std::size_t at = 0;
        for (std::size_t f = 0; f < frames; ++f) {
            const std::size_t length = frame_length(payload[at]);
            std::memcpy(input_.data(), payload.data() + at, length);
            if (auto r = decode_one(length, pcm.subspan(f * g7231_samples, g7231_samples)); !r) {
                return make_unexpected(r.error());
            }
            at += length;
        }
        return frames * g7231_samples;
    }
    expected<std::size_t, codec_error> conceal(std::span<std::int16_t> pcm) override {
        auto frames = whole_frames(info_, pcm.size());
        if (!frames) return make_unexpected(frames.error());
        for (std::size_t f = 0; f < *frames; ++f) {
            std::copy(erased_.begin(), erased_.end(), input_.begin());
            if (auto r = decode_one(g7231_bytes, pcm.subspan(f * g7231_samples, g7231_samples)); !r) {
                return make_unexpected(r.error());
            }
        }
        return pcm.size();
    }
    void reset() override {
        av_.close();
        ok_ = av_.open(false);
    }

private:
    /// Decodes input_[0, length) into exactly one frame of `out`.
    expected<void, codec_error> decode_one(std::size_t length, std::span<std::int16_t> out) {
        av_.packet->data = input_.data();
        av_.packet->size = static_cast<int>(length);
        const int sent = avcodec_send_packet(av_.codec, av_.packet);
        av_.packet->data = nullptr;
        av_.packet->size = 0;
        if (sent < 0) return make_unexpected(codec_error::invalid_frame);
        if (avcodec_receive_frame(av_.codec, av_.frame) < 0) {
            return make_unexpected(codec_error::backend_failure);
        }
        // libavcodec's decoder gives planar S16; with one channel both layouts are the same.
        const bool good = (av_.frame->format == AV_SAMPLE_FMT_S16 ||
                           av_.frame->format == AV_SAMPLE_FMT_S16P) &&
                          av_.frame->nb_samples == static_cast<int>(g7231_samples);
        if (good) {
            std::memcpy(out.data(), av_.frame->data[0], g7231_samples * sizeof(std::int16_t));
        }
        av_frame_unref(av_.frame);
        if (!good) return make_unexpected(codec_error::backend_failure);
        return {};
    }

    av_context av_;
    bool ok_ = false;
    /// Input copied here with the padding libavcodec requires after the data.
    std::array<std::uint8_t, g7231_bytes + AV_INPUT_BUFFER_PADDING_SIZE> input_{};
    std::array<std::uint8_t, g7231_bytes> erased_{};
};

}  // namespace

std::unique_ptr<codec_factory> make_g7231_factory() {
    codec_info i;
    i.encoding_name = "G723";
    i.static_payload_type = 4;
    i.bit_rate = 6300;
    i.frame_duration = std::chrono::microseconds{30'000};
    i.samples_per_frame = g7231_samples;
    i.bytes_per_frame = g7231_bytes;
    i.sid_bytes = 4;  // decoded; libavcodec's encoder never sends SID
    i.default_ptime = std::chrono::milliseconds{30};
    i.min_ptime = std::chrono::milliseconds{30};
    i.max_ptime = std::chrono::milliseconds{180};
    i.has_vad = false;
    i.has_internal_plc = true;
    i.description = "ITU-T G.723.1 MP-MLQ 6.3 kbit/s (libavcodec)";
    return std::make_unique<simple_factory<g7231_encoder, g7231_decoder>>(i);
}

}  // namespace tandem::codecs::impl
