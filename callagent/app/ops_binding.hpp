#pragma once
/// Operations for tandem-ca (docs/metrics.md, docs/ctl.md): the metrics endpoint and the
/// control socket (ops::daemon_ops), the call agent's commands (show, block/unblock, drain,
/// release, reload routes), gauges read from the call agent at each scrape, histograms and
/// counters from each call's record (post-dial delay, duration, jitter, loss, MOS-CQE), and
/// MGCP transaction latency from a tap on the UDP socket.
///
/// The daemon builds it before the call agent (the record tap must be handed to it), attaches
/// the call agent once it exists, then starts it:
///
///   ops_binding ops(io, ops_config, config_path, counters, cdr_file);
///   call_agent agent(..., ops.transport(udp), ops.records(), counters);
///   ops.attach(agent); ops.start();  ...  ops.on_mgcp_received(from, datagram);  ... ops.stop();
///
/// Threads: the daemon's io_context thread only.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "callagent/call_agent.hpp"
#include "callagent/cdr_writer.hpp"
#include "callagent/mgcp_stack.hpp"
#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/expected.hpp"
#include "ops/ops_config.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::callagent::app {

class ops_binding {
 public:
  /// `config_path`: where `reload routes` reads from when no file is given. `records` may be
  /// null (no CDR file): the metrics are still taken.
  ops_binding(boost::asio::io_context& io, ops::ops_config config, std::string config_path, counter_set& counters,
              cdr_sink* records);
  ~ops_binding();
  ops_binding(const ops_binding&) = delete;
  ops_binding& operator=(const ops_binding&) = delete;

  /// What the call agent writes its records to: the metrics first, then `records`.
  [[nodiscard]] cdr_sink* records();
  /// A transport that shows every datagram to the MGCP tap, then sends it through `inner`.
  [[nodiscard]] mgcp_transport& transport(mgcp_transport& inner);
  /// A datagram received on the MGCP socket.
  void on_mgcp_received(const mgcp::peer& from, std::string_view datagram);

  /// Registers the commands and the gauges that read `agent` (which must outlive this).
  /// `mgcp_address`/`mgcp_port`: the MGCP socket's local end, for the traces' IP headers;
  /// `timers` delays each per-call trace until its call's last frames have passed (null: none).
  void attach(call_agent& agent, const std::string& mgcp_address = "0.0.0.0", std::uint16_t mgcp_port = 2727,
              timer_service* timers = nullptr);
  /// Bytes of a backhaul connection (`from_gateway`: received; else sent), for call traces
  /// (docs/traces.md); `connection` identifies the stream until on_backhaul_closed().
  void on_backhaul_bytes(const void* connection, bool from_gateway, std::span<const std::uint8_t> bytes);
  void on_backhaul_closed(const void* connection);
  /// Starts the configured servers; prints "metrics port N" and "control PATH" on stdout.
  [[nodiscard]] expected<void, std::string> start();
  void stop();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::callagent::app
