/// Echo: B's trunk has a hybrid that returns what B plays to it, attenuated and delayed. What B
/// sends to IP (heard on A's line) then carries that echo; B's canceller must remove it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <random>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

/// Level (dBov) of what A's line receives during the last 2 s of 8 s of noise talked into A,
/// with B's hybrid returning 0.3 x (B's line out) 24 ms later (ERL about 10 dB).
double echo_level_at_a(bool canceller, std::chrono::milliseconds tail,
                       std::vector<media::media_event>* events = nullptr) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    p.echo_canceller = canceller;
    p.echo_tail = tail;
    auto b = bench.engine->create_connection(bench.ts(2), p);
    EXPECT_TRUE(a && b && join(*bench.engine, *a, *b));

    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 3000.0);
    std::deque<std::int16_t> hybrid(192, 0);  // 24 ms echo path
    std::array<std::int16_t, 80> in{}, out_b{}, echo{}, out_a{};
    std::vector<std::int16_t> heard;
    const int ticks = 800;
    for (int t = 0; t < ticks; ++t) {
        for (auto& s : in) s = static_cast<std::int16_t>(std::clamp(noise(rng), -32000.0, 32000.0));
        for (std::size_t i = 0; i < 80; ++i) {
            echo[i] = static_cast<std::int16_t>(0.3 * hybrid.front());
            hybrid.pop_front();
            hybrid.push_back(out_b[i]);
        }
        bench.put(1, in);
        bench.put(2, echo);
        bench.tick();
        bench.get(2, out_b);
        bench.get(1, out_a);
        if (t >= ticks - 200) heard.insert(heard.end(), out_a.begin(), out_a.end());
    }
    if (events != nullptr)
        while (auto ev = bench.engine->next_event()) events->push_back(*ev);
    return audio::level_dbov(heard);
}

TEST(echo_canceller, when_the_hybrid_echoes_then_the_canceller_removes_it) {
    const double off = echo_level_at_a(false, std::chrono::milliseconds(64));
    const double on = echo_level_at_a(true, std::chrono::milliseconds(64));
    const double on_128 = echo_level_at_a(true, std::chrono::milliseconds(128));
    std::printf("echo at A: %.1f dBov without canceller, %.1f dBov with (ERLE %.1f dB), "
                "%.1f dBov with a 128 ms tail (ERLE %.1f dB)\n",
                off, on, off - on, on_128, off - on_128);
    EXPECT_GT(off, -35.0) << "the simulated hybrid returns a clearly audible echo";
    EXPECT_GT(off - on, 28.0);  // measured 36.4 dB
    EXPECT_GT(off - on_128, 28.0);  // measured 36.1 dB
}

TEST(echo_canceller, when_a_modem_answer_tone_arrives_then_the_canceller_is_disabled_and_reported) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    p.echo_canceller = true;
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b && join(*bench.engine, *a, *b));
    // ITU-T V.25 answer tone: 2100 Hz, phase reversed every 450 ms, for 2 s.
    double phase = 0.0;
    std::array<std::int16_t, 80> in{};
    bool reported = false;
    int at_tick = -1;
    for (int t = 0; t < 200 && !reported; ++t) {
        if (t > 0 && t % 45 == 0) phase += M_PI;
        phase = audio::fill_sine(in, 2100.0, 8000.0, 8000, phase);
        bench.put(1, in);
        bench.tick();
        while (auto ev = bench.engine->next_event())
            if (ev->kind == media::media_event_kind::answer_tone && ev->connection == a->id) {
                reported = true;
                at_tick = t;
            }
    }
    std::printf("answer tone recognised after %d ms\n", at_tick * 10);
    EXPECT_TRUE(reported);
    // Only a phase reversal (the first at 450 ms) tells it from a plain 2100 Hz tone.
    EXPECT_GE(at_tick, 45);
}

}  // namespace
}  // namespace tandem::gateway::test
