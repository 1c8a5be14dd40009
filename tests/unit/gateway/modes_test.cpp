/// Connection modes as RFC 3435 §2.3.5 / §3.2.2.6 describe them, observed on the lines and on
/// the wire: A (ds/e1-1/1, sendrecv) talks 1000 Hz, B (ds/e1-1/2, mode under test) 600 Hz.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;
using media::connection_mode;

/// Level in dBov of the `freq` component (Goertzel over the whole signal).
double tone_dbov(std::span<const std::int16_t> x, double freq) {
    const double w = 2.0 * M_PI * freq / 8000.0, coeff = 2.0 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (auto v : x) {
        const double s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    const double amp = 2.0 * std::sqrt(std::max(power, 1e-9)) / static_cast<double>(x.size());
    return 20.0 * std::log10(amp / 32767.0 / std::sqrt(2.0) + 1e-12);
}

struct observed {
    double a_hears_1000, a_hears_600, b_hears_1000, b_hears_600;
    std::uint64_t a_sent, b_sent, b_received;
};

constexpr double audible = -30.0;  // the tones are sent at about -13 dBov
constexpr double absent = -60.0;

observed run(connection_mode mode_b, const char* codec = "PCMA", std::uint8_t pt = 8) {
    e1_bench bench;
    auto p = params_for(codec, pt, 20);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    p.mode = mode_b;
    auto b = bench.engine->create_connection(bench.ts(2), p);
    EXPECT_TRUE(a && b && join(*bench.engine, *a, *b));
    std::array<std::int16_t, 80> in_a{}, in_b{}, out_a{}, out_b{};
    std::vector<std::int16_t> heard_a, heard_b;
    double pa = 0, pb = 0;
    for (int t = 0; t < 150; ++t) {
        pa = audio::fill_sine(in_a, 1000.0, 10000.0, 8000, pa);
        pb = audio::fill_sine(in_b, 600.0, 10000.0, 8000, pb);
        bench.put(1, in_a);
        bench.put(2, in_b);
        bench.tick();
        bench.get(1, out_a);
        bench.get(2, out_b);
        if (t >= 50) {
            heard_a.insert(heard_a.end(), out_a.begin(), out_a.end());
            heard_b.insert(heard_b.end(), out_b.begin(), out_b.end());
        }
    }
    const auto sa = bench.engine->statistics(a->id);
    const auto sb = bench.engine->statistics(b->id);
    observed o{tone_dbov(heard_a, 1000), tone_dbov(heard_a, 600), tone_dbov(heard_b, 1000),
               tone_dbov(heard_b, 600), sa->packets_sent, sb->packets_sent, sb->packets_received};
    std::printf("B %-8s: A hears 1000 Hz %6.1f, 600 Hz %6.1f | B hears 1000 Hz %6.1f, 600 Hz %6.1f "
                "| A sent %llu, B sent %llu, B received %llu\n",
                std::string(media::to_string(mode_b)).c_str(), o.a_hears_1000, o.a_hears_600,
                o.b_hears_1000, o.b_hears_600, static_cast<unsigned long long>(o.a_sent),
                static_cast<unsigned long long>(o.b_sent), static_cast<unsigned long long>(o.b_received));
    return o;
}

TEST(modes, when_sendrecv_then_both_lines_hear_each_other) {
    const auto o = run(connection_mode::sendrecv);
    EXPECT_GT(o.a_hears_600, audible);
    EXPECT_GT(o.b_hears_1000, audible);
}

TEST(modes, when_sendonly_then_b_sends_its_line_and_plays_nothing) {
    const auto o = run(connection_mode::sendonly);
    EXPECT_GT(o.a_hears_600, audible);
    EXPECT_LT(o.b_hears_1000, absent);
    EXPECT_GT(o.b_received, 0u) << "what arrives is still read (RTCP statistics go on)";
}

TEST(modes, when_recvonly_then_b_plays_and_sends_nothing) {
    const auto o = run(connection_mode::recvonly);
    EXPECT_GT(o.b_hears_1000, audible);
    EXPECT_LT(o.a_hears_600, absent);
    EXPECT_EQ(o.b_sent, 0u);
}

TEST(modes, when_inactive_then_nothing_is_sent_or_played) {
    const auto o = run(connection_mode::inactive);
    EXPECT_EQ(o.b_sent, 0u);
    EXPECT_LT(o.b_hears_1000, absent);
    EXPECT_LT(o.a_hears_600, absent);
}

TEST(modes, when_loopback_then_b_line_hears_itself_and_nothing_goes_to_rtp) {
    const auto o = run(connection_mode::loopback);
    EXPECT_GT(o.b_hears_600, audible);
    EXPECT_LT(o.b_hears_1000, absent);
    EXPECT_EQ(o.b_sent, 0u);
}

TEST(modes, when_conttest_then_the_line_is_looped_back) {
    const auto o = run(connection_mode::conttest);
    EXPECT_GT(o.b_hears_600, audible);
    EXPECT_EQ(o.b_sent, 0u);
}

TEST(modes, when_netwloop_then_a_hears_itself_through_b_and_b_line_hears_nothing) {
    const auto o = run(connection_mode::netwloop, "G729", 18);  // decoded and re-encoded
    EXPECT_GT(o.a_hears_1000, audible);
    EXPECT_LT(o.a_hears_600, absent);
    EXPECT_LT(o.b_hears_1000, absent);
    EXPECT_GT(o.b_sent, 0u);
}

TEST(modes, when_netwtest_then_packets_come_back_unchanged) {
    const auto o = run(connection_mode::netwtest);
    EXPECT_GT(o.a_hears_1000, audible);
    EXPECT_LT(o.a_hears_600, absent);
    EXPECT_LT(o.b_hears_1000, absent);
}

TEST(modes, when_a_mode_changes_by_mdcx_then_the_next_ticks_obey_it) {
    e1_bench bench;
    auto p = params_for("PCMU", 0, 20);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b && join(*bench.engine, *a, *b));
    std::array<std::int16_t, 80> in{}, out{};
    double ph = 0;
    auto run_for = [&](int ticks) {
        std::vector<std::int16_t> heard;
        for (int t = 0; t < ticks; ++t) {
            ph = audio::fill_sine(in, 1000.0, 10000.0, 8000, ph);
            bench.put(1, in);
            bench.tick();
            bench.get(2, out);
            if (t >= ticks / 2) heard.insert(heard.end(), out.begin(), out.end());
        }
        return tone_dbov(heard, 1000);
    };
    EXPECT_GT(run_for(60), audible);
    ASSERT_TRUE(bench.engine->modify_connection(b->id, new_mode(connection_mode::inactive)));
    EXPECT_LT(run_for(60), absent);
    ASSERT_TRUE(bench.engine->modify_connection(b->id, new_mode(connection_mode::recvonly)));
    EXPECT_GT(run_for(60), audible);
}

