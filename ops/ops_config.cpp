#include "ops/ops_config.hpp"

#include <charconv>
#include <utility>
#include <vector>

#include "common/log.hpp"

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

ops_config read_ops_config(const config::node& root) { return read_ops_config(root, "control"); }

ops_config read_ops_config(const config::node& root, std::string_view control_group) {
  ops_config out;
  if (auto m = root.group("metrics")) out.metrics = read_metrics(*m);
  if (auto c = root.group(control_group)) out.control = read_control(*c);
  return out;
}

expected<void, std::string> apply_log_levels(std::string_view spec) {
  std::vector<std::pair<std::string, spdlog::level::level_enum>> levels;  // "" is the default
  if (spec.empty()) return make_unexpected(std::string("empty log level"));
  while (true) {
    const auto comma = spec.find(',');
    const auto item = spec.substr(0, comma);
    const auto eq = item.find('=');
    const auto subsystem = eq == std::string_view::npos ? std::string_view{} : item.substr(0, eq);
    const auto text = eq == std::string_view::npos ? item : item.substr(eq + 1);
    spdlog::level::level_enum level{};
    if (eq != std::string_view::npos && subsystem.empty())
      return make_unexpected("\"" + std::string(item) + "\": a subsystem name goes before '='");
    if (!log::parse_level(text, level))
      return make_unexpected("\"" + std::string(item) +
                             "\": unknown level (trace, debug, info, warn, error, critical, off)");
    levels.emplace_back(std::string(subsystem), level);
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  for (const auto& [subsystem, level] : levels) {
    if (subsystem.empty()) log::set_default_level(level);
    else log::set_level(subsystem, level);
  }
  return {};
}

expected<void, std::string> apply_ops_option(ops_config& config, std::string_view option, std::string_view value) {
  if (option == "--metrics") {
    // ADDRESS:PORT, the address in brackets when it is an IPv6 literal.
    const auto colon = value.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size())
      return make_unexpected("--metrics: expected ADDRESS:PORT, e.g. 127.0.0.1:9464");
    std::string_view address = value.substr(0, colon);
    if (address.front() == '[') {
      if (address.size() < 3 || address.back() != ']')
        return make_unexpected("--metrics: an IPv6 address goes in brackets: [::1]:9464");
      address = address.substr(1, address.size() - 2);
    } else if (address.find(':') != std::string_view::npos) {
      return make_unexpected("--metrics: an IPv6 address goes in brackets: [::1]:9464");
    }
    const auto port_text = value.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
      return make_unexpected("--metrics: the port must be a number 0..65535 (0: any free port)");
    metrics::http_server_config c = config.metrics.value_or(metrics::http_server_config{});
    c.address = std::string(address);
    c.port = static_cast<std::uint16_t>(port);
    config.metrics = c;
    return {};
  }
  if (option == "--control") {
    if (value.empty() || value.front() != '/') return make_unexpected("--control: the socket path must be absolute");
    control::control_server_config c = config.control.value_or(control::control_server_config{});
    c.path = std::string(value);
    config.control = c;
    return {};
  }
  return make_unexpected("unknown option " + std::string(option));
}

}  // namespace tandem::ops
