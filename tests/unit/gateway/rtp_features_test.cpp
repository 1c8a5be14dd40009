/// RTP features of a connection: symmetric RTP latching, RTCP reports, RTP timeout events,
/// codec change by MDCX, G.729 Annex B silence suppression with comfort noise at the far end.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <thread>

#include "codecs/audio/measure.hpp"
#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/udp_relay.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

/// A's SDP gave a wrong (say NAT-private) address: without latching its packets go nowhere;
/// with latching it answers to where B's packets come from.
std::uint64_t received_by_b(bool latch) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    p.latch_remote = latch;
    auto a = bench.engine->create_connection(bench.ts(1), p);
    p.latch_remote = false;
    auto b = bench.engine->create_connection(bench.ts(2), p);
    EXPECT_TRUE(a && b);
    udp_relay black_hole;  // bound, never read: the "private address" of A's peer
    EXPECT_TRUE(bench.engine->modify_connection(a->id, remote_port(black_hole.port())));
    EXPECT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));
    for (int t = 0; t < 50; ++t) bench.tick();
    return bench.engine->statistics(b->id)->packets_received;
}

TEST(latching, when_symmetric_rtp_is_on_then_a_answers_to_the_source_of_b_packets) {
    const auto with = received_by_b(true);
    const auto without = received_by_b(false);
    std::printf("B received %llu packets with latching, %llu without\n",
                static_cast<unsigned long long>(with), static_cast<unsigned long long>(without));
    EXPECT_GT(with, 20u);
    EXPECT_EQ(without, 0u);
}

TEST(rtcp, when_media_flows_then_sender_and_receiver_reports_are_exchanged) {
    e1_bench bench;
    auto p = params_for("PCMU", 0, 20);
    p.rtcp_interval = std::chrono::milliseconds(100);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b && join(*bench.engine, *a, *b));
    // oRTP schedules RTCP on its own (wall) clock: tick at about real time, bounded.
    for (int t = 0; t < 300; ++t) {
        bench.tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const auto sa = bench.engine->statistics(a->id);
        const auto sb = bench.engine->statistics(b->id);
        if (sa->rtcp_sent > 1 && sb->rtcp_received > 1 && sb->rtcp_sent > 1 && sa->rtcp_received > 1) break;
    }
    const auto sa = bench.engine->statistics(a->id);
    const auto sb = bench.engine->statistics(b->id);
    std::printf("RTCP: A sent %llu received %llu; B sent %llu received %llu; A jitter %u ms, latency %u ms\n",
                static_cast<unsigned long long>(sa->rtcp_sent), static_cast<unsigned long long>(sa->rtcp_received),
                static_cast<unsigned long long>(sb->rtcp_sent), static_cast<unsigned long long>(sb->rtcp_received),
                sa->jitter_ms, sa->latency_ms);
    EXPECT_GT(sa->rtcp_sent, 0u);
    EXPECT_GT(sa->rtcp_received, 0u);
    EXPECT_GT(sb->rtcp_sent, 0u);
    EXPECT_GT(sb->rtcp_received, 0u);
}

TEST(rtp_timeout, when_nothing_arrives_for_the_timeout_then_it_is_reported_once_and_resumption_too) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    p.rtp_timeout = std::chrono::milliseconds(200);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    p.rtp_timeout = std::chrono::milliseconds(0);
    p.mode = media::connection_mode::inactive;
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b && join(*bench.engine, *a, *b));
    std::vector<media::media_event_kind> seen;
    auto run = [&](int ticks) {
        for (int t = 0; t < ticks; ++t) {
            bench.tick();
            while (auto ev = bench.engine->next_event())
                if (ev->connection == a->id) seen.push_back(ev->kind);
        }
    };
    run(15);
    EXPECT_TRUE(seen.empty()) << "150 ms of silence is below the 200 ms timeout";
    run(50);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], media::media_event_kind::rtp_timeout);
    ASSERT_TRUE(bench.engine->modify_connection(b->id, new_mode(media::connection_mode::sendrecv)));
    run(10);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1], media::media_event_kind::rtp_resumed);
}

