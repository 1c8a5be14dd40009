#pragma once
/// One UDP socket of a control protocol (MGCP, H.248): datagrams in to a handler with the
/// sender's address literal and port, datagrams out to an address literal and port. Errors are
/// logged under the protocol's logger and never thrown. The Asio code lives in udp_socket.cpp.
///
/// Threads: the io_context's thread (the control plane).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace boost::asio {
class io_context;
}

namespace tandem {

struct udp_socket_options {
  std::string protocol;          ///< in messages, e.g. "MGCP"
  std::string logger;            ///< named logger (common/log.hpp), e.g. "mgcp"
  std::size_t max_datagram = 8192;  ///< receive buffer; a longer datagram is truncated by the OS
};

class udp_socket {
 public:
  using handler =
      std::function<void(const std::string& address, std::uint16_t port, std::string_view datagram)>;

  /// Binds `address:port` (an IPv4 or IPv6 literal; port 0: any free port). Errors say what
  /// failed: "<protocol> bind address X: ..." or "<protocol> bind X:P: <the OS's message>".
  static expected<std::unique_ptr<udp_socket>, std::string> open(boost::asio::io_context& io,
                                                                 const std::string& address,
                                                                 std::uint16_t port,
                                                                 udp_socket_options options);
  ~udp_socket();
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  /// Starts receiving: each datagram goes to `on_datagram`.
  void start(handler on_datagram);
  /// Sends one datagram; a bad address or a send error is logged, never thrown.
  void send(const std::string& address, std::uint16_t port, std::string_view datagram);
  [[nodiscard]] std::uint16_t local_port() const;
  void close();

 private:
  struct impl;
  explicit udp_socket(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem
