#pragma once
/// Operations for tandem-mgw (docs/metrics.md, docs/ctl.md): the metrics endpoint and the
/// control socket (ops::daemon_ops) with the gateway's counters, gauges read from the MGCP
/// agent, the media engines and the span supervisor at each scrape, and the commands
/// `show gateway`, `show endpoints`, `show connections`, `show spans`.
///
/// Threads: the daemon's io_context thread (the agent's), where the scrapes and commands run.
#include <memory>
#include <string>
#include <vector>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "ops/ops_config.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::gateway {
namespace mgcp {
class agent;
}  // namespace mgcp
namespace media {
class media_engine;
}  // namespace media

namespace app {

struct mgw_config;
class span_supervisor;

/// What the binding reads; everything must outlive it.
struct ops_sources {
  const mgw_config* config = nullptr;
  mgcp::agent* agent = nullptr;
  std::vector<const media::media_engine*> engines;
  const span_supervisor* supervisor = nullptr;  ///< null without spans
  std::vector<const counter_set*> counters;     ///< adopted for /metrics and `counters`
};

class ops_binding {
 public:
  ops_binding(boost::asio::io_context& io, const tandem::ops::ops_config& config, ops_sources sources);
  ~ops_binding();
  ops_binding(const ops_binding&) = delete;
  ops_binding& operator=(const ops_binding&) = delete;

  /// Starts the configured servers; logs and prints "metrics port N" (stdout).
  [[nodiscard]] expected<void, std::string> start();
  void stop();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace app
}  // namespace tandem::gateway
