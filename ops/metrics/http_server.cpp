#include "ops/metrics/http_server.hpp"

#include <array>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "common/asio.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tandem::ops::metrics {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

class session;

}  // namespace

struct http_server::state {
  state(asio::io_context& io_, http_handler h, http_server_config c)
      : io(io_), acceptor(io_), handler(std::move(h)), config(std::move(c)) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  http_handler handler;
  http_server_config config;
  counter_set counters{"metrics_http"};
  std::set<session*> sessions;
  bool stopped = false;
};

namespace {

/// One connection: read a request, answer it, again while keep-alive; owned by its handlers.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<http_server::state> st)
      : stream_(std::move(socket)), buffer_(st->config.max_request_bytes), state_(std::move(st)) {
    state_->sessions.insert(this);
  }
  ~session() { state_->sessions.erase(this); }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->config.max_request_bytes));
    parser_->body_limit(state_->config.max_request_bytes);
    stream_.expires_after(state_->config.timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void on_read(beast::error_code ec) {
    auto& c = state_->counters;
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return close();
    }
    if (ec == beast::error::timeout) {
      c.get("timeouts").add();
      return close();
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      c.get("rejected.oversized").add();
      return send({431, "text/plain; charset=utf-8", "request header fields too large\n", {}}, false, false);
    }
    if (ec == bhttp::error::body_limit) {
      c.get("rejected.oversized").add();
      return send({413, "text/plain; charset=utf-8", "request too large\n", {}}, false, false);
    }
    if (ec) {
      c.get("rejected.bad_request").add();
      return send({400, "text/plain; charset=utf-8", "bad request: " + ec.message() + "\n", {}}, false, false);
    }
    c.get("requests").add();
    const auto& req = parser_->get();
    const http_request r{sv(req.method_string()), sv(req.target()), sv(req[bhttp::field::accept])};
    send(state_->handler.handle(r), req.keep_alive(), req.method() == bhttp::verb::head);
  }

  void send(http_response r, bool keep_alive, bool head) {
    state_->counters.get("responses." + std::to_string(r.status)).add();
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(r.status));
    response_.set(bhttp::field::server, "tandem");
    response_.set(bhttp::field::content_type, r.content_type);
    if (!r.allow.empty()) response_.set(bhttp::field::allow, r.allow);
    response_.keep_alive(keep_alive);
    const auto length = r.body.size();
    if (!head) response_.body() = std::move(r.body);
    response_.prepare_payload();
    if (head) response_.content_length(length);  // HEAD: the length GET would have sent
    stream_.expires_after(state_->config.timeout);
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                         if (ec || self->state_->stopped) return self->close();
                         if (!keep_alive) return self->drain_and_close();
                         self->read();
                       });
  }

  /// A lingering close: stop sending, then read and discard what the client still sends (up to
  /// a bound, within the time-out), so that closing with unread bytes does not reset the
  /// connection before the client has read our response.
  void drain_and_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(state_->config.timeout);
    drain(0);
  }

  void drain(std::size_t total) {
    if (total > 1024 * 1024) return close();
    stream_.async_read_some(asio::buffer(scratch_), [self = shared_from_this(), total](beast::error_code ec,
                                                                                       std::size_t n) {
      if (ec) return self->close();
      self->drain(total + n);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::array<char, 4096> scratch_{};
  std::shared_ptr<http_server::state> state_;
};

void accept_next(const std::shared_ptr<http_server::state>& st) {
  st->acceptor.async_accept([st](beast::error_code ec, tcp::socket socket) {
    if (ec || st->stopped) return;  // closed by stop(), or the listener failed
    if (st->sessions.size() >= st->config.max_connections) {
      st->counters.get("rejected.too_many_connections").add();
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<session>(std::move(socket), st)->read();
    }
    accept_next(st);
  });
}

}  // namespace

http_server::http_server(asio::io_context& io, http_handler handler, http_server_config config)
    : state_(std::make_shared<state>(io, std::move(handler), std::move(config))) {}

http_server::~http_server() { stop(); }

expected<std::uint16_t, std::string> http_server::start() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(state_->config.address, ec);
  if (ec) return make_unexpected("metrics: bad bind address \"" + state_->config.address + "\": " + ec.message());
  const tcp::endpoint ep(address, state_->config.port);
  auto& a = state_->acceptor;
  auto fail = [&](std::string_view what) -> expected<std::uint16_t, std::string> {
    beast::error_code ignored;
    a.close(ignored);
    return make_unexpected(fmt::format("metrics: {} {}:{}: {}", what, state_->config.address,
                                       state_->config.port, ec.message()));
  };
  if (a.open(ep.protocol(), ec); ec) return fail("cannot open");
  if (a.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("cannot set SO_REUSEADDR on");
  if (a.bind(ep, ec); ec) return fail("cannot bind");
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("cannot listen on");
  state_->stopped = false;
  accept_next(state_);
  return a.local_endpoint().port();
}

void http_server::stop() {
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  // close() may drop the last reference of nothing here: sessions stay owned by their handlers.
  for (auto* s : std::set<session*>(state_->sessions)) s->close();
}

const counter_set& http_server::counters() const { return state_->counters; }

}  // namespace tandem::ops::metrics
