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

}  // namespace

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
  std::mt19937 rng{std::random_device{}()};
  for (const auto& g : lab.gateways) {
    port_allocation::gateway_ports p;
    p.mgcp = held.bind(SOCK_DGRAM, 0);
    if (p.mgcp == 0) return make_unexpected(fmt::format("no free UDP port for gateway {}", g.name));
    const unsigned width = rtp_ports_per_span * static_cast<unsigned>(std::max<std::size_t>(1, lab.gateway_spans(g.name).size()));
    // RTP uses even ports for RTP and the next odd one for RTCP: an even base.
    std::uniform_int_distribution<unsigned> base_of(15'000, (60'000 - width) / 2);
    bool found = false;
    for (int attempt = 0; attempt < 50 && !found; ++attempt) {
      const unsigned base = base_of(rng) * 2;
      unsigned bound = 0;
      while (bound < width && held.bind(SOCK_DGRAM, static_cast<std::uint16_t>(base + bound)) != 0) ++bound;
      if (bound == width) {
        p.rtp_min = static_cast<std::uint16_t>(base);
        p.rtp_max = static_cast<std::uint16_t>(base + width - 1);
        found = true;
      } else {
        held.drop_last(bound);
      }
    }
    if (!found) return make_unexpected(fmt::format("no free range of {} UDP ports for gateway {}", width, g.name));
    out.gateways[g.name] = p;
  }
  return out;
}

}  // namespace tandem::lab::runner