TEST(mdcx, when_both_ends_change_codec_then_audio_keeps_flowing_in_the_new_codec) {
    e1_bench bench;
    auto p = params_for("PCMU", 0, 20);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b && join(*bench.engine, *a, *b));
    udp_relay unused;
    (void)unused;
    std::array<std::int16_t, 80> in{}, out{};
    double ph = 0;
    auto level = [&](int ticks) {
        std::vector<std::int16_t> heard;
        for (int t = 0; t < ticks; ++t) {
            ph = audio::fill_sine(in, 1000.0, 10000.0, 8000, ph);
            bench.put(1, in);
            bench.tick();
            bench.get(2, out);
            if (t >= ticks / 2) heard.insert(heard.end(), out.begin(), out.end());
        }
        return audio::level_dbov(heard);
    };
    EXPECT_GT(level(60), -20.0);
    media::connection_changes to_g729;
    to_g729.codec = media::codec_choice{*codec_registry().find("G729"), 18, std::chrono::milliseconds(20), false, std::nullopt};
    ASSERT_TRUE(bench.engine->modify_connection(a->id, to_g729));
    ASSERT_TRUE(bench.engine->modify_connection(b->id, to_g729));
    const double after = level(80);
    const auto sb = bench.engine->statistics(b->id);
    std::printf("after MDCX to G.729: level %.1f dBov at B, %llu decode errors\n", after,
                static_cast<unsigned long long>(sb->decode_errors));
    EXPECT_GT(after, -20.0);
    media::connection_changes bad;
    bad.codec = media::codec_choice{*codec_registry().find("G729"), 18, std::chrono::milliseconds(15), false, std::nullopt};
    EXPECT_EQ(bench.engine->modify_connection(a->id, bad).error(), media::media_error::unsupported_ptime);
}

TEST(g729_annex_b, when_the_line_goes_quiet_then_sid_frames_replace_speech_and_b_plays_comfort_noise) {
    e1_bench bench;
    auto p = params_for("G729", 18, 20);
    p.codec.vad = true;
    auto a = bench.engine->create_connection(bench.ts(1), p);
    p.codec.vad = false;
    auto b = bench.engine->create_connection(bench.ts(2), p);
    ASSERT_TRUE(a && b);
    udp_relay wire;
    ASSERT_TRUE(bench.engine->modify_connection(a->id, remote_port(wire.port())));
    ASSERT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));
    std::mt19937 rng(3);
    std::normal_distribution<double> hiss(0.0, 60.0);  // about -55 dBov background
    std::array<std::int16_t, 80> in{}, out{};
    double ph = 0;
    unsigned speech_packets = 0, sid_packets = 0, quiet_packets = 0, zero_blocks = 0;
    std::vector<std::int16_t> quiet_out;
    for (int t = 0; t < 300; ++t) {
        const bool talking = t < 100;
        if (talking) ph = audio::fill_sine(in, 700.0, 8000.0, 8000, ph);
        else
            for (auto& s : in) s = static_cast<std::int16_t>(hiss(rng));
        bench.put(1, in);
        bench.tick();
        wire.pump(b->local_port, [&](const rtp_view& v) {
            if (v.payload.size() % 10 == 2) ++sid_packets;
            else ++speech_packets;
            if (!talking) ++quiet_packets;
            return true;
        });
        bench.get(2, out);
        if (t >= 150) {
            quiet_out.insert(quiet_out.end(), out.begin(), out.end());
            if (audio::level_dbov(out) < -90.0) ++zero_blocks;
        }
    }
    std::printf("G.729B: %u speech packets, %u SID packets, %u packets in 2 s of quiet; "
                "B plays %.1f dBov during the quiet, %u digitally silent blocks\n",
                speech_packets, sid_packets, quiet_packets, audio::level_dbov(quiet_out), zero_blocks);
    EXPECT_GT(sid_packets, 0u);
    EXPECT_LT(quiet_packets, 40u) << "discontinuous transmission: far fewer than 100 packets";
    EXPECT_EQ(zero_blocks, 0u) << "comfort noise, not digital silence";
    EXPECT_LT(audio::level_dbov(quiet_out), -35.0);
}

}  // namespace
}  // namespace tandem::gateway::test