/// IP-IP transcoding on a virtual endpoint: A (codec X) -> rtp/1 [leg X | leg Y] -> B (codec Y).
struct leg_pair {
    const char* x;
    std::uint8_t x_pt;
    int x_ptime;
    const char* y;
    std::uint8_t y_pt;
    int y_ptime;
};

class virtual_transcoding : public ::testing::TestWithParam<leg_pair> {};

TEST_P(virtual_transcoding, when_two_legs_join_on_rtp_endpoint_then_it_transcodes_between_them) {
    const auto& lp = GetParam();
    if ((std::string_view(lp.x) == "G723" || std::string_view(lp.y) == "G723") && !codecs::g7231_built_in())
        GTEST_SKIP();
    e1_bench bench(1);
    const auto v = bench.engine->find_endpoint("rtp/1");
    ASSERT_TRUE(v);
    auto a = bench.engine->create_connection(bench.ts(1), params_for(lp.x, lp.x_pt, lp.x_ptime));
    auto x = bench.engine->create_connection(*v, params_for(lp.x, lp.x_pt, lp.x_ptime));
    auto y = bench.engine->create_connection(*v, params_for(lp.y, lp.y_pt, lp.y_ptime));
    auto b = bench.engine->create_connection(bench.ts(2), params_for(lp.y, lp.y_pt, lp.y_ptime));
    ASSERT_TRUE(a && x && y && b);
    ASSERT_TRUE(join(*bench.engine, *a, *x));
    ASSERT_TRUE(join(*bench.engine, *y, *b));
    std::array<std::int16_t, 80> in_a{}, in_b{}, out_a{}, out_b{};
    std::vector<std::int16_t> heard_a, heard_b;
    double pa = 0, pb = 0;
    for (int t = 0; t < 200; ++t) {
        pa = audio::fill_sine(in_a, 1000.0, 10000.0, 8000, pa);
        pb = audio::fill_sine(in_b, 600.0, 10000.0, 8000, pb);
        bench.put(1, in_a);
        bench.put(2, in_b);
        bench.tick();
        bench.get(1, out_a);
        bench.get(2, out_b);
        if (t >= 80) {
            heard_a.insert(heard_a.end(), out_a.begin(), out_a.end());
            heard_b.insert(heard_b.end(), out_b.begin(), out_b.end());
        }
    }
    std::printf("IP-IP %s <-> %s: B hears 1000 Hz at %.1f dBov, A hears 600 Hz at %.1f dBov\n", lp.x,
                lp.y, tone_dbov(heard_b, 1000), tone_dbov(heard_a, 600));
    EXPECT_GT(tone_dbov(heard_b, 1000), audible);
    EXPECT_GT(tone_dbov(heard_a, 600), audible);
    EXPECT_LT(tone_dbov(heard_b, 600), -40.0) << "a leg does not hear itself";
}

