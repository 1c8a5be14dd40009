#include "ops/ops_config.hpp"

#include <charconv>

namespace tandem::ops {
namespace {

metrics::http_server_config read_metrics(const config::node& n) {
  n.check_known({"address", "port", "max_request_bytes", "timeout_ms", "max_connections"});
  metrics::http_server_config c;
  c.address = n.get_string("address", c.address);
  c.port = static_cast<std::uint16_t>(n.get_int("port", c.port, 0, 65535));
  c.max_request_bytes = static_cast<std::size_t>(
      n.get_int("max_request_bytes", static_cast<std::int64_t>(c.max_request_bytes), 256, 1024 * 1024));
  c.timeout = n.get_ms("timeout_ms", c.timeout, std::chrono::milliseconds(100), std::chrono::milliseconds(600'000));
  c.max_connections =
      static_cast<std::size_t>(n.get_int("max_connections", static_cast<std::int64_t>(c.max_connections), 1, 4096));
  return c;
}

control::control_server_config read_control(const config::node& n) {
  n.check_known({"socket", "mode", "max_line", "max_clients"});
  control::control_server_config c;
  if (auto path = n.require_string("socket")) c.path = *path;
  if (!c.path.empty() && c.path.front() != '/') n.error("socket", "must be an absolute path");
  // The mode is a string of octal digits ("0660"): libconfig has no octal literals.
  const auto mode = n.get_string("mode", "0660");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(mode.data(), mode.data() + mode.size(), value, 8);
  if (ec != std::errc{} || end != mode.data() + mode.size() || value > 0777)
    n.error("mode", "expected octal permissions such as \"0660\"");
  else
    c.mode = value;
  c.max_line = static_cast<std::size_t>(
      n.get_int("max_line", static_cast<std::int64_t>(c.max_line), 1024, 16 * 1024 * 1024));
  c.max_clients = static_cast<std::size_t>(n.get_int("max_clients", static_cast<std::int64_t>(c.max_clients), 1, 1024));
  return c;
}

}  // namespace

ops_config read_ops_config(const config::node& root) {
  ops_config out;
  if (auto m = root.group("metrics")) out.metrics = read_metrics(*m);
  if (auto c = root.group("control")) out.control = read_control(*c);
  return out;
}

}  // namespace tandem::ops
