/// A peer may send packets of another duration than the ptime we negotiated (RFC 3551 §4.2:
/// a receiver should accept any packet duration up to the codec's maximum; sipp plays 30 ms
/// PCMA packets whatever the SDP says). The audio toward the line stays continuous.
#include <gtest/gtest.h>

#include <cstdio>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/udp_relay.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

struct mismatch_case {
    int sent_ptime;
    int negotiated_ptime;
};

class ptime_mismatch : public ::testing::TestWithParam<mismatch_case> {};

TEST_P(ptime_mismatch, when_the_peer_sends_another_packet_duration_then_the_line_hears_all_of_it) {
    const auto& mc = GetParam();
    e1_bench bench;
    auto a = bench.engine->create_connection(bench.ts(1), params_for("PCMA", 8, mc.sent_ptime));
    auto b = bench.engine->create_connection(bench.ts(2), params_for("PCMA", 8, mc.negotiated_ptime));
    ASSERT_TRUE(a && b);
    udp_relay wire;
    ASSERT_TRUE(bench.engine->modify_connection(a->id, remote_port(wire.port())));
    ASSERT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));

    std::array<std::int16_t, 80> in{}, out{};
    double phase = 0.0;
    unsigned silent_blocks = 0, blocks = 0, forwarded = 0;
    const int ticks = 800;  // 8 s: sipp's misses began about 2 s into the call
    for (int t = 0; t < ticks; ++t) {
        phase = audio::fill_sine(in, 1000.0, 8000.0, 8000, phase);
        bench.put(1, in);
        bench.tick();
        wire.pump(b->local_port, [&](const rtp_view&) {
            ++forwarded;
            return true;
        });
        bench.get(2, out);
        if (t > 40 && t < ticks - 5) {
            ++blocks;
            if (audio::level_dbov(out) < -30.0) ++silent_blocks;
        }
    }
    const auto s = bench.engine->statistics(b->id);
    ASSERT_TRUE(s);
    std::printf("sent %d ms, negotiated %d ms: %u packets, B: PR %llu, %llu frames concealed, "
                "%u silent blocks of %u\n",
                mc.sent_ptime, mc.negotiated_ptime, forwarded,
                static_cast<unsigned long long>(s->packets_received),
                static_cast<unsigned long long>(s->frames_concealed), silent_blocks, blocks);
    EXPECT_GT(forwarded, 0u);
    EXPECT_EQ(silent_blocks, 0u);
}

INSTANTIATE_TEST_SUITE_P(durations, ptime_mismatch,
                         ::testing::Values(mismatch_case{30, 20}, mismatch_case{20, 30},
                                           mismatch_case{30, 30}, mismatch_case{10, 20}));

}  // namespace
}  // namespace tandem::gateway::test
