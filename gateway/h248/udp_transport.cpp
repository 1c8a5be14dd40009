#include "gateway/h248/udp_transport.hpp"

#include <array>

#include <fmt/format.h>

#include "common/asio.hpp"
#include "common/log.hpp"
#include "gateway/h248/h248_service.hpp"

namespace tandem::gateway::h248 {

using udp = asio::ip::udp;

struct udp_transport::impl {
  explicit impl(asio::io_context& io) : socket(io) {}
  udp::socket socket;
  udp::endpoint sender;
  std::array<char, 65536> buffer{};
  h248_service* service = nullptr;

  void receive() {
    socket.async_receive_from(asio::buffer(buffer), sender, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec && service != nullptr) {
        const tandem::h248::peer from{sender.address().to_string(), sender.port()};
        service->on_datagram(from, std::string_view(buffer.data(), n));
      } else if (ec) {
        log::get("h248")->warn("H.248 socket receive: {}", ec.message());
      }
      receive();
    });
  }
};

udp_transport::udp_transport(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
udp_transport::~udp_transport() { close(); }

expected<std::unique_ptr<udp_transport>, std::string> udp_transport::open(asio::io_context& io, const std::string& address,
                                                                          std::uint16_t port) {
  auto p = std::make_unique<impl>(io);
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(address, ec);
  if (ec) return make_unexpected(fmt::format("H.248 bind address {}: {}", address, ec.message()));
  const udp::endpoint local(addr, port);
  p->socket.open(local.protocol(), ec);
  if (!ec) p->socket.bind(local, ec);
  if (ec) return make_unexpected(fmt::format("H.248 bind {}:{}: {}", address, port, ec.message()));
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(p)));
}

void udp_transport::start(h248_service& service) {
  impl_->service = &service;
  impl_->receive();
}

void udp_transport::send(const tandem::h248::peer& to, std::string_view datagram) {
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(to.address, ec);
  if (ec) {
    log::get("h248")->warn("H.248 send to {}: not an address literal", to.address);
    return;
  }
  impl_->socket.send_to(asio::buffer(datagram.data(), datagram.size()), udp::endpoint(addr, to.port), 0, ec);
  if (ec) log::get("h248")->warn("H.248 send to {}:{}: {}", to.address, to.port, ec.message());
}

std::uint16_t udp_transport::local_port() const {
  boost::system::error_code ec;
  const auto ep = impl_->socket.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void udp_transport::close() {
  if (impl_ && impl_->socket.is_open()) {
    boost::system::error_code ec;
    impl_->socket.close(ec);
  }
}

}  // namespace tandem::gateway::h248
