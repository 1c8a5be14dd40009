/// Two timeslots joined back to back over RTP on 127.0.0.1: A's line -> RTP -> B's line, for
/// every codec of the gateway, with the delay found and the quality bounded.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

struct codec_case {
    const char* name;
    std::uint8_t pt;
    int ptime;
    double min_tone_snr_db;    ///< SNR of the 1 kHz tone after alignment
    double max_level_loss_db;  ///< tone level at B versus at A
};

struct result {
    audio::alignment align;
    double snr;
    double level_in, level_out;
};

/// Sends (silence, marker chirp, 1 kHz tone) through A and records B's line.
result run_back_to_back(const codec_case& cc) {
    e1_bench bench;
    EXPECT_TRUE(bench.engine);
    auto p = params_for(cc.name, cc.pt, cc.ptime);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    EXPECT_TRUE(a && b);
    EXPECT_TRUE(join(*bench.engine, *a, *b));

    std::vector<std::int16_t> input(8000 / 2, 0);
    const auto marker = audio::make_marker(8000);
    input.insert(input.end(), marker.begin(), marker.end());
    input.resize(input.size() + 800, 0);
    const std::size_t tone_at = input.size();
    const auto tone = audio::make_sine(1000.0, 10000.0, 8000, 8000);
    input.insert(input.end(), tone.begin(), tone.end());
    input.resize(input.size() + 8000, 0);  // room for the delay

    std::vector<std::int16_t> output(input.size(), 0);
    for (std::size_t t = 0; t + 80 <= input.size(); t += 80) {
        bench.put(1, std::span<const std::int16_t>(input.data() + t, 80));
        bench.tick();
        bench.get(2, std::span<std::int16_t>(output.data() + t, 80));
    }
    result r;
    r.align = audio::find_delay(std::span<const std::int16_t>(input.data(), tone_at),
                                std::span<const std::int16_t>(output.data(), tone_at + 4000), 4000);
    const auto d = static_cast<std::size_t>(std::max(0, r.align.delay_samples));
    const auto ref = std::span<const std::int16_t>(input.data() + tone_at + 800, 6400);
    const auto deg = std::span<const std::int16_t>(output.data() + tone_at + 800 + d, 6400);
    r.snr = audio::snr_db(ref, deg);
    r.level_in = audio::level_dbov(ref);
    r.level_out = audio::level_dbov(deg);
    auto sa = bench.engine->statistics(a->id);
    auto sb = bench.engine->statistics(b->id);
    std::printf("%-6s ptime %d: delay %d samples (corr %.3f), tone SNR %.1f dB, level %.1f -> %.1f dBov, "
                "A sent %llu pkts, B got %llu, B concealed %llu frames, late %llu\n",
                cc.name, cc.ptime, r.align.delay_samples, r.align.correlation, r.snr, r.level_in,
                r.level_out, static_cast<unsigned long long>(sa->packets_sent),
                static_cast<unsigned long long>(sb->packets_received),
                static_cast<unsigned long long>(sb->frames_concealed),
                static_cast<unsigned long long>(sb->late_packets));
    return r;
}

class back_to_back : public ::testing::TestWithParam<codec_case> {};

TEST_P(back_to_back, when_tone_enters_a_then_it_leaves_b_delayed_and_intact) {
    const auto& cc = GetParam();
    if (std::string_view(cc.name) == "G723" && !codecs::g7231_built_in()) GTEST_SKIP();
    const auto r = run_back_to_back(cc);
    // The jitter buffer (60 ms nominal) plus packetisation and codec look-ahead: well under 200 ms.
    EXPECT_GT(r.align.delay_samples, 80);
    EXPECT_LT(r.align.delay_samples, 1600);
    EXPECT_GT(r.align.correlation, 0.9);
    EXPECT_GT(r.snr, cc.min_tone_snr_db);
    EXPECT_LT(std::abs(r.level_out - r.level_in), cc.max_level_loss_db);
}

INSTANTIATE_TEST_SUITE_P(codecs, back_to_back,
                         // Measured: PCMA/PCMU 49.5 dB, G.729 11.0 dB, G.723.1 18.5 dB tone SNR;
                         // levels within 0.6 dB.
                         ::testing::Values(codec_case{"PCMA", 8, 20, 40.0, 1.5},
                                           codec_case{"PCMU", 0, 20, 40.0, 1.5},
                                           codec_case{"G729", 18, 20, 6.0, 2.0},
                                           codec_case{"G723", 4, 30, 12.0, 2.0}),
                         [](const auto& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace tandem::gateway::test
