#include "tdm/sim/seqpacket_link.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandem::tdm {
namespace {

bool make_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

int new_socket() {
  return ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

}  // namespace

seqpacket_link::seqpacket_link(std::string path, role r) : path_(std::move(path)), role_(r) {}

seqpacket_link::~seqpacket_link() { close(); }

void seqpacket_link::close() {
  close_connection();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(path_.c_str());
  }
}

std::string seqpacket_link::open() {
  if (role_ != role::listen || listen_fd_ >= 0) return {};
  sockaddr_un addr{};
  if (!make_address(path_, addr)) return "socket path empty or longer than 107 bytes";
  const int fd = new_socket();
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  // A socket file left by a previous run (or a restarted peer of ours) would make bind fail.
  ::unlink(path_.c_str());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 4) != 0) {
    std::string err = std::string("bind/listen ") + path_ + ": " + std::strerror(errno);
    ::close(fd);
    return err;
  }
  listen_fd_ = fd;
  return {};
}

bool seqpacket_link::try_connect() {
  if (role_ != role::connect || conn_fd_ >= 0) return conn_fd_ >= 0;
  sockaddr_un addr{};
  if (!make_address(path_, addr)) return false;
  const int fd = new_socket();
  if (fd < 0) return false;
  // Unix stream/seqpacket connects complete at once or fail (ENOENT, ECONNREFUSED, EAGAIN when
  // the listener's backlog is full); there is no in-progress state to wait for.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return false;
  }
  conn_fd_ = fd;
  return true;
}

seqpacket_link::accept_result seqpacket_link::accept_pending() {
  if (listen_fd_ < 0) return accept_result::none;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return accept_result::none;
  if (conn_fd_ >= 0) {
    // One peer per span: a second one is refused rather than replacing a working link.
    ::close(fd);
    return accept_result::rejected_busy;
  }
  conn_fd_ = fd;
  return accept_result::accepted;
}

seqpacket_link::recv_result seqpacket_link::receive(std::span<std::uint8_t> buffer) {
  if (conn_fd_ < 0) return {recv_status::closed, 0};
  // MSG_TRUNC makes recv return the real length of a message longer than the buffer.
  const ssize_t n = ::recv(conn_fd_, buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {};
    return {recv_status::closed, 0};
  }
  // A zero-length read is the end of the connection (the peer closed or exited).
  if (n == 0) return {recv_status::closed, 0};
  const auto size = static_cast<std::size_t>(n);
  if (size > buffer.size()) return {recv_status::oversized, size};
  return {recv_status::message, size};
}

seqpacket_link::send_status seqpacket_link::send(std::span<const std::uint8_t> message) {
  if (conn_fd_ < 0) return send_status::closed;
  const ssize_t n = ::send(conn_fd_, message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n >= 0) return send_status::sent;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return send_status::would_block;
  return send_status::closed;
}

void seqpacket_link::close_connection() {
  if (conn_fd_ >= 0) {
    ::close(conn_fd_);
    conn_fd_ = -1;
  }
}

}  // namespace tandem::tdm
