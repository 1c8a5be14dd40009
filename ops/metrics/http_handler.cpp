#include "ops/metrics/http_handler.hpp"

#include "ops/metrics/exposition.hpp"

namespace tandem::ops::metrics {

http_handler::http_handler(const registry& metrics, health_check health)
    : metrics_(metrics), health_(std::move(health)) {}

http_response http_handler::handle(const http_request& request) const {
  auto path = request.target.substr(0, request.target.find('?'));
  const bool is_metrics = path == "/metrics";
  const bool is_health = path == "/healthz";
  if (!is_metrics && !is_health) return {404, "text/plain; charset=utf-8", "not found\n", {}};
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) return {405, "text/plain; charset=utf-8", "method not allowed\n", "GET, HEAD"};

  http_response r;
  if (is_metrics) {
    const auto format = negotiate(request.accept);
    r.content_type = std::string(content_type(format));
    r.body = render(metrics_.collect(), format);
  } else if (!health_) {
    r.body = "ok\n";
  } else if (auto h = health_()) {
    r.body = *h + "\n";
  } else {
    r.status = 503;
    r.body = h.error() + "\n";
  }
  // HEAD: the same headers with no body; the transport sets Content-Length from the body it
  // would have sent, so keep the size here and let it drop the bytes.
  return r;
}

}  // namespace tandem::ops::metrics
