#pragma once
/// A man in the middle on 127.0.0.1: a connection sends to the relay, the test looks at every
/// datagram (RTP header, RFC 4733 events), drops some if it wants, and forwards the rest.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>

namespace tandem::gateway::test {

struct rtp_view {
    std::uint8_t payload_type = 0;
    bool marker = false;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::span<const std::uint8_t> payload;
};

class udp_relay {
public:
    udp_relay() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        ::fcntl(fd_, F_SETFL, O_NONBLOCK);
    }
    ~udp_relay() { ::close(fd_); }
    udp_relay(const udp_relay&) = delete;
    udp_relay& operator=(const udp_relay&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }

    /// Reads every waiting datagram (bounded), shows it to `keep`, forwards it to `to_port`
    /// when `keep` says so. Returns the number read.
    int pump(std::uint16_t to_port, const std::function<bool(const rtp_view&)>& keep) {
        int n = 0;
        for (; n < 64; ++n) {
            const auto len = ::recv(fd_, buf_.data(), buf_.size(), 0);
            if (len < 12) break;
            rtp_view v;
            v.marker = (buf_[1] & 0x80) != 0;
            v.payload_type = buf_[1] & 0x7f;
            v.sequence = static_cast<std::uint16_t>((buf_[2] << 8) | buf_[3]);
            v.timestamp = (std::uint32_t{buf_[4]} << 24) | (std::uint32_t{buf_[5]} << 16) |
                          (std::uint32_t{buf_[6]} << 8) | buf_[7];
            const std::size_t header = 12 + 4u * (buf_[0] & 0x0f);
            if (static_cast<std::size_t>(len) >= header)
                v.payload = std::span<const std::uint8_t>(buf_.data() + header, static_cast<std::size_t>(len) - header);
            if (keep(v)) {
                sockaddr_in d{};
                d.sin_family = AF_INET;
                d.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                d.sin_port = htons(to_port);
                ::sendto(fd_, buf_.data(), static_cast<std::size_t>(len), 0, reinterpret_cast<sockaddr*>(&d), sizeof d);
            }
        }
        return n;
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::array<std::uint8_t, 2048> buf_{};
};

}  // namespace tandem::gateway::test
