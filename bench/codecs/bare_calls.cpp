/// The same work as the codec objects do, through the libraries directly: the baseline of
/// the overhead ratio (goal: our interface within 1.10x of the bare call).
extern "C" {
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
#include <libavcodec/avcodec.h>
}
#include <benchmark/benchmark.h>
#include <gsm.h>
#include <spandsp.h>

#include <cstring>

#include "bench_support.hpp"
#include "codecs/g711.hpp"

namespace tandem::codecs::bench {
namespace {

template <class fn>
void each_frame(benchmark::State& state, std::size_t samples, fn&& body) {
    const auto& s = speech(8000);
    const std::size_t frames = s.size() / samples;
    std::size_t f = 0;
    for (auto _ : state) {
        body(f);
        f = (f + 1) % frames;
    }
}

void bare_g711_ulaw_encode(benchmark::State& state) {
    const auto& s = speech(8000);
    std::uint8_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        for (int i = 0; i < 80; ++i) out[i] = linear_to_ulaw(s[f * 80 + static_cast<std::size_t>(i)]);  // spandsp
        benchmark::DoNotOptimize(out);
    });
}

void bare_g711_ulaw_encode_tables(benchmark::State& state) {
    const auto& s = speech(8000);
    std::uint8_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        g711::encode_ulaw(std::span(s).subspan(f * 80, 80), out);  // our inline tables, no object
        benchmark::DoNotOptimize(out);
    });
}

void bare_g711_ulaw_decode(benchmark::State& state) {
    const auto& c = coded("PCMU");
    std::int16_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        for (int i = 0; i < 80; ++i) out[i] = ulaw_to_linear(c[f * 80 + static_cast<std::size_t>(i)]);
        benchmark::DoNotOptimize(out);
    });
}

void bare_g711_ulaw_decode_tables(benchmark::State& state) {
    const auto& c = coded("PCMU");
    std::int16_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        g711::decode_ulaw(std::span(c).subspan(f * 80, 80), out);
        benchmark::DoNotOptimize(out);
    });
}

void bare_g729_encode(benchmark::State& state) {
    const auto& s = speech(8000);
    auto* ctx = initBcg729EncoderChannel(0);
    std::uint8_t out[10];
    std::uint8_t len = 0;
    each_frame(state, 80, [&](std::size_t f) {
        bcg729Encoder(ctx, s.data() + f * 80, out, &len);
        benchmark::DoNotOptimize(out);
    });
    closeBcg729EncoderChannel(ctx);
}

void bare_g729_decode(benchmark::State& state) {
    const auto& c = coded("G729");
    auto* ctx = initBcg729DecoderChannel();
    std::int16_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        bcg729Decoder(ctx, c.data() + f * 10, 10, 0, 0, 0, out);
        benchmark::DoNotOptimize(out);
    });
    closeBcg729DecoderChannel(ctx);
}

