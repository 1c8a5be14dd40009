#include "gateway/h248/udp_transport.hpp"

#include "gateway/h248/h248_service.hpp"

namespace tandem::gateway::h248 {

expected<std::unique_ptr<udp_transport>, std::string> udp_transport::open(boost::asio::io_context& io,
                                                                          const std::string& address,
                                                                          std::uint16_t port) {
  auto s = udp_socket::open(io, address, port, {"H.248", "h248", 65536});
  if (!s) return make_unexpected(std::move(s.error()));
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(*s)));
}

void udp_transport::start(h248_service& service) {
  socket_->start([&service](const std::string& address, std::uint16_t port, std::string_view datagram) {
    service.on_datagram(tandem::h248::peer{address, port}, datagram);
  });
}

}  // namespace tandem::gateway::h248
