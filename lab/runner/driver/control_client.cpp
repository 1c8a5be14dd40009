#include "lab/runner/driver/control_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tandem::lab::runner {

expected<control_client, std::string> control_client::connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_unexpected(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    auto err = fmt::format("connect 127.0.0.1:{}: {}", port, std::strerror(errno));
    ::close(fd);
    return make_unexpected(err);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return control_client(fd);
}

control_client::control_client(control_client&& o) noexcept
    : fd_(o.fd_), buffer_(std::move(o.buffer_)), events_(std::move(o.events_)), next_id_(o.next_id_) {
  o.fd_ = -1;
}

control_client& control_client::operator=(control_client&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    buffer_ = std::move(o.buffer_);
    events_ = std::move(o.events_);
    next_id_ = o.next_id_;
    o.fd_ = -1;
  }
  return *this;
}

control_client::~control_client() { close(); }

void control_client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool control_client::read_some(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
  if (r <= 0) return false;
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
    close();
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

void control_client::pump(std::chrono::milliseconds wait) {
  // Lines a request() read past its response are already in the buffer: no wait for those.
  auto deadline = std::chrono::steady_clock::now() + (buffer_.find('\n') == std::string::npos ? wait : std::chrono::milliseconds{0});
  if (read_some(deadline)) {
    // Drain what else is already there without waiting.
    while (read_some(std::chrono::steady_clock::now())) {
    }
  }
  std::size_t nl;
  while ((nl = buffer_.find('\n')) != std::string::npos) {
    auto j = json::parse(buffer_.substr(0, nl), nullptr, false);
    buffer_.erase(0, nl + 1);
    // A response arriving outside request() belongs to a request that timed out: dropped.
    if (!j.is_discarded() && j.contains("event")) events_.push_back(std::move(j));
  }
}

std::deque<json> control_client::take_events() {
  std::deque<json> out;
  out.swap(events_);
  return out;
}

expected<json, std::string> control_client::request(const std::string& cmd, json fields,
                                                    std::chrono::milliseconds timeout) {
  if (fd_ < 0) return make_unexpected(std::string("control connection is closed"));
  const auto id = next_id_++;
  fields["cmd"] = cmd;
  fields["id"] = id;
  std::string line = fields.dump() + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close();
      return make_unexpected(fmt::format("{}: send failed", cmd));
    }
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      auto j = json::parse(buffer_.substr(0, nl), nullptr, false);
      buffer_.erase(0, nl + 1);
      if (j.is_discarded()) continue;
      if (j.contains("event")) {
        events_.push_back(std::move(j));
        continue;
      }
      if (!j.contains("id") || j["id"] != id) continue;  // a late answer to an earlier request
      if (!j.value("ok", false)) return make_unexpected(fmt::format("{}: {}", cmd, j.value("error", "error")));
      return j;
    }
    if (fd_ < 0) return make_unexpected(fmt::format("{}: the exchange closed the connection", cmd));
    if (std::chrono::steady_clock::now() >= deadline)
      return make_unexpected(fmt::format("{}: no response within {} ms", cmd, timeout.count()));
    read_some(deadline);
  }
}

}  // namespace tandem::lab::runner
