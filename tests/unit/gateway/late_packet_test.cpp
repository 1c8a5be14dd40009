/// A packet that reaches the playout one tick after its audio was due (the sender's clock
/// stepped, or the jitter buffer grew by a tick) must still be heard: the playout slips by the
/// concealed tick, it does not drop the packet. Seen in tests/system/sip: sipp replays
/// g711a.pcap with the capture's own jitter (gaps of 25-35 ms); at one packet 4 ms late the
/// exchange recorded 60 ms of the pcap missing, 70 ms concealed and the rest 10 ms later.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "codecs/g711.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

constexpr std::size_t packet_samples = 240;  // 30 ms of PCMA, as sipp sends it

/// Audio that survives A-law exactly (every sample is an A-law code point), never periodic.
std::vector<std::uint8_t> alaw_noise(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    std::uint32_t x = 2024;
    for (auto& c : out) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<std::uint8_t>((x >> 24) | 0x20);  // away from the quietest codes
    }
    return out;
}

/// Sends RTP (RFC 3550 §5.1: V=2, PT 8) from a socket of its own to the gateway's port.
class rtp_sender {
public:
    explicit rtp_sender(std::uint16_t to) : to_(to) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~rtp_sender() { ::close(fd_); }
    rtp_sender(const rtp_sender&) = delete;
    rtp_sender& operator=(const rtp_sender&) = delete;
    [[nodiscard]] std::uint16_t port() const { return port_; }

    void send(std::uint16_t seq, std::uint32_t ts, std::span<const std::uint8_t> payload) {
        std::vector<std::uint8_t> d = {0x80, 8, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
                                       static_cast<std::uint8_t>(ts >> 24), static_cast<std::uint8_t>(ts >> 16),
                                       static_cast<std::uint8_t>(ts >> 8), static_cast<std::uint8_t>(ts),
                                       0x12, 0x34, 0x56, 0x78};
        d.insert(d.end(), payload.begin(), payload.end());
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(to_);
        ::sendto(fd_, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t to_ = 0;
};

/// Samples of each packet that must reach the line unchanged: its middle. Concealment
/// (G.711 Appendix I style) cross-fades into the tail of the packet before a gap and the head
/// of the one after it, so those samples legitimately differ.
constexpr std::size_t kept_from = 40, kept_to = 200;

/// The sent packets whose middle is not found, sample-exact, in what the line got.
std::vector<std::size_t> packets_not_heard(const std::vector<std::int16_t>& sent, const std::vector<std::int16_t>& line) {
    std::multimap<std::uint64_t, std::size_t> at;  // 4 samples -> positions in the line
    auto key = [](const std::int16_t* p) {
        return (std::uint64_t(std::uint16_t(p[0])) << 48) | (std::uint64_t(std::uint16_t(p[1])) << 32) |
               (std::uint64_t(std::uint16_t(p[2])) << 16) | std::uint16_t(p[3]);
    };
    for (std::size_t i = 0; i + 4 <= line.size(); ++i) at.emplace(key(&line[i]), i);
    std::vector<std::size_t> missing;
    const std::size_t n = kept_to - kept_from;
    for (std::size_t p = 0; p + packet_samples <= sent.size(); p += packet_samples) {
        const auto first = sent.begin() + static_cast<std::ptrdiff_t>(p + kept_from);
        bool found = false;
        auto [lo, hi] = at.equal_range(key(&*first));
        for (auto it = lo; it != hi && !found; ++it)
            found = it->second + n <= line.size() &&
                    std::equal(first, first + static_cast<std::ptrdiff_t>(n), line.begin() + static_cast<std::ptrdiff_t>(it->second));
        if (!found) missing.push_back(p / packet_samples);
    }
    return missing;
}

TEST(late_packet, when_the_stream_arrives_one_tick_later_from_some_packet_on_then_no_packet_is_lost) {
    e1_bench bench;
    auto b = bench.engine->create_connection(bench.ts(2), params_for("PCMA", 8, 30));
    ASSERT_TRUE(b);
    rtp_sender peer(b->local_port);
    ASSERT_TRUE(bench.engine->modify_connection(b->id, remote_port(peer.port())));

    constexpr std::size_t packets = 200, step_at = 100;
    const auto payload = alaw_noise(packets * packet_samples);
    std::vector<std::int16_t> sent(payload.size());
    codecs::g711::decode_alaw(payload, sent);

    std::vector<std::int16_t> line;
    std::array<std::int16_t, 80> out{};
    std::size_t next = 0;
    for (unsigned t = 0; t < packets * 3 + 40; ++t) {
        // Packet n is due before tick 3n; from `step_at` on, one tick (10 ms) later.
        while (next < packets && 3 * next + (next >= step_at ? 1 : 0) == t) {
            peer.send(static_cast<std::uint16_t>(1000 + next), static_cast<std::uint32_t>(5000 + next * packet_samples),
                      std::span<const std::uint8_t>(payload).subspan(next * packet_samples, packet_samples));
            ++next;
        }
        bench.tick();
        bench.get(2, out);
        line.insert(line.end(), out.begin(), out.end());
    }
    const auto s = bench.engine->statistics(b->id);
    ASSERT_TRUE(s);
    const auto missing = packets_not_heard(sent, line);
    std::string which;
    for (auto m : missing) which += " " + std::to_string(m);
    std::printf("PR %llu, late %llu, resyncs %llu, frames concealed %llu, packets not heard %zu of %zu:%s\n",
                static_cast<unsigned long long>(s->packets_received), static_cast<unsigned long long>(s->late_packets),
                static_cast<unsigned long long>(s->playout_resyncs),
                static_cast<unsigned long long>(s->frames_concealed), missing.size(), packets, which.c_str());
    EXPECT_EQ(s->packets_received, packets);
    EXPECT_TRUE(missing.empty()) << "packets not heard:" << which;
    EXPECT_EQ(s->late_packets, 0u);  // every packet was played, none dropped as late
}

}  // namespace
}  // namespace tandem::gateway::test
