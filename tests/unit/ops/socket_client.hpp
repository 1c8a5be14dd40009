#pragma once
/// A blocking test client for 127.0.0.1 TCP and Unix sockets, with a receive time-out so that a
/// test never hangs on a server that does not answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace tandem::ops::test {

class socket_client {
 public:
  static socket_client tcp(std::uint16_t port) {
    socket_client c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c.connected_ = ::connect(c.fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    return c;
  }
  static socket_client unix_stream(const std::string& path) {
    socket_client c(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
    c.connected_ = ::connect(c.fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    return c;
  }
  socket_client(socket_client&& o) noexcept : fd_(o.fd_), connected_(o.connected_) { o.fd_ = -1; }
  socket_client(const socket_client&) = delete;
  ~socket_client() {
    if (fd_ >= 0) ::close(fd_);
  }

  [[nodiscard]] bool connected() const { return connected_; }

  bool send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads until the peer closes, the time-out passes, or `stop_at` is seen.
  std::string receive(const std::string& stop_at = {}) {
    std::string out;
    char buf[4096];
    while (true) {
      if (!stop_at.empty() && out.find(stop_at) != std::string::npos) return out;
      const auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

  /// Whether the peer closes the connection (reads until EOF or reset) before our receive
  /// time-out; false if it is still open when the time-out passes.
  bool closed_by_peer() {
    char buf[4096];
    while (true) {
      const auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

  /// One line (without newline), or "" on close/time-out.
  std::string line() {
    while (true) {
      if (auto nl = pending_.find('\n'); nl != std::string::npos) {
        auto l = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return l;
      }
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return {};
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  explicit socket_client(int fd) : fd_(fd) {
    timeval tv{5, 0};  // a bound, not a measurement: tests never wait longer for an answer
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  int fd_;
  bool connected_ = false;
  std::string pending_;
};

}  // namespace tandem::ops::test
