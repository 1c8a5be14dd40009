#pragma once
/// The metrics HTTP endpoint of a daemon: HTTP/1.1 over Boost.Beast on the daemon's io_context,
/// serving http_handler (/metrics, /healthz).
///
/// Limits: a request (line, headers and body together) longer than `max_request_bytes` gets
/// 431 (headers) or 413 (body) and the connection is closed; an unparsable request gets 400; a
/// connection idle or slow past `timeout` is closed; connections beyond `max_connections` are
/// closed on accept. Keep-alive is honoured.
///
/// Threads: construct, start and stop on the io_context's thread (or before it runs); every
/// handler runs there. Its counters (prefix "metrics_http") are listed in docs/metrics.md.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "ops/metrics/http_handler.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::ops::metrics {

/// The `metrics` group of a daemon's configuration.
struct http_server_config {
  std::string address = "127.0.0.1";  ///< bind address (IPv4 or IPv6 literal)
  std::uint16_t port = 9464;          ///< 0: any free port (start() reports which)
  std::size_t max_request_bytes = 8 * 1024;
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_connections = 32;
};

class http_server {
 public:
  http_server(boost::asio::io_context& io, http_handler handler, http_server_config config);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts accepting. Returns the bound port, or why it could not.
  [[nodiscard]] expected<std::uint16_t, std::string> start();
  /// Closes the listener and every connection.
  void stop();

  /// "requests", "responses.<status>", "rejected.bad_request", "rejected.oversized",
  /// "rejected.too_many_connections", "timeouts".
  [[nodiscard]] const counter_set& counters() const;

  /// Implementation detail (shared with the connections, defined in the .cpp).
  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace tandem::ops::metrics