INSTANTIATE_TEST_SUITE_P(codecs, virtual_transcoding,
                         ::testing::Values(leg_pair{"G729", 18, 20, "PCMU", 0, 20},
                                           leg_pair{"G729", 18, 20, "G723", 4, 30}),
                         [](const auto& i) { return std::string(i.param.x) + "_" + i.param.y; });

/// Conference: three confrnce connections on rtp/1; each leg hears the sum of the others.
TEST(virtual_endpoint, when_three_legs_are_in_confrnce_then_each_hears_the_other_two) {
    e1_bench bench(1);
    const auto v = *bench.engine->find_endpoint("rtp/1");
    // Not harmonically related, so that mixing products (G.711 of the sum) do not land on a leg's own tone.
    const double freqs[3] = {440.0, 1000.0, 1630.0};
    std::vector<media::connection_info> line, conf;
    for (unsigned i = 0; i < 3; ++i) {
        auto l = bench.engine->create_connection(bench.ts(i + 1), params_for("PCMA", 8, 20));
        auto p = params_for("PCMA", 8, 20);
        p.mode = connection_mode::confrnce;
        auto c = bench.engine->create_connection(v, p);
        ASSERT_TRUE(l && c && join(*bench.engine, *l, *c));
        line.push_back(*l);
        conf.push_back(*c);
    }
    std::array<std::array<std::int16_t, 80>, 3> in{}, out{};
    std::array<std::vector<std::int16_t>, 3> heard;
    double ph[3] = {0, 0, 0};
    for (int t = 0; t < 150; ++t) {
        for (unsigned i = 0; i < 3; ++i) {
            ph[i] = audio::fill_sine(in[i], freqs[i], 6000.0, 8000, ph[i]);
            bench.put(i + 1, in[i]);
        }
        bench.tick();
        for (unsigned i = 0; i < 3; ++i) {
            bench.get(i + 1, out[i]);
            if (t >= 60) heard[i].insert(heard[i].end(), out[i].begin(), out[i].end());
        }
    }
    for (unsigned i = 0; i < 3; ++i)
        for (unsigned j = 0; j < 3; ++j) {
            const double level = tone_dbov(heard[i], freqs[j]);
            if (i == j) EXPECT_LT(level, absent) << "line " << i << " hears itself";
            else EXPECT_GT(level, audible) << "line " << i << " does not hear line " << j;
        }
}

/// Conference on a timeslot: ds/e1-1/1 has two confrnce connections, one to ts 2, one to ts 3.
/// Each party hears the other two; the line of ts 1 hears both connections.
TEST(modes, when_a_timeslot_has_two_confrnce_connections_then_each_party_hears_the_other_two) {
    e1_bench bench;
    auto conf = params_for("PCMA", 8, 20);
    conf.mode = connection_mode::confrnce;
    auto x = bench.engine->create_connection(bench.ts(1), conf);
    auto y = bench.engine->create_connection(bench.ts(1), conf);
    auto l2 = bench.engine->create_connection(bench.ts(2), params_for("PCMA", 8, 20));
    auto l3 = bench.engine->create_connection(bench.ts(3), params_for("PCMA", 8, 20));
    ASSERT_TRUE(x && y && l2 && l3);
    ASSERT_TRUE(join(*bench.engine, *x, *l2));
    ASSERT_TRUE(join(*bench.engine, *y, *l3));
    const double freqs[3] = {440.0, 1000.0, 1630.0};
    std::array<std::array<std::int16_t, 80>, 3> in{}, out{};
    std::array<std::vector<std::int16_t>, 3> heard;
    double ph[3] = {0, 0, 0};
    for (int t = 0; t < 150; ++t) {
        for (unsigned i = 0; i < 3; ++i) {
            ph[i] = audio::fill_sine(in[i], freqs[i], 6000.0, 8000, ph[i]);
            bench.put(i + 1, in[i]);
        }
        bench.tick();
        for (unsigned i = 0; i < 3; ++i) {
            bench.get(i + 1, out[i]);
            if (t >= 60) heard[i].insert(heard[i].end(), out[i].begin(), out[i].end());
        }
    }
    for (unsigned i = 0; i < 3; ++i)
        for (unsigned j = 0; j < 3; ++j) {
            const double level = tone_dbov(heard[i], freqs[j]);
            if (i == j) EXPECT_LT(level, -45.0) << "ts " << i + 1 << " hears itself";
            else EXPECT_GT(level, audible) << "ts " << i + 1 << " does not hear ts " << j + 1;
        }
}

}  // namespace
}  // namespace tandem::gateway::test
