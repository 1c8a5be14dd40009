/// The hot path does not allocate: after create(), the transcoder's push/pop and the codec
/// objects' encode/decode/conceal make no C++ heap allocation. Counted with a replaced global
/// operator new (this test binary only). The C libraries' own malloc is not visible here;
/// bcg729, spandsp and libgsm allocate only at init; libavcodec (G.723.1) does allocate per
/// call and is left out (docs/codecs.md).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "codec_test_support.hpp"
#include "codecs/audio/measure.hpp"
#include "codecs/transcoder.hpp"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace tandem::codecs {
namespace {

using namespace std::chrono_literals;

TEST(allocation, when_transcoding_steadily_with_loss_then_push_and_pop_never_allocate) {
    const std::pair<const char*, const char*> legs[] = {
        {"PCMU", "G729"}, {"G729", "PCMA"}, {"PCMU", "G722"}, {"G722", "PCMU"}, {"PCMA", "GSM"}, {"G726-32", "PCMU"}};
    for (const auto& [from_name, to_name] : legs) {
        SCOPED_TRACE(std::string(from_name) + "->" + to_name);
        const auto& from = test::codec(from_name);
        const auto& to = test::codec(to_name);
        const auto& fi = from.info();
        const long at_create = allocations.load();
        auto t = transcoder::create(from, to, {.out_ptime = 60ms}).value();
        EXPECT_GT(allocations.load(), at_create);  // the counter does see allocations
        auto enc = from.make_encoder().value();
        const std::size_t samples = 2 * fi.samples_per_frame;
        const auto pcm = audio::make_sine(700.0, 9000.0, fi.sample_rate, 100 * samples);
        std::vector<std::vector<std::uint8_t>> packets;
        for (std::size_t p = 0; p < 100; ++p) {
            std::vector<std::uint8_t> bytes(2 * fi.bytes_per_frame);
            bytes.resize(enc->encode(std::span(pcm).subspan(p * samples, samples), bytes).value());
            packets.push_back(std::move(bytes));
        }
        const std::uint32_t ticks = 2 * fi.rtp_ticks_per_frame();
        const long before = allocations.load();
        std::size_t out = 0;
        for (std::uint32_t p = 0; p < 100; ++p) {
            if (p % 17 == 5) continue;  // a loss now and then: concealment runs too
            ASSERT_TRUE(t->push(packets[p], p * ticks).has_value());
            while (auto o = t->pop()) out += o->payload.size();
        }
        ASSERT_TRUE(t->push_loss(2).has_value());
        EXPECT_EQ(allocations.load() - before, 0);
        EXPECT_GT(out, 0u);
    }
}

}  // namespace
}  // namespace tandem::codecs
