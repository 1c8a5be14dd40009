/// DTMF: in-band digits on A's timeslot -> RFC 4733 events on the wire -> regenerated tones on
/// B's timeslot, detected there by an independent spandsp receiver. The codec is G.729, which
/// does not carry DTMF in band reliably: only the relay can make the digits arrive.
#include <gtest/gtest.h>
#include <spandsp.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/udp_relay.hpp"

namespace tandem::gateway::test {
namespace {

struct event_on_wire {
    std::uint32_t timestamp = 0;
    std::uint8_t event = 0;
    bool marker_seen = false;
    unsigned packets = 0;
    unsigned end_packets = 0;
    std::uint16_t end_duration = 0;
    std::uint16_t max_duration = 0;
    bool durations_grow = true;
    std::uint16_t last_duration = 0;
};

struct dtmf_run {
    std::vector<event_on_wire> events;  // in order of first appearance
    std::string digits_at_b;
    std::vector<media::media_event> reported;
    unsigned audio_packets = 0;
    unsigned other_payload_types = 0;
};

/// `relay`: A sends RFC 4733; `b_relays`: B knows the telephone-event type (plays events).
dtmf_run run(const std::string& digits, bool relay, bool b_relays = true, const char* codec = "G729",
             std::uint8_t pt = 18) {
    dtmf_run out;
    e1_bench bench;
    const std::optional<std::uint8_t> tev = relay ? std::optional<std::uint8_t>(101) : std::nullopt;
    auto p = params_for(codec, pt, 20, tev);
    auto a = bench.engine->create_connection(bench.ts(1), p);
    if (!b_relays) p.telephone_event_payload_type.reset();
    auto b = bench.engine->create_connection(bench.ts(2), p);
    EXPECT_TRUE(a && b);
    udp_relay wire;  // A -> wire -> B; B -> A directly
    EXPECT_TRUE(bench.engine->modify_connection(a->id, remote_port(wire.port())));
    EXPECT_TRUE(bench.engine->modify_connection(b->id, remote_port(a->local_port)));

    dtmf_tx_state_t* gen = dtmf_tx_init(nullptr);
    dtmf_tx_set_timing(gen, 80, 80);  // 80 ms tones, 80 ms pauses
    dtmf_tx_put(gen, digits.c_str(), static_cast<int>(digits.size()));
    dtmf_rx_state_t* det = dtmf_rx_init(nullptr, nullptr, nullptr);

    std::map<std::uint32_t, std::size_t> by_ts;
    std::array<std::int16_t, 80> in{}, outb{};
    const int ticks = static_cast<int>(digits.size()) * 16 + 100;
    for (int t = 0; t < ticks; ++t) {
        in.fill(0);
        const int n = dtmf_tx(gen, in.data(), 80);
        (void)n;
        bench.put(1, in);
        bench.tick();
        wire.pump(b->local_port, [&](const rtp_view& v) {
            if (v.payload_type == pt) {
                ++out.audio_packets;
                return true;
            }
            if (v.payload_type != 101 || v.payload.size() < 4) {
                ++out.other_payload_types;
                return true;
            }
            auto [it, fresh] = by_ts.try_emplace(v.timestamp, out.events.size());
            if (fresh) out.events.push_back(event_on_wire{v.timestamp, v.payload[0]});
            auto& e = out.events[it->second];
            const bool end = (v.payload[1] & 0x80) != 0;
            const auto dur = static_cast<std::uint16_t>((v.payload[2] << 8) | v.payload[3]);
            ++e.packets;
            if (v.marker) e.marker_seen = true;
            if (dur < e.last_duration) e.durations_grow = false;
            e.last_duration = dur;
            e.max_duration = std::max(e.max_duration, dur);
            if (end) {
                ++e.end_packets;
                e.end_duration = dur;
            }
            return true;
        });
        bench.get(2, outb);
        dtmf_rx(det, outb.data(), 80);
    }
    char got[64] = {};
    const auto len = dtmf_rx_get(det, got, 63);
    out.digits_at_b.assign(got, len);
    while (auto ev = bench.engine->next_event()) out.reported.push_back(*ev);
    dtmf_tx_free(gen);
    dtmf_rx_free(det);
    return out;
}

TEST(dtmf_relay, when_digits_are_dialled_in_band_then_rfc4733_events_carry_them_to_b) {
    const std::string digits = "0123456789*#";
    const auto r = run(digits, true);
    std::printf("wire: %zu events, %u audio packets; B detected \"%s\"\n", r.events.size(),
                r.audio_packets, r.digits_at_b.c_str());
    for (const auto& e : r.events)
        std::printf("  event %2u ts %u: %u packets, marker %d, %u end packets, end duration %u\n",
                    e.event, e.timestamp, e.packets, e.marker_seen, e.end_packets, e.end_duration);
    ASSERT_EQ(r.events.size(), digits.size());
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const auto& e = r.events[i];
        EXPECT_EQ(e.event, i) << "RFC 4733 §3.2: '0'-'9' are 0-9, '*' 10, '#' 11";
        EXPECT_TRUE(e.marker_seen) << "RFC 4733 §2.5.1.2: marker on the first packet";
        EXPECT_EQ(e.end_packets, 3u) << "RFC 4733 §2.5.1.4: the end is sent three times";
        EXPECT_TRUE(e.durations_grow);
        // 80 ms tones = 640 timestamp units; detection moves both edges by a few ticks.
        EXPECT_GE(e.end_duration, 400);  // measured 480..640
        EXPECT_LE(e.end_duration, 800);
        EXPECT_EQ(e.end_duration, e.max_duration);
        if (i > 0) {
            EXPECT_GT(e.timestamp - r.events[i - 1].timestamp, 1100u);  // 160 ms apart
            EXPECT_LT(e.timestamp - r.events[i - 1].timestamp, 1460u);
        }
    }
    EXPECT_EQ(r.other_payload_types, 0u);
    EXPECT_EQ(r.digits_at_b, digits);
    std::string reported;
    for (const auto& ev : r.reported)
        if (ev.kind == media::media_event_kind::dtmf_digit) reported += ev.digit;
    EXPECT_EQ(reported, digits) << "every digit is reported to the control plane (NTFY)";
}

TEST(dtmf_relay, when_rfc4733_is_negotiated_then_the_audio_stream_carries_no_detectable_dtmf) {
    // B does not play the events: what reaches its line is the audio stream alone, in G.711,
    // which would carry any DTMF A let through.
    const std::string digits = "0123456789*#";
    const auto r = run(digits, true, false, "PCMA", 8);
    std::printf("audio stream alone (PCMA): B detected \"%s\"\n", r.digits_at_b.c_str());
    EXPECT_EQ(r.events.size(), digits.size());
    EXPECT_EQ(r.digits_at_b, "");
}

TEST(dtmf_relay, when_rfc4733_is_not_negotiated_then_no_events_are_sent_but_digits_are_reported) {
    const std::string digits = "159#";
    const auto r = run(digits, false);
    std::printf("no relay over G.729: B detected \"%s\"\n", r.digits_at_b.c_str());
    EXPECT_TRUE(r.events.empty());
    std::string reported;
    for (const auto& ev : r.reported)
        if (ev.kind == media::media_event_kind::dtmf_digit) reported += ev.digit;
    EXPECT_EQ(reported, digits);
}

}  // namespace
}  // namespace tandem::gateway::test