void bare_g726_encode(benchmark::State& state) {
    const auto& s = speech(8000);
    auto* g = g726_init(nullptr, 32000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
    std::uint8_t out[40];
    each_frame(state, 80, [&](std::size_t f) {
        benchmark::DoNotOptimize(g726_encode(g, out, s.data() + f * 80, 80));
    });
    g726_free(g);
}

void bare_g726_decode(benchmark::State& state) {
    const auto& c = coded("G726-32");
    auto* g = g726_init(nullptr, 32000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
    std::int16_t out[80];
    each_frame(state, 80, [&](std::size_t f) {
        benchmark::DoNotOptimize(g726_decode(g, out, c.data() + f * 40, 40));
    });
    g726_free(g);
}

void bare_g722_encode(benchmark::State& state) {
    const auto& s = speech(16000);
    auto* g = g722_encode_init(nullptr, 64000, 0);
    std::uint8_t out[80];
    const std::size_t frames = s.size() / 160;
    std::size_t f = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(g722_encode(g, out, s.data() + f * 160, 160));
        f = (f + 1) % frames;
    }
    g722_encode_free(g);
}

void bare_g722_decode(benchmark::State& state) {
    const auto& c = coded("G722");
    auto* g = g722_decode_init(nullptr, 64000, 0);
    std::int16_t out[160];
    each_frame(state, 80, [&](std::size_t f) {
        benchmark::DoNotOptimize(g722_decode(g, out, c.data() + f * 80, 80));
    });
    g722_decode_free(g);
}

void bare_gsm_encode(benchmark::State& state) {
    const auto& s = speech(8000);
    gsm g = gsm_create();
    gsm_signal in[160];
    gsm_byte out[33];
    each_frame(state, 160, [&](std::size_t f) {
        std::memcpy(in, s.data() + f * 160, sizeof in);  // libgsm wants a mutable buffer
        gsm_encode(g, in, out);
        benchmark::DoNotOptimize(out);
    });
    gsm_destroy(g);
}

void bare_gsm_decode(benchmark::State& state) {
    const auto& c = coded("GSM");
    gsm g = gsm_create();
    gsm_byte in[33];
    gsm_signal out[160];
    each_frame(state, 160, [&](std::size_t f) {
        std::memcpy(in, c.data() + f * 33, 33);
        benchmark::DoNotOptimize(gsm_decode(g, in, out));
    });
    gsm_destroy(g);
}

AVCodecContext* open_g7231(bool encoder) {
    const AVCodec* c = encoder ? avcodec_find_encoder(AV_CODEC_ID_G723_1) : avcodec_find_decoder(AV_CODEC_ID_G723_1);
    AVCodecContext* ctx = avcodec_alloc_context3(c);
    ctx->sample_rate = 8000;
    av_channel_layout_default(&ctx->ch_layout, 1);
    if (encoder) {
        ctx->bit_rate = 6300;
        ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    }
    avcodec_open2(ctx, c, nullptr);
    return ctx;
}

void bare_g7231_encode(benchmark::State& state) {
    const auto& s = speech(8000);
    AVCodecContext* ctx = open_g7231(true);
    AVFrame* frame = av_frame_alloc();
    frame->nb_samples = 240;
    frame->format = AV_SAMPLE_FMT_S16;
    av_channel_layout_copy(&frame->ch_layout, &ctx->ch_layout);
    av_frame_get_buffer(frame, 0);
    AVPacket* pkt = av_packet_alloc();
    each_frame(state, 240, [&](std::size_t f) {
        av_frame_make_writable(frame);
        std::memcpy(frame->data[0], s.data() + f * 240, 480);
        avcodec_send_frame(ctx, frame);
        avcodec_receive_packet(ctx, pkt);
        av_packet_unref(pkt);
    });
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&ctx);
}

void bare_g7231_decode(benchmark::State& state) {
    const auto& c = coded("G723");
    AVCodecContext* ctx = open_g7231(false);
    AVFrame* frame = av_frame_alloc();
    AVPacket* pkt = av_packet_alloc();
    std::uint8_t in[24 + AV_INPUT_BUFFER_PADDING_SIZE] = {};
    each_frame(state, 240, [&](std::size_t f) {
        std::memcpy(in, c.data() + f * 24, 24);
        pkt->data = in;
        pkt->size = 24;
        avcodec_send_packet(ctx, pkt);
        avcodec_receive_frame(ctx, frame);
        av_frame_unref(frame);
    });
    pkt->data = nullptr;
    pkt->size = 0;
    av_packet_free(&pkt);
    av_frame_free(&frame);
    avcodec_free_context(&ctx);
}

}  // namespace

void register_bare_benchmarks() {
    benchmark::RegisterBenchmark("bare_encode/PCMU(spandsp)", bare_g711_ulaw_encode);
    benchmark::RegisterBenchmark("bare_encode/PCMU", bare_g711_ulaw_encode_tables);
    benchmark::RegisterBenchmark("bare_decode/PCMU(spandsp)", bare_g711_ulaw_decode);
    benchmark::RegisterBenchmark("bare_decode/PCMU", bare_g711_ulaw_decode_tables);
    benchmark::RegisterBenchmark("bare_encode/G729", bare_g729_encode);
    benchmark::RegisterBenchmark("bare_decode/G729", bare_g729_decode);
    benchmark::RegisterBenchmark("bare_encode/G726-32", bare_g726_encode);
    benchmark::RegisterBenchmark("bare_decode/G726-32", bare_g726_decode);
    benchmark::RegisterBenchmark("bare_encode/G722", bare_g722_encode);
    benchmark::RegisterBenchmark("bare_decode/G722", bare_g722_decode);
    benchmark::RegisterBenchmark("bare_encode/GSM", bare_gsm_encode);
    benchmark::RegisterBenchmark("bare_decode/GSM", bare_gsm_decode);
    benchmark::RegisterBenchmark("bare_encode/G723", bare_g7231_encode);
    benchmark::RegisterBenchmark("bare_decode/G723", bare_g7231_decode);
}

}  // namespace tandem::codecs::bench
