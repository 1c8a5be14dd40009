#include "ops/ctl/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::ops::ctl {
namespace {

/// Closes the descriptor on every path out.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

client_error error_of(client_error::kind k, std::string text) { return {k, std::move(text)}; }

}  // namespace

expected<std::string, client_error> exchange(const std::string& socket_path, const std::string& request_line,
                                             std::chrono::milliseconds timeout) {
  using kind = client_error::kind;
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof(addr.sun_path))
    return make_unexpected(error_of(kind::io, "socket path too long: " + socket_path));
  fd_guard s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return make_unexpected(error_of(kind::io, std::string("socket: ") + std::strerror(errno)));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int e = errno;
    const auto why = socket_path + ": " + std::strerror(e);
    if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR) return make_unexpected(error_of(kind::not_running, why));
    if (e == EACCES || e == EPERM) return make_unexpected(error_of(kind::denied, why));
    return make_unexpected(error_of(kind::io, why));
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait_for = [&](short events) -> expected<void, client_error> {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_unexpected(error_of(kind::timeout, "no response within the time-out"));
    pollfd p{s.fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n == 0) return make_unexpected(error_of(kind::timeout, "no response within the time-out"));
    if (n < 0 && errno != EINTR) return make_unexpected(error_of(kind::io, std::string("poll: ") + std::strerror(errno)));
    return {};
  };

  const std::string out = request_line + "\n";
  for (std::size_t sent = 0; sent < out.size();) {
    if (auto w = wait_for(POLLOUT); !w) return make_unexpected(w.error());
    const auto n = ::send(s.fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EINTR && errno != EAGAIN)
      return make_unexpected(error_of(kind::io, std::string("send: ") + std::strerror(errno)));
    if (n > 0) sent += static_cast<std::size_t>(n);
  }

  std::string in;
  char buf[4096];
  while (true) {
    if (auto nl = in.find('\n'); nl != std::string::npos) return in.substr(0, nl);
    if (auto w = wait_for(POLLIN); !w) return make_unexpected(w.error());
    const auto n = ::recv(s.fd, buf, sizeof(buf), 0);
    if (n == 0) return make_unexpected(error_of(kind::io, "the daemon closed the connection without answering"));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return make_unexpected(error_of(kind::io, std::string("recv: ") + std::strerror(errno)));
    }
    in.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace tandem::ops::ctl
