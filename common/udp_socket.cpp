#include "common/udp_socket.hpp"

#include <fmt/format.h>

#include <vector>

#include "common/asio.hpp"
#include "common/log.hpp"

namespace tandem {

using udp = asio::ip::udp;

struct udp_socket::impl {
  impl(asio::io_context& io, udp_socket_options o)
      : socket(io), options(std::move(o)), buffer(options.max_datagram) {}
  udp::socket socket;
  udp_socket_options options;
  udp::endpoint sender;
  std::vector<char> buffer;
  handler on_datagram;

  void receive() {
    socket.async_receive_from(asio::buffer(buffer), sender, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec && on_datagram) {
        on_datagram(sender.address().to_string(), sender.port(), std::string_view(buffer.data(), n));
      } else if (ec) {
        log::get(options.logger)->warn("{} socket receive: {}", options.protocol, ec.message());
      }
      receive();
    });
  }
};

udp_socket::udp_socket(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
udp_socket::~udp_socket() { close(); }

expected<std::unique_ptr<udp_socket>, std::string> udp_socket::open(asio::io_context& io,
                                                                   const std::string& address,
                                                                   std::uint16_t port,
                                                                   udp_socket_options options) {
  auto p = std::make_unique<impl>(io, std::move(options));
  const std::string& protocol = p->options.protocol;
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(address, ec);
  if (ec) return make_unexpected(fmt::format("{} bind address {}: {}", protocol, address, ec.message()));
  const udp::endpoint local(addr, port);
  p->socket.open(local.protocol(), ec);
  if (!ec) p->socket.bind(local, ec);
  if (ec) return make_unexpected(fmt::format("{} bind {}:{}: {}", protocol, address, port, ec.message()));
  return std::unique_ptr<udp_socket>(new udp_socket(std::move(p)));
}

void udp_socket::start(handler on_datagram) {
  impl_->on_datagram = std::move(on_datagram);
  impl_->receive();
}

void udp_socket::send(const std::string& address, std::uint16_t port, std::string_view datagram) {
  const auto& o = impl_->options;
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(address, ec);
  if (ec) {
    log::get(o.logger)->warn("{} send to {}:{}: not an address literal", o.protocol, address, port);
    return;
  }
  impl_->socket.send_to(asio::buffer(datagram.data(), datagram.size()), udp::endpoint(addr, port), 0, ec);
  if (ec) log::get(o.logger)->warn("{} send to {}:{}: {}", o.protocol, address, port, ec.message());
}

std::uint16_t udp_socket::local_port() const {
  boost::system::error_code ec;
  const auto ep = impl_->socket.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void udp_socket::close() {
  if (impl_ && impl_->socket.is_open()) {
    boost::system::error_code ec;
    impl_->socket.close(ec);
  }
}

}  // namespace tandem
