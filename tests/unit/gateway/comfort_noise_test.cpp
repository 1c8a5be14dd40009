/// RFC 3389 comfort noise received on a G.711 leg: after a CN packet the timeslot hears noise
/// at the packet's level instead of silence; without CN negotiated the packet is a decode error.
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cmath>

#include <gtest/gtest.h>

#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

/// Sends hand-made RTP packets to 127.0.0.1:port.
class rtp_sender {
public:
    explicit rtp_sender(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
        to_.sin_family = AF_INET;
        to_.sin_port = htons(port);
        to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    ~rtp_sender() { ::close(fd_); }
    void send(std::uint8_t pt, std::uint32_t ts, std::span<const std::uint8_t> payload) {
        std::vector<std::uint8_t> p(12 + payload.size());
        p[0] = 0x80;
        p[1] = pt;
        p[2] = static_cast<std::uint8_t>(seq_ >> 8);
        p[3] = static_cast<std::uint8_t>(seq_);
        for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[8] = 0x5a;
        std::copy(payload.begin(), payload.end(), p.begin() + 12);
        ++seq_;
        (void)::sendto(fd_, p.data(), p.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_);
    }

private:
    int fd_;
    sockaddr_in to_{};
    std::uint16_t seq_ = 1;
};

struct outcome {
    double rms_after = 0;  ///< of the timeslot over the last 300 ms
    media::connection_statistics stats;
};

/// 200 ms of a 1 kHz PCMU tone, then one CN packet of level `cn_level` (-dBov), then 700 ms
/// of nothing; what the timeslot carries at the end.
outcome play(bool cn_negotiated, std::uint8_t cn_level) {
    e1_bench bench;
    auto p = params_for("PCMU", 0, 20);
    p.mode = media::connection_mode::recvonly;
    if (cn_negotiated) p.codec.comfort_noise_payload_type = 13;
    auto conn = bench.engine->create_connection(bench.ts(1), p);
    EXPECT_TRUE(conn.has_value());
    rtp_sender peer(conn->local_port);
    std::vector<std::int16_t> tone(160), line(80);
    std::vector<std::uint8_t> payload(160);
    std::uint32_t ts = 0;
    double sum = 0;
    std::size_t n = 0;
    for (int t = 0; t < 90; ++t) {
        if (t % 2 == 0 && t < 20) {
            for (std::size_t i = 0; i < tone.size(); ++i)
                tone[i] = static_cast<std::int16_t>(3000.0 * std::sin(2 * M_PI * 1000.0 * static_cast<double>(ts + i) / 8000.0));
            codecs::g711::encode_ulaw(tone, payload);
            peer.send(0, ts, payload);
            ts += 160;
        }
        if (t == 20) {
            const std::uint8_t cn[] = {cn_level};  // level only: white noise (RFC 3389 §3.1)
            peer.send(13, ts, cn);
        }
        bench.tick();
        bench.get(1, line);
        if (t >= 60)
            for (auto s : line) {
                sum += static_cast<double>(s) * s;
                ++n;
            }
    }
    return {std::sqrt(sum / static_cast<double>(n)), *bench.engine->statistics(conn->id)};
}

TEST(comfort_noise, when_a_cn_packet_follows_the_audio_then_the_line_hears_noise_at_its_level) {
    const auto o = play(true, 50);
    // -50 dBov against the µ-law full scale (RFC 3389 §3.1): RMS 32124 * 10^(-50/20) = 101.6.
    const double expected = 32124.0 * std::pow(10.0, -50.0 / 20.0);
    EXPECT_NEAR(20 * std::log10(o.rms_after / expected), 0.0, 2.0) << "RMS " << o.rms_after;
    EXPECT_EQ(o.stats.comfort_noise_received, 1u);
    EXPECT_EQ(o.stats.decode_errors, 0u);
}

TEST(comfort_noise, when_the_level_is_lower_then_the_noise_is_quieter_by_as_much) {
    const auto loud = play(true, 40);
    const auto quiet = play(true, 60);
    EXPECT_NEAR(20 * std::log10(loud.rms_after / quiet.rms_after), 20.0, 2.0)
        << loud.rms_after << " vs " << quiet.rms_after;
}

TEST(comfort_noise, when_cn_was_not_negotiated_then_the_packet_is_a_decode_error_and_the_line_goes_silent) {
    const auto o = play(false, 50);
    EXPECT_LT(o.rms_after, 10.0);
    EXPECT_EQ(o.stats.comfort_noise_received, 0u);
    EXPECT_EQ(o.stats.decode_errors, 1u);
}

}  // namespace
}  // namespace tandem::gateway::test
