#include "lab/runner/topology/ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

namespace tandem::lab::runner {

namespace {

/// Sockets held open while ports are picked; closed on destruction.
class port_holder {
 public:
  port_holder() = default;
  port_holder(const port_holder&) = delete;
  port_holder& operator=(const port_holder&) = delete;
  ~port_holder() {
    for (int fd : fds_) ::close(fd);
  }

  /// Binds 127.0.0.1:`port` (0: any); the bound port, or 0 when it is taken.
  std::uint16_t bind(int type, std::uint16_t port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(fd);
      return 0;
    }
    fds_.push_back(fd);
    return ntohs(a.sin_port);
  }

  /// Releases the last `n` sockets (a range that did not fit).
  void drop_last(std::size_t n) {
    for (std::size_t i = 0; i < n && !fds_.empty(); ++i) {
      ::close(fds_.back());
      fds_.pop_back();
    }
  }

 private:
  std::vector<int> fds_;
};

/// An even base with `width` consecutive free UDP ports, held by `held`; 0 when none found.
std::uint16_t find_range(port_holder& held, std::mt19937& rng, unsigned width) {
  std::uniform_int_distribution<unsigned> base_of(15'000, (60'000 - width) / 2);
  for (int attempt = 0; attempt < 50; ++attempt) {
    const unsigned base = base_of(rng) * 2;
    unsigned bound = 0;
    while (bound < width && held.bind(SOCK_DGRAM, static_cast<std::uint16_t>(base + bound)) != 0) ++bound;
    if (bound == width) return static_cast<std::uint16_t>(base);
    held.drop_last(bound);
  }
  return 0;
}

std::mt19937& random_engine() {
  static std::mt19937 rng{std::random_device{}()};
  return rng;
}

}  // namespace

std::uint16_t free_udp_port() {
  port_holder held;
  return held.bind(SOCK_DGRAM, 0);
}

std::uint16_t free_media_port() {
  port_holder held;
  return find_range(held, random_engine(), 4);
}

expected<port_allocation, std::string> allocate_ports(const lab_config& lab) {
  port_allocation out;
  if (!lab.call_agent) return out;
  port_holder held;
  out.ca_mgcp = held.bind(SOCK_DGRAM, 0);
  out.ca_backhaul = held.bind(SOCK_STREAM, 0);
  if (out.ca_mgcp == 0 || out.ca_backhaul == 0) return make_unexpected("no free port on 127.0.0.1 for the call agent");
  for (const auto& e : lab.exchanges) {
    const auto port = held.bind(SOCK_STREAM, 0);
    if (port == 0) return make_unexpected(fmt::format("no free TCP port for exchange {}", e.name));
    out.exchange_control[e.name] = port;
  }
  auto& rng = random_engine();
  for (const auto& g : lab.gateways) {
    port_allocation::gateway_ports p;
    p.mgcp = held.bind(SOCK_DGRAM, 0);
    if (p.mgcp == 0) return make_unexpected(fmt::format("no free UDP port for gateway {}", g.name));
    const unsigned width = rtp_ports_per_span * static_cast<unsigned>(std::max<std::size_t>(1, lab.gateway_spans(g.name).size()));
    // RTP uses even ports for RTP and the next odd one for RTCP: an even base.
    const auto base = find_range(held, rng, width);
    if (base == 0) return make_unexpected(fmt::format("no free range of {} UDP ports for gateway {}", width, g.name));
    p.rtp_min = base;
    p.rtp_max = static_cast<std::uint16_t>(base + width - 1);
    out.gateways[g.name] = p;
  }
  if (!lab.sip_peers.empty()) {
    // The call agent's SIP port serves UDP and TCP: free for both.
    for (int attempt = 0; attempt < 50 && out.ca_sip == 0; ++attempt) {
      const auto port = held.bind(SOCK_DGRAM, 0);
      if (port != 0 && held.bind(SOCK_STREAM, port) != 0) out.ca_sip = port;
    }
    if (out.ca_sip == 0) return make_unexpected("no free SIP port (UDP and TCP) for the call agent");
  }
  for (const auto& s : lab.sip_peers) {
    port_allocation::sip_ports p;
    p.sip = held.bind(SOCK_DGRAM, 0);
    p.media = find_range(held, rng, 4);
    if (p.sip == 0 || p.media == 0) return make_unexpected(fmt::format("no free UDP ports for SIP user agent {}", s.name));
    out.sip_peers[s.name] = p;
  }
  return out;
}

}  // namespace tandem::lab::runner
