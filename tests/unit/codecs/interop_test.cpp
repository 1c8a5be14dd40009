/// Interop: what our encoders send must decode with an independent decoder (libavcodec's own
/// G.729, G.726, G.722 and GSM decoders), to about the quality of our own decoder.
/// G.723.1 has no second implementation here (libavcodec is our backend), so it is not listed.
extern "C" {
#include <libavcodec/avcodec.h>
}

#include <gtest/gtest.h>
#include <spandsp.h>

#include <cstring>

#include "codec_test_support.hpp"
#include "codecs/audio/measure.hpp"

namespace tandem::codecs {
namespace {

/// libavcodec decoder fed one payload at a time; collects 16-bit samples.
class av_decoder {
public:
    av_decoder(AVCodecID id, int sample_rate, int bits_per_coded_sample = 0) {
        const AVCodec* c = avcodec_find_decoder(id);
        if (c == nullptr) return;
        ctx_ = avcodec_alloc_context3(c);
        ctx_->sample_rate = sample_rate;
        av_channel_layout_default(&ctx_->ch_layout, 1);
        ctx_->bits_per_coded_sample = bits_per_coded_sample;
        if (avcodec_open2(ctx_, c, nullptr) < 0) avcodec_free_context(&ctx_);
        packet_ = av_packet_alloc();
        frame_ = av_frame_alloc();
    }
    ~av_decoder() {
        av_frame_free(&frame_);
        av_packet_free(&packet_);
        avcodec_free_context(&ctx_);
    }
    av_decoder(const av_decoder&) = delete;
    av_decoder& operator=(const av_decoder&) = delete;

    [[nodiscard]] bool ok() const { return ctx_ != nullptr; }

