#pragma once
/// The MGCP UDP socket of tandem-mgw: datagrams in to mgcp_service::on_datagram, datagrams
/// out from it (over the shared common/udp_socket).
///
/// Threads: the io_context's thread (the control plane).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "common/udp_socket.hpp"
#include "proto/mgcp/transaction/peer.hpp"

namespace boost::asio {
class io_context;
}

namespace tandem::gateway::app {

class mgcp_service;

class udp_transport {
 public:
  /// Binds `address:port` (port 0: any free port). Errors: the OS's message.
  static expected<std::unique_ptr<udp_transport>, std::string> open(boost::asio::io_context& io,
                                                                    const std::string& address, std::uint16_t port);

  /// Starts receiving into `service` (which must outlive the transport).
  void start(mgcp_service& service);
  /// Sends one datagram; a send error is logged, never thrown.
  void send(const tandem::mgcp::peer& to, std::string_view datagram) {
    socket_->send(to.address, to.port, datagram);
  }
  [[nodiscard]] std::uint16_t local_port() const { return socket_->local_port(); }
  void close() { socket_->close(); }

 private:
  explicit udp_transport(std::unique_ptr<udp_socket> s) : socket_(std::move(s)) {}
  std::unique_ptr<udp_socket> socket_;
};

}  // namespace tandem::gateway::app
