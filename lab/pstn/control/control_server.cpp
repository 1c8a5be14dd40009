#include "lab/pstn/control/control_server.hpp"

#include <deque>
#include <list>

#include <fmt/format.h>

#include "common/asio.hpp"
#include "common/log.hpp"
#include "lab/pstn/control/protocol.hpp"

namespace tandem::lab::pstn::control {

namespace {
using tcp = asio::ip::tcp;
/// Lines waiting to be written to one client; a client that reads nothing is disconnected
/// rather than letting the queue grow without bound.
constexpr std::size_t max_pending_lines = 4096;
}  // namespace

/// One client connection.
struct client : std::enable_shared_from_this<client> {
  tcp::socket socket;
  asio::streambuf input{max_line + 1};
  std::deque<std::string> output;
  std::function<std::string(std::string_view)> handle;
  std::function<void(client*)> on_close;
  bool closed = false;
  bool close_when_written = false;  // after an error that ends the connection

  client(tcp::socket s, std::function<std::string(std::string_view)> h, std::function<void(client*)> c)
      : socket(std::move(s)), handle(std::move(h)), on_close(std::move(c)) {}

  void start() { read(); }

  void read() {
    asio::async_read_until(socket, input, '\n',
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                             self->on_read(ec, n);
                           });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (closed) return;
    if (ec == asio::error::not_found) {  // the buffer filled without a newline
      close_when_written = true;           // answer, then hang up: the stream is out of step
      return send(protocol::line_too_long());
    }
    if (ec) return close();
    std::string line(asio::buffers_begin(input.data()), asio::buffers_begin(input.data()) + static_cast<std::ptrdiff_t>(n));
    input.consume(n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) send(handle(line));
    if (!closed) read();
  }

  void send(std::string line) {
    if (closed) return;
    if (output.size() >= max_pending_lines) return close();
    line += '\n';
    output.push_back(std::move(line));
    if (output.size() == 1) write();
  }

  void write() {
    asio::async_write(socket, asio::buffer(output.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        if (ec || self->closed) return self->close();
                        self->output.pop_front();
                        if (!self->output.empty()) self->write();
                        else if (self->close_when_written) self->close();
                      });
  }

  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (on_close) on_close(this);
  }
};

struct control_server::impl {
  asio::io_context& io;
  std::function<void()> on_shutdown;
  tcp::acceptor acceptor;
  std::list<std::shared_ptr<client>> clients;
  std::unique_ptr<protocol> proto;
  std::shared_ptr<spdlog::logger> log = tandem::log::get("lab");

  impl(asio::io_context& i, std::function<void()> s) : io(i), on_shutdown(std::move(s)), acceptor(i) {}

  std::string handle(std::string_view line) {
    if (!proto) return R"({"ok":false,"error":"the exchange is not ready"})";
    auto out = proto->handle(line);
    if (proto->shutdown_requested() && on_shutdown) asio::post(io, on_shutdown);
    return out;
  }

  void accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;  // closed
      auto c = std::make_shared<client>(
          std::move(s), [this](std::string_view l) { return handle(l); },
          [this](client* gone) { clients.remove_if([gone](const auto& p) { return p.get() == gone; }); });
      clients.push_back(c);
      c->start();
      accept();
    });
  }

  void broadcast(const std::string& line) {
    auto copy = clients;  // a send may close (and remove) a client
    for (auto& c : copy) c->send(line);
  }
};

control_server::control_server(asio::io_context& io, std::function<void()> on_shutdown)
    : impl_(std::make_unique<impl>(io, std::move(on_shutdown))) {}

control_server::~control_server() { close(); }

expected<std::uint16_t, std::string> control_server::listen(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) return make_unexpected(fmt::format("control address \"{}\": {}", address, ec.message()));
  tcp::endpoint ep(addr, port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_unexpected(fmt::format("control {}:{}: {}", address, port, ec.message()));
  impl_->accept();
  return impl_->acceptor.local_endpoint().port();
}

void control_server::attach(exchange& ex) { impl_->proto = std::make_unique<protocol>(ex); }

void control_server::close() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  auto copy = impl_->clients;
  for (auto& c : copy) c->close();
  impl_->clients.clear();
}

void control_server::on_call_event(const call_record& call, const call_event& event) {
  impl_->log->info("span {} call {} ch {}: {}{}", call.span, call.id.value(), call.channel, event.name,
                   event.cause ? fmt::format(" cause {} ({})", static_cast<int>(*event.cause),
                                             isdn::to_string(*event.cause))
                               : std::string());
  impl_->broadcast(protocol::call_event_line(call, event));
}

void control_server::on_span_event(unsigned span, std::string_view what, std::string_view detail) {
  impl_->log->info("span {}: {} {}", span, what, detail);
  impl_->broadcast(protocol::span_event_line(span, what, detail));
}

}  // namespace tandem::lab::pstn::control
