/// Signals heard on the line (RFC 3660 packages G, D, T; docs/media.md "Signals"): every tone
/// is captured from the timeslot the gateway writes to the trunk and measured there — its
/// frequency by a Goertzel scan, its cadence by the level of each 10 ms block, DTMF digits by
/// spandsp's dtmf_rx. The continuity test and EPCF's law change are checked on the line too.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <spandsp.h>

#include "codecs/audio/measure.hpp"
#include "codecs/g711.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

using media::signal_tone;

/// Energy of the `hz` component relative to the whole signal (1 for a pure tone at `hz`).
double share_at(std::span<const std::int16_t> x, double hz) {
    const double coeff = 2.0 * std::cos(2.0 * M_PI * hz / 8000.0);
    double s1 = 0, s2 = 0, energy = 0;
    for (auto v : x) {
        const double s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += static_cast<double>(v) * v;
    }
    if (energy == 0) return 0;
    return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (static_cast<double>(x.size()) * energy);
}

/// The strongest frequency between 200 and 3000 Hz, in 1 Hz steps.
double peak_hz(std::span<const std::int16_t> x) {
    double best = 0, best_hz = 0;
    for (double hz = 200; hz <= 3000; hz += 1) {
        const double s = share_at(x, hz);
        if (s > best) {
            best = s;
            best_hz = hz;
        }
    }
    return best_hz;
}

double rms(std::span<const std::int16_t> x) {
    double e = 0;
    for (auto v : x) e += static_cast<double>(v) * v;
    return x.empty() ? 0 : std::sqrt(e / static_cast<double>(x.size()));
}

/// On/off runs of the signal, 10 ms blocks, in ms: {on, duration}.
struct run_length {
    bool on;
    int ms;
};
std::vector<run_length> cadence(std::span<const std::int16_t> x) {
    std::vector<run_length> r;
    for (std::size_t i = 0; i + 80 <= x.size(); i += 80) {
        const bool on = rms(x.subspan(i, 80)) > 300;  // tones are at -13 dBm0 (rms ~ 3,600)
        if (r.empty() || r.back().on != on) r.push_back({on, 0});
        r.back().ms += 10;
    }
    return r;
}

/// What the gateway writes to timeslot `ts` for `ticks` ticks (the trunk sends silence, or
/// when `loop_back`, what it received in the previous tick: a looped far end).
std::vector<std::int16_t> capture(e1_bench& b, unsigned ts, int ticks, bool loop_back = false) {
    std::vector<std::int16_t> out;
    std::array<std::int16_t, 80> block{};
    for (int t = 0; t < ticks; ++t) {
        if (loop_back && t > 0) b.put(ts, block);
        b.tick();
        b.get(ts, block);
        out.insert(out.end(), block.begin(), block.end());
    }
    return out;
}

/// The samples of the first `on` run at least `min_ms` long.
std::span<const std::int16_t> first_burst(std::span<const std::int16_t> x, int min_ms = 100) {
    int at = 0;
    for (const auto& r : cadence(x)) {
        if (r.on && r.ms >= min_ms) return x.subspan(static_cast<std::size_t>(at) * 8, static_cast<std::size_t>(r.ms) * 8);
        at += r.ms;
    }
    return {};
}

TEST(signals, when_ringback_plays_then_the_line_hears_425_hz_one_second_on_four_off) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::ringback));
    const auto x = capture(b, 1, 1100);  // 11 s: two full cycles
    const auto c = cadence(x);
    ASSERT_GE(c.size(), 4u);
    EXPECT_TRUE(c[0].on);
    EXPECT_NEAR(c[0].ms, 1000, 10);
    EXPECT_FALSE(c[1].on);
    EXPECT_NEAR(c[1].ms, 4000, 10);
    EXPECT_NEAR(c[2].ms, 1000, 10);
    EXPECT_NEAR(peak_hz(first_burst(x)), 425, 3);
    // -13 dBm0: rms = 22,767 * 10^(-13/20) / sqrt(2) ~ 3,600 (A-law quantisation aside).
    EXPECT_NEAR(20 * std::log10(rms(first_burst(x)) / (22767 / std::sqrt(2.0))), -13.0, 0.5);
    // The other timeslots are untouched.
    EXPECT_LT(rms(capture(b, 2, 10)), 50);  // A-law idle decodes to +-8
}

struct cadence_case {
    signal_tone tone;
    double hz;
    int on_ms, off_ms;
};
class cadenced : public ::testing::TestWithParam<cadence_case> {};

