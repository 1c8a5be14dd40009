#pragma once
/// What the metrics HTTP server answers, without sockets (the Boost.Asio example's "request
/// handler"): GET/HEAD /metrics and /healthz; 404 for other paths, 405 (with Allow) for other
/// methods on known paths. The transport (http_server) owns parsing, limits and time-outs.
///
/// Threads: handle() runs on the daemon's io_context thread (the scrape calls collect()).
#include <functional>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "ops/metrics/registry.hpp"

namespace tandem::ops::metrics {

/// One parsed request as the handler needs it.
struct http_request {
  std::string_view method;  ///< "GET"
  std::string_view target;  ///< "/metrics?x=y" (the query is ignored)
  std::string_view accept;  ///< Accept header, empty if absent
};

struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;  ///< Allow header for 405, empty otherwise
};

/// Health of the daemon for /healthz: a value means healthy (its text is the body), an error
/// means unhealthy (503 with the text).
using health_check = std::function<expected<std::string, std::string>()>;

class http_handler {
 public:
  /// `health` may be empty: /healthz then answers "ok".
  explicit http_handler(const registry& metrics, health_check health = {});

  [[nodiscard]] http_response handle(const http_request& request) const;

 private:
  const registry& metrics_;
  health_check health_;
};

}  // namespace tandem::ops::metrics
