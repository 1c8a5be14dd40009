/// Packet loss between A and B: the output stays continuous (concealment) and PL counts the
/// lost packets (RFC 3550 §6.4.1 cumulative number of packets lost, RFC 3435 "PL").
#include <gtest/gtest.h>

#include <cstdio>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/udp_relay.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

struct loss_case {
    const char* codec;
    std::uint8_t pt;
    int ptime;
};

class loss : public ::testing::TestWithParam<loss_case> {};

TEST_P(loss, when_packets_are_dropped_then_output_stays_continuous_and_pl_counts_them) {
    const auto& lc = GetParam();
    if (std::string_view(lc.codec) == "G723" && !codecs::g7231_built_in()) GTEST_SKIP();
    e1_bench bench;
    auto p = params_for(lc.codec, lc.pt, lc.ptime);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b);
    udp_relay wire;
    ASSERT_TRUE(bench.engine->modify_connection(a->id, remote_port(wire.port())));
    ASSERT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));

    std::array<std::int16_t, 80> in{}, out{};
    double phase = 0.0;
    unsigned forwarded = 0, dropped = 0, silent_blocks = 0, blocks = 0;
    const int ticks = 300;
    for (int t = 0; t < ticks; ++t) {
        phase = audio::fill_sine(in, 1000.0, 8000.0, 8000, phase);
        bench.put(1, in);
        bench.tick();
        wire.pump(b->local_port, [&](const rtp_view&) {
            // Every 5th packet from the 21st to the 79th is lost, never the last ones (a loss
            // at the very end of the stream cannot be seen by sequence numbers yet).
            const unsigned n = forwarded + dropped;
            if (n > 20 && n < 80 && n % 5 == 0) {
                ++dropped;
                return false;
            }
            ++forwarded;
            return true;
        });
        bench.get(2, out);
        // Once the stream has started at B (after the jitter buffer), every block carries sound.
        if (t > 30 && t < ticks - 5) {
            ++blocks;
            if (audio::level_dbov(out) < -55.0) {  // a gap; concealment may fade, not vanish
                ++silent_blocks;
                std::printf("  silent block at tick %d (level %.1f)\n", t, audio::level_dbov(out));
            }
        }
    }
    const auto s = bench.engine->statistics(b->id);
    ASSERT_TRUE(s);
    std::printf("%s: dropped %u of %u packets; B: PR %llu PL %lld, %llu frames concealed, "
                "%u silent blocks of %u\n",
                lc.codec, dropped, dropped + forwarded,
                static_cast<unsigned long long>(s->packets_received),
                static_cast<long long>(s->packets_lost),
                static_cast<unsigned long long>(s->frames_concealed), silent_blocks, blocks);
    EXPECT_EQ(dropped, 11u);
    EXPECT_EQ(s->packets_lost, static_cast<std::int64_t>(dropped));
    // The packet forwarded after B's last tick may still wait in B's socket.
    EXPECT_LE(s->packets_received, forwarded);
    EXPECT_GE(s->packets_received + 1, forwarded);
    EXPECT_GE(s->frames_concealed, dropped);
    EXPECT_EQ(silent_blocks, 0u);
}

INSTANTIATE_TEST_SUITE_P(codecs, loss,
                         ::testing::Values(loss_case{"PCMA", 8, 20}, loss_case{"G729", 18, 20},
                                           loss_case{"G723", 4, 30}),
                         [](const auto& i) { return std::string(i.param.codec); });

}  // namespace
}  // namespace tandem::gateway::test