TEST_P(cadenced, when_played_then_frequency_and_cadence_are_within_tolerance) {
    const auto p = GetParam();
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(5), p.tone));
    const auto x = capture(b, 5, 300);
    const auto c = cadence(x);
    ASSERT_GE(c.size(), 4u) << media::to_string(p.tone);
    for (std::size_t i = 0; i + 1 < c.size(); ++i)  // the last run is cut by the capture
        EXPECT_NEAR(c[i].ms, c[i].on ? p.on_ms : p.off_ms, 10) << media::to_string(p.tone) << " run " << i;
    EXPECT_NEAR(peak_hz(first_burst(x, 50)), p.hz, 3) << media::to_string(p.tone);
}

INSTANTIATE_TEST_SUITE_P(e180, cadenced,
                         ::testing::Values(cadence_case{signal_tone::busy, 425, 500, 500},
                                           cadence_case{signal_tone::congestion, 425, 250, 250},
                                           cadence_case{signal_tone::reorder, 425, 250, 250}));

TEST(signals, when_confirmation_plays_then_three_bursts_are_heard_and_it_ends_by_itself) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(3), signal_tone::confirmation));
    const auto x = capture(b, 3, 150);
    const auto c = cadence(x);
    ASSERT_EQ(c.size(), 6u);  // on off on off on, then silence to the end
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(c[static_cast<std::size_t>(i)].ms, 100, 10) << i;
    EXPECT_FALSE(c[5].on);
    EXPECT_NEAR(peak_hz(first_burst(x, 50)), 425, 3);
}

TEST(signals, when_intercept_plays_then_the_special_information_tone_steps_through_three_frequencies) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(4), signal_tone::intercept));
    const auto x = capture(b, 4, 200);
    const std::span<const std::int16_t> all(x);
    // 330 ms per frequency: measure the middle 200 ms of each.
    EXPECT_NEAR(peak_hz(all.subspan(8 * 65, 8 * 200)), 950, 3);
    EXPECT_NEAR(peak_hz(all.subspan(8 * 395, 8 * 200)), 1400, 3);
    EXPECT_NEAR(peak_hz(all.subspan(8 * 725, 8 * 200)), 1800, 3);
    const auto c = cadence(x);
    ASSERT_GE(c.size(), 2u);
    EXPECT_NEAR(c[0].ms, 990, 10);
    EXPECT_NEAR(c[1].ms, 1000, 10);
}

TEST(signals, when_steady_tones_play_then_each_has_its_frequency) {
    const std::pair<signal_tone, double> cases[] = {
        {signal_tone::continuity, 2010}, {signal_tone::continuity_go, 1780},
        {signal_tone::milliwatt_old, 1000}, {signal_tone::milliwatt_new, 1004}, {signal_tone::test_line, 1004}};
    for (const auto& [tone, hz] : cases) {
        e1_bench b;
        ASSERT_TRUE(b.engine->play_signal(b.ts(7), tone));
        const auto x = capture(b, 7, 50);
        EXPECT_NEAR(peak_hz(x), hz, 3) << media::to_string(tone);
        EXPECT_EQ(cadence(x).size(), 1u) << media::to_string(tone);
    }
    // Milliwatt is 0 dBm0.
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(7), signal_tone::milliwatt_new));
    EXPECT_NEAR(20 * std::log10(rms(capture(b, 7, 50)) / (22767 / std::sqrt(2.0))), 0.0, 0.5);
}

TEST(signals, when_preemption_plays_then_440_and_620_hz_sound_together) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(7), signal_tone::preemption));
    const auto x = capture(b, 7, 50);
    EXPECT_NEAR(share_at(x, 440), 0.5, 0.1);
    EXPECT_NEAR(share_at(x, 620), 0.5, 0.1);
}

TEST(signals, when_digits_are_queued_then_dtmf_rx_hears_them_in_order) {
    e1_bench b;
    for (char d : std::string("19#D"))
        ASSERT_TRUE(b.engine->play_signal(b.ts(9), signal_tone::dtmf, d));
    const auto x = capture(b, 9, 120);
    dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, nullptr, nullptr);
    dtmf_rx(rx, x.data(), static_cast<int>(x.size()));
    char heard[16] = {};
    dtmf_rx_get(rx, heard, 15);
    dtmf_rx_free(rx);
    EXPECT_STREQ(heard, "19#D");
    const auto c = cadence(x);
    ASSERT_GE(c.size(), 8u);
    EXPECT_NEAR(c[0].ms, 100, 10);  // 100 ms tone, 100 ms pause per digit
    EXPECT_NEAR(c[1].ms, 100, 10);
    EXPECT_FALSE(c.back().on);       // and then nothing
}

