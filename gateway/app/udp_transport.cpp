#include "gateway/app/udp_transport.hpp"

#include "gateway/app/mgcp_service.hpp"

namespace tandem::gateway::app {

expected<std::unique_ptr<udp_transport>, std::string> udp_transport::open(boost::asio::io_context& io,
                                                                          const std::string& address,
                                                                          std::uint16_t port) {
  auto s = udp_socket::open(io, address, port, {"MGCP", "mgcp", 8192});
  if (!s) return make_unexpected(std::move(s.error()));
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(*s)));
}

void udp_transport::start(mgcp_service& service) {
  socket_->start([&service](const std::string& address, std::uint16_t port, std::string_view datagram) {
    service.on_datagram(tandem::mgcp::peer{address, port}, datagram);
  });
}

}  // namespace tandem::gateway::app