    bool decode(std::span<const std::uint8_t> payload, std::vector<std::int16_t>& out) {
        std::vector<std::uint8_t> padded(payload.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
        std::memcpy(padded.data(), payload.data(), payload.size());
        packet_->data = padded.data();
        packet_->size = static_cast<int>(payload.size());
        const int sent = avcodec_send_packet(ctx_, packet_);
        packet_->data = nullptr;
        packet_->size = 0;
        if (sent < 0) return false;
        while (avcodec_receive_frame(ctx_, frame_) == 0) {
            const auto n = static_cast<std::size_t>(frame_->nb_samples);
            for (std::size_t i = 0; i < n; ++i) {
                switch (frame_->format) {
                    case AV_SAMPLE_FMT_S16:
                    case AV_SAMPLE_FMT_S16P:
                        out.push_back(reinterpret_cast<const std::int16_t*>(frame_->data[0])[i]);
                        break;
                    case AV_SAMPLE_FMT_FLT:
                    case AV_SAMPLE_FMT_FLTP: {
                        const float v = reinterpret_cast<const float*>(frame_->data[0])[i];
                        out.push_back(static_cast<std::int16_t>(std::clamp(v * 32768.0f, -32768.0f, 32767.0f)));
                        break;
                    }
                    default: return false;
                }
            }
            av_frame_unref(frame_);
        }
        return true;
    }

private:
    AVCodecContext* ctx_ = nullptr;
    AVPacket* packet_ = nullptr;
    AVFrame* frame_ = nullptr;
};

struct decoded_pair {
    std::vector<std::int16_t> input;
    std::vector<std::int16_t> ours;
    std::vector<std::int16_t> theirs;
};

/// Encodes speech with our encoder in 20 ms packets; decodes with ours and with libavcodec.
decoded_pair encode_and_decode_both(const codec_factory& c, av_decoder& theirs) {
    const auto& i = c.info();
    decoded_pair r;
    r.input = test::whole_frames(test::speech(i.sample_rate), i);
    const std::size_t packet_samples = 2 * i.samples_per_frame;
    r.input.resize(r.input.size() / packet_samples * packet_samples);
    auto enc = c.make_encoder();
    auto dec = c.make_decoder();
    EXPECT_TRUE(enc && dec);
    std::vector<std::uint8_t> bytes(2 * i.bytes_per_frame);
    std::vector<std::int16_t> pcm(packet_samples);
    for (std::size_t at = 0; at < r.input.size(); at += packet_samples) {
        auto n = (*enc)->encode(std::span<const std::int16_t>(r.input).subspan(at, packet_samples), bytes);
        EXPECT_TRUE(n.has_value());
        const auto payload = std::span<const std::uint8_t>(bytes).first(*n);
        auto m = (*dec)->decode(payload, pcm);
        EXPECT_TRUE(m.has_value());
        r.ours.insert(r.ours.end(), pcm.begin(), pcm.begin() + static_cast<long>(*m));
        EXPECT_TRUE(theirs.decode(payload, r.theirs));
    }
    return r;
}

TEST(interop, when_bcg729_output_is_decoded_by_libavcodec_then_both_decoders_agree) {
    av_decoder theirs(AV_CODEC_ID_G729, 8000);
    ASSERT_TRUE(theirs.ok());
    const auto r = encode_and_decode_both(test::codec("G729"), theirs);
    ASSERT_EQ(r.theirs.size(), r.ours.size());
    const auto agreement = audio::measure(r.ours, r.theirs, 80);
    const auto ours = audio::measure(r.input, r.ours, 200);
    const auto other = audio::measure(r.input, r.theirs, 200);
    // Measured: the decoders agree at lag 0 with correlation 0.996 and 21.3 dB SNR (bcg729 is
    // a G.729A decoder, libavcodec's a G.729 one: their post-filters differ); both correlate
    // 0.822 with the input.
    EXPECT_EQ(agreement.align.delay_samples, 0);
    EXPECT_GE(agreement.align.correlation, 0.99);
    EXPECT_GE(agreement.snr_db, 17.0);
    EXPECT_EQ(other.align.delay_samples, ours.align.delay_samples);
    EXPECT_NEAR(other.align.correlation, ours.align.correlation, 0.05);
    RecordProperty("agreement_snr", std::to_string(agreement.snr_db));
    RecordProperty("agreement_corr", std::to_string(agreement.align.correlation));
    RecordProperty("ours_corr", std::to_string(ours.align.correlation));
    RecordProperty("theirs_corr", std::to_string(other.align.correlation));
}

struct g726_case {
    std::string_view name;
    int bits;
    double agreement_snr;  // dB between our decoder and libavcodec's
};

class g726_interop : public ::testing::TestWithParam<g726_case> {};

/// RFC 3551 §4.5.4 packs the first codeword into the least significant bits of the octet:
/// libavcodec calls that order "g726le" ("g726" is the AAL2/big-endian order).
TEST_P(g726_interop, when_spandsp_output_is_decoded_by_libavcodec_g726le_then_decoders_agree) {
    const auto& p = GetParam();
    av_decoder le(AV_CODEC_ID_ADPCM_G726LE, 8000, p.bits);
    ASSERT_TRUE(le.ok());
    const auto r = encode_and_decode_both(test::codec(p.name), le);
    ASSERT_EQ(r.theirs.size(), r.ours.size());
    const auto agreement = audio::measure(r.ours, r.theirs, 80);
    const auto ours = audio::measure(r.input, r.ours, 80);
    const auto theirs = audio::measure(r.input, r.theirs, 80);
    EXPECT_EQ(agreement.align.delay_samples, 0);
    EXPECT_GE(agreement.snr_db, p.agreement_snr);
    EXPECT_NEAR(theirs.segmental_snr_db, ours.segmental_snr_db, 1.0);
    RecordProperty("agreement_snr", std::to_string(agreement.snr_db));
    RecordProperty("ours_seg", std::to_string(ours.segmental_snr_db));
    RecordProperty("theirs_seg", std::to_string(theirs.segmental_snr_db));
}

TEST_P(g726_interop, when_decoded_with_the_aal2_bit_order_then_the_audio_is_garbage) {
    const auto& p = GetParam();
    av_decoder be(AV_CODEC_ID_ADPCM_G726, 8000, p.bits);
    ASSERT_TRUE(be.ok());
    const auto r = encode_and_decode_both(test::codec(p.name), be);
    const auto wrong = audio::measure(r.input, r.theirs, 80);
    EXPECT_LT(wrong.segmental_snr_db, 5.0);  // the right order gives >= 9 dB even at 16 kbit/s
}

INSTANTIATE_TEST_SUITE_P(rates, g726_interop,
                         // Measured agreement: 38.6, 31.0, 34.4 dB (not bit-exact: libavcodec's
                         // G.726 is not a bit-exact implementation). G726-40: see below.
                         ::testing::Values(g726_case{"G726-16", 2, 33.0}, g726_case{"G726-24", 3, 26.0},
                                           g726_case{"G726-32", 4, 30.0}),
                         [](const auto& param_info) { return std::to_string(param_info.param.bits * 8); });

/// The bit order itself, at every rate including 40 kbit/s, checked without libavcodec:
/// unpacking our payload LSB-first must give the codewords spandsp produces unpacked.
/// (libavcodec 59 and spandsp 0.0.6 do not interoperate at 40 kbit/s in either direction,
/// 1.4 dB, while each round-trips itself: a coding difference, not packing; docs/codecs.md.)
TEST(interop, when_g726_is_packed_then_codewords_fill_octets_from_the_least_significant_bit) {
    for (const auto* name : {"G726-16", "G726-24", "G726-32", "G726-40"}) {
        SCOPED_TRACE(name);
        const auto& c = test::codec(name);
        const int bits = static_cast<int>(c.info().bit_rate / 8000);
        const auto pcm = audio::make_sine(440.0, 9000.0, 8000, 800);
        auto enc = c.make_encoder();
        ASSERT_TRUE(enc.has_value());
        std::vector<std::uint8_t> packed(10 * c.info().bytes_per_frame);
        ASSERT_EQ((*enc)->encode(pcm, packed).value(), packed.size());
        g726_state_t* plain = g726_init(nullptr, bits * 8000, G726_ENCODING_LINEAR, G726_PACKING_NONE);
        std::vector<std::uint8_t> codes(pcm.size());
        g726_encode(plain, codes.data(), pcm.data(), static_cast<int>(pcm.size()));
        g726_free(plain);
        std::vector<std::uint8_t> unpacked;
        unsigned acc = 0;
        int held = 0;
        for (auto octet : packed) {
            acc |= static_cast<unsigned>(octet) << held;
            held += 8;
            for (; held >= bits; held -= bits, acc >>= bits) {
                unpacked.push_back(static_cast<std::uint8_t>(acc & ((1u << bits) - 1)));
            }
        }
        EXPECT_EQ(unpacked, codes);
    }
}

TEST(interop, when_spandsp_g722_output_is_decoded_by_libavcodec_then_samples_are_identical) {
    av_decoder theirs(AV_CODEC_ID_ADPCM_G722, 16000);
    ASSERT_TRUE(theirs.ok());
    const auto r = encode_and_decode_both(test::codec("G722"), theirs);
    ASSERT_EQ(r.theirs.size(), r.ours.size());
    EXPECT_EQ(r.theirs, r.ours);  // measured: identical samples
}

/// The other way: libavcodec's G.722 encoder, decoded by ours and by libavcodec's decoder.
TEST(interop, when_libavcodec_g722_output_is_decoded_by_spandsp_then_samples_are_identical) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_ADPCM_G722);
    ASSERT_NE(codec, nullptr);
    AVCodecContext* ctx = avcodec_alloc_context3(codec);
    ctx->sample_rate = 16000;
    av_channel_layout_default(&ctx->ch_layout, 1);
    ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    ctx->frame_size = 320;
    ASSERT_GE(avcodec_open2(ctx, codec, nullptr), 0);
    const auto input = test::speech(16000);
    AVFrame* frame = av_frame_alloc();
    frame->nb_samples = 320;
    frame->format = AV_SAMPLE_FMT_S16;
    av_channel_layout_copy(&frame->ch_layout, &ctx->ch_layout);
    ASSERT_GE(av_frame_get_buffer(frame, 0), 0);
    AVPacket* pkt = av_packet_alloc();
    auto ours = test::codec("G722").make_decoder().value();
    av_decoder theirs(AV_CODEC_ID_ADPCM_G722, 16000);
    std::vector<std::int16_t> ours_out;
    std::vector<std::int16_t> theirs_out;
    std::vector<std::int16_t> pcm(320);
    std::size_t used = 0;
    for (std::size_t at = 0; at + 320 <= input.size(); at += 320, used += 320) {
        ASSERT_GE(av_frame_make_writable(frame), 0);
        std::memcpy(frame->data[0], input.data() + at, 640);
        ASSERT_GE(avcodec_send_frame(ctx, frame), 0);
        while (avcodec_receive_packet(ctx, pkt) == 0) {
            const std::span<const std::uint8_t> payload(pkt->data, static_cast<std::size_t>(pkt->size));
            const auto n = ours->decode(payload, pcm).value();
            ours_out.insert(ours_out.end(), pcm.begin(), pcm.begin() + static_cast<long>(n));
            EXPECT_TRUE(theirs.decode(payload, theirs_out));
            av_packet_unref(pkt);
        }
    }
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&ctx);
    ASSERT_GT(ours_out.size(), 16000u);
    EXPECT_EQ(ours_out, theirs_out);
    const auto q = audio::measure(std::span(input).first(used), ours_out, 160, 320);
    EXPECT_GE(q.segmental_snr_db, 25.0);  // our own encoder gives 28.6 dB on this speech
    RecordProperty("seg_snr", std::to_string(q.segmental_snr_db));
}

TEST(interop, when_libgsm_output_is_decoded_by_libavcodec_then_samples_are_identical) {
    av_decoder theirs(AV_CODEC_ID_GSM, 8000);
    ASSERT_TRUE(theirs.ok());
    const auto r = encode_and_decode_both(test::codec("GSM"), theirs);
    ASSERT_EQ(r.theirs.size(), r.ours.size());
    EXPECT_EQ(r.theirs, r.ours);  // measured: identical samples
}

}  // namespace
}  // namespace tandem::codecs