TEST(signals, when_a_signal_is_stopped_then_the_line_is_silent_from_the_next_tick) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::milliwatt_old));
    EXPECT_GT(rms(capture(b, 1, 5)), 1000);
    ASSERT_TRUE(b.engine->stop_signal(b.ts(1), signal_tone::busy));  // not the one playing
    EXPECT_GT(rms(capture(b, 1, 5)), 1000);
    ASSERT_TRUE(b.engine->stop_signal(b.ts(1), signal_tone::milliwatt_old));
    EXPECT_LT(rms(capture(b, 1, 5)), 50);
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::ringback));
    ASSERT_TRUE(b.engine->stop_signal(b.ts(1), signal_tone::none));  // every signal
    EXPECT_LT(rms(capture(b, 1, 5)), 50);
}

TEST(signals, when_a_signal_names_a_connection_of_another_endpoint_then_it_is_refused) {
    e1_bench b;
    auto c = b.engine->create_connection(b.ts(1), params_for("PCMA", 8, 20));
    ASSERT_TRUE(c);
    auto r = b.engine->play_signal(b.ts(2), signal_tone::ringback, 0, c->id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), media::media_error::unknown_connection);
    EXPECT_EQ(b.engine->counters().value("signal.refused.unknown_connection"), 1u);
    EXPECT_FALSE(b.engine->play_signal(media::endpoint_index(999), signal_tone::ringback));
}

TEST(continuity, when_co1_is_looped_back_by_the_far_end_then_the_return_tone_is_reported_once) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(6), signal_tone::continuity));
    (void)capture(b, 6, 30, /*loop_back=*/true);
    int reports = 0;
    while (auto ev = b.engine->next_event())
        if (ev->kind == media::media_event_kind::continuity_tone && ev->endpoint == b.ts(6)) ++reports;
    EXPECT_EQ(reports, 1);
}

TEST(continuity, when_nobody_returns_the_tone_then_nothing_is_reported) {
    e1_bench b;
    ASSERT_TRUE(b.engine->play_signal(b.ts(6), signal_tone::continuity));
    (void)capture(b, 6, 30);
    EXPECT_FALSE(b.engine->next_event().has_value());
}

TEST(continuity, when_a_conttest_connection_hears_1780_hz_then_it_answers_2010_hz) {
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    p.mode = media::connection_mode::conttest;
    ASSERT_TRUE(b.engine->create_connection(b.ts(8), p));
    std::array<std::int16_t, 80> go{}, out{};
    std::vector<std::int16_t> heard;
    double phase = 0;
    for (int t = 0; t < 40; ++t) {
        phase = codecs::audio::fill_sine(go, 1780.0, 5000.0, 8000, phase);
        b.put(8, go);
        b.tick();
        b.get(8, out);
        if (t >= 10) heard.insert(heard.end(), out.begin(), out.end());
    }
    EXPECT_NEAR(peak_hz(heard), 2010, 3);
    EXPECT_LT(share_at(heard, 1780), 0.01);
    // Without the go tone, conttest loops the line back (single-tone test, co1).
    heard.clear();
    for (int t = 0; t < 20; ++t) {
        phase = codecs::audio::fill_sine(go, 2010.0, 5000.0, 8000, phase);
        b.put(8, go);
        b.tick();
        b.get(8, out);
        if (t >= 10) heard.insert(heard.end(), out.begin(), out.end());
    }
    EXPECT_NEAR(peak_hz(heard), 2010, 3);
    EXPECT_NEAR(rms(heard), 5000 / std::sqrt(2.0), 300);  // looped at the level it came
}

TEST(continuity, when_co2_meets_a_transponder_then_its_2010_hz_answer_is_reported) {
    // Two timeslots wired to each other: ts 10 originates (co2: 1780 Hz go tone), ts 11 is in
    // conttest and answers.
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    p.mode = media::connection_mode::conttest;
    ASSERT_TRUE(b.engine->create_connection(b.ts(11), p));
    ASSERT_TRUE(b.engine->play_signal(b.ts(10), signal_tone::continuity_go));
    std::array<std::int16_t, 80> from10{}, from11{};
    for (int t = 0; t < 40; ++t) {
        b.put(11, from10);
        b.put(10, from11);
        b.tick();
        b.get(10, from10);
        b.get(11, from11);
    }
    int reports = 0;
    while (auto ev = b.engine->next_event())
        if (ev->kind == media::media_event_kind::continuity_tone && ev->endpoint == b.ts(10)) ++reports;
    EXPECT_EQ(reports, 1);
}

