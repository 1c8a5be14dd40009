/// A sender that stalls and then bursts (its packets held on the wire, then released at once,
/// timestamps contiguous): concealment runs the receiver's playout ahead of the stream while
/// the stream is missing; the receiver must follow the stream again afterwards instead of
/// dropping every later packet as late and playing silence for the rest of the call.
#include <gtest/gtest.h>

#include <cstdio>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/udp_relay.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

TEST(burst, when_a_stalled_stream_bursts_then_playout_follows_it_again) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b);
    udp_relay wire;
    ASSERT_TRUE(bench.engine->modify_connection(a->id, remote_port(wire.port())));
    ASSERT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));

    const auto forward_all = [&] {
        while (wire.pump(b->local_port, [](const rtp_view&) { return true; }) > 0) {
        }
    };
    std::array<std::int16_t, 80> in{}, out{};
    double phase = 0.0;
    constexpr int stall_from = 150, stall_until = 180, settle = 50, ticks = 450;
    unsigned silent_after = 0, blocks_after = 0;
    for (int t = 0; t < ticks; ++t) {
        phase = audio::fill_sine(in, 1000.0, 8000.0, 8000, phase);
        bench.put(1, in);
        bench.tick();
        if (t < stall_from || t >= stall_until) forward_all();  // held on the wire meanwhile
        bench.get(2, out);
        if (t >= stall_until + settle && t < ticks - 5) {
            ++blocks_after;
            if (audio::level_dbov(out) < -55.0) ++silent_after;
        }
    }
    const auto s = bench.engine->statistics(b->id);
    ASSERT_TRUE(s);
    std::printf("B: PR %llu, late %llu, resyncs %llu, concealed %llu; silent blocks after the "
                "burst %u of %u\n",
                static_cast<unsigned long long>(s->packets_received),
                static_cast<unsigned long long>(s->late_packets),
                static_cast<unsigned long long>(s->playout_resyncs),
                static_cast<unsigned long long>(s->frames_concealed), silent_after, blocks_after);
    EXPECT_EQ(silent_after, 0u);
}

}  // namespace
}  // namespace tandem::gateway::test
