#pragma once
/// Everything a daemon needs for operations, in one object: the metrics registry and its HTTP
/// endpoint, the command registry with the built-in commands and its control socket, each
/// started when its configuration group is present. The servers' own counters are adopted by
/// the registry and listed by the `counters` command.
///
/// A daemon's main does, on its io_context thread:
///
///   tandem::ops::daemon_ops ops(io, read_ops_config(root), {"tandem-mgw", "", {}});
///   ops.metrics().adopt(agent_counters);           ops.add_counters(agent_counters);
///   ops.commands().add({"show endpoints", ...}, handler);
///   if (auto started = ops.start(); !started) { log and exit }
///   ... io.run() ...; ops.stop();
///
/// Threads: everything on the io_context thread (construction and start may precede run()).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "ops/control/builtin_commands.hpp"
#include "ops/control/command_registry.hpp"
#include "ops/control/control_server.hpp"
#include "ops/metrics/http_server.hpp"
#include "ops/metrics/registry.hpp"
#include "ops/ops_config.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::ops {

class daemon_ops {
 public:
  /// `identity.counters` may be empty: the `counters` command then lists the sets given to
  /// add_counters() (and the servers' own).
  daemon_ops(boost::asio::io_context& io, ops_config config, control::builtin_context identity,
             metrics::health_check health = {});
  ~daemon_ops();
  daemon_ops(const daemon_ops&) = delete;
  daemon_ops& operator=(const daemon_ops&) = delete;

  [[nodiscard]] metrics::registry& metrics() { return registry_; }
  [[nodiscard]] control::command_registry& commands() { return commands_; }

  /// Lists a counter set in the `counters` command (it must outlive this object). Adopting it
  /// for /metrics is separate: metrics().adopt(set, rules).
  void add_counters(const counter_set& set);

  /// Starts the configured servers. Fails with the first reason (the other is not started).
  [[nodiscard]] expected<void, std::string> start();
  void stop();

  /// The metrics port actually bound (useful with port 0), if the endpoint runs.
  [[nodiscard]] std::optional<std::uint16_t> metrics_port() const { return metrics_port_; }

 private:
  ops_config config_;
  metrics::registry registry_;
  control::command_registry commands_;
  std::vector<const counter_set*> counter_sets_;
  std::unique_ptr<metrics::http_server> http_;
  std::unique_ptr<control::control_server> control_;
  std::optional<std::uint16_t> metrics_port_;
};

}  // namespace tandem::ops