TEST(law, when_epcf_sets_mu_law_on_an_e1_timeslot_then_the_gateway_writes_mu_law) {
    e1_bench b;
    ASSERT_TRUE(b.engine->set_law(b.ts(12), tdm::companding_law::ulaw));
    EXPECT_EQ(b.engine->law(b.ts(12)), tdm::companding_law::ulaw);
    ASSERT_TRUE(b.engine->play_signal(b.ts(12), signal_tone::milliwatt_old));
    std::vector<std::int16_t> as_ulaw(80 * 20), as_alaw(80 * 20);
    for (int t = 0; t < 20; ++t) {
        b.tick();
        const auto octets = b.tx.slot(b.layout.position(12));
        codecs::g711::decode_ulaw(octets, std::span<std::int16_t>(as_ulaw).subspan(static_cast<std::size_t>(t) * 80, 80));
        codecs::g711::decode_alaw(octets, std::span<std::int16_t>(as_alaw).subspan(static_cast<std::size_t>(t) * 80, 80));
    }
    // Read as µ-law: 1000 Hz at 0 dBm0. Read as A-law the level is far off (-11.8 dBm0).
    EXPECT_NEAR(peak_hz(as_ulaw), 1000, 3);
    EXPECT_NEAR(20 * std::log10(rms(as_ulaw) / (22767 / std::sqrt(2.0))), 0.0, 0.5);
    EXPECT_GT(std::abs(20 * std::log10(rms(as_alaw) / (22767 / std::sqrt(2.0)))), 6.0);
    // And µ-law from the trunk is expanded as µ-law (loopback signal returns it unchanged).
    ASSERT_TRUE(b.engine->stop_signal(b.ts(12), signal_tone::none));
    ASSERT_TRUE(b.engine->play_signal(b.ts(12), signal_tone::loopback));
    std::array<std::int16_t, 80> sine{};
    (void)codecs::audio::fill_sine(sine, 1000.0, 8000.0, 8000, 0);
    std::array<std::uint8_t, 80> in{};
    codecs::g711::encode_ulaw(sine, in);
    std::vector<std::int16_t> back(80);
    for (int t = 0; t < 3; ++t) {
        std::copy(in.begin(), in.end(), b.rx.slot(b.layout.position(12)).begin());
        b.tick();
    }
    codecs::g711::decode_ulaw(b.tx.slot(b.layout.position(12)), back);
    EXPECT_NEAR(rms(back), rms(sine), 100);
}

TEST(network_signal, when_ringback_plays_on_a_connection_then_the_far_line_hears_it_over_rtp) {
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    auto a = b.engine->create_connection(b.ts(1), p);
    auto c = b.engine->create_connection(b.ts(2), p);
    ASSERT_TRUE(a && c && join(*b.engine, *a, *c));
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::ringback, 0, a->id));
    std::vector<std::int16_t> far, near;
    std::array<std::int16_t, 80> block{};
    for (int t = 0; t < 150; ++t) {
        b.tick();
        b.get(2, block);
        if (t >= 20) far.insert(far.end(), block.begin(), block.end());
        b.get(1, block);
        near.insert(near.end(), block.begin(), block.end());
    }
    // The far line (ts 2, through RTP and the jitter buffer) hears 425 Hz; the near line does
    // not hear the ringback (it hears what ts 2 sends: silence).
    const auto burst = first_burst(far, 200);
    ASSERT_FALSE(burst.empty());
    EXPECT_NEAR(peak_hz(burst), 425, 3);
    EXPECT_LT(share_at(near, 425), 0.01);
}

TEST(network_signal, when_a_virtual_endpoint_plays_a_line_signal_then_its_connections_send_it) {
    e1_bench b(/*virtual_endpoints=*/1);
    auto p = params_for("PCMA", 8, 20);
    auto line_side = b.engine->create_connection(b.ts(3), p);
    auto virt = b.engine->create_connection(*b.engine->find_endpoint("rtp/1"), p);
    ASSERT_TRUE(line_side && virt && join(*b.engine, *line_side, *virt));
    ASSERT_TRUE(b.engine->play_signal(*b.engine->find_endpoint("rtp/1"), signal_tone::congestion));
    const auto x = capture(b, 3, 150);
    const auto burst = first_burst(std::span<const std::int16_t>(x).subspan(8 * 200), 200);
    ASSERT_FALSE(burst.empty());
    EXPECT_NEAR(peak_hz(burst), 425, 3);
}

TEST(network_signal, when_the_connection_signal_is_stopped_then_the_far_line_hears_the_near_line_again) {
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    auto a = b.engine->create_connection(b.ts(1), p);
    auto c = b.engine->create_connection(b.ts(2), p);
    ASSERT_TRUE(a && c && join(*b.engine, *a, *c));
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::continuity, 0, a->id));
    std::array<std::int16_t, 80> talk{}, block{};
    std::vector<std::int16_t> during, after;
    double phase = 0;
    for (int t = 0; t < 200; ++t) {
        if (t == 100) {
            ASSERT_TRUE(b.engine->stop_signal(b.ts(1), signal_tone::continuity, a->id));
        }
        phase = codecs::audio::fill_sine(talk, 600.0, 6000.0, 8000, phase);  // ts 1's talker
        b.put(1, talk);
        b.tick();
        b.get(2, block);
        if (t >= 40 && t < 100) during.insert(during.end(), block.begin(), block.end());
        if (t >= 150) after.insert(after.end(), block.begin(), block.end());
    }
    // While R/co1@a plays, the far line hears 2010 Hz instead of the talker; afterwards the talker.
    EXPECT_NEAR(peak_hz(during), 2010, 3);
    EXPECT_LT(share_at(during, 600), 0.01);
    EXPECT_NEAR(peak_hz(after), 600, 3);
}

TEST(signals, when_quiet_termination_is_on_then_the_line_hears_nothing_of_the_connection) {
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    auto a = b.engine->create_connection(b.ts(1), p);
    auto c = b.engine->create_connection(b.ts(2), p);
    ASSERT_TRUE(a && c && join(*b.engine, *a, *c));
    std::array<std::int16_t, 80> talk{}, block{};
    std::vector<std::int16_t> before, quiet;
    double phase = 0;
    for (int t = 0; t < 160; ++t) {
        if (t == 80) {
            ASSERT_TRUE(b.engine->play_signal(b.ts(2), signal_tone::quiet));
        }
        phase = codecs::audio::fill_sine(talk, 600.0, 6000.0, 8000, phase);
        b.put(1, talk);
        b.tick();
        b.get(2, block);
        if (t >= 40 && t < 80) before.insert(before.end(), block.begin(), block.end());
        if (t >= 81) quiet.insert(quiet.end(), block.begin(), block.end());
    }
    EXPECT_NEAR(peak_hz(before), 600, 3);  // the talker reached ts 2 ...
    EXPECT_LT(rms(quiet), 50);             // ... until T/qt silenced the line
}

TEST(continuity, when_r_co1_on_a_connection_comes_back_over_rtp_then_it_is_reported_for_that_connection) {
    // The far end (ts 2's connection) is in netwloop: it returns what it receives.
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    auto a = b.engine->create_connection(b.ts(1), p);
    p.mode = media::connection_mode::netwloop;
    auto c = b.engine->create_connection(b.ts(2), p);
    ASSERT_TRUE(a && c && join(*b.engine, *a, *c));
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::continuity, 0, a->id));
    (void)capture(b, 1, 100);
    int reports = 0;
    while (auto ev = b.engine->next_event())
        if (ev->kind == media::media_event_kind::continuity_tone && ev->connection == a->id) ++reports;
    EXPECT_EQ(reports, 1);
}

TEST(continuity, when_r_co1_goes_to_a_far_end_that_does_not_loop_then_nothing_is_reported) {
    e1_bench b;
    auto p = params_for("PCMA", 8, 20);
    auto a = b.engine->create_connection(b.ts(1), p);
    auto c = b.engine->create_connection(b.ts(2), p);  // sendrecv: plays it to its line only
    ASSERT_TRUE(a && c && join(*b.engine, *a, *c));
    ASSERT_TRUE(b.engine->play_signal(b.ts(1), signal_tone::continuity, 0, a->id));
    (void)capture(b, 1, 100);
    bool reported = false;
    while (auto ev = b.engine->next_event())
        reported = reported || ev->kind == media::media_event_kind::continuity_tone;
    EXPECT_FALSE(reported);
}

}  // namespace
}  // namespace tandem::gateway::test
