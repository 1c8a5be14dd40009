#pragma once
/// tandem-mgw's configuration (libconfig; examples in etc/mgw/, each loaded by a test):
///
///   mgw = {
///     mgcp = { bind = "0.0.0.0"; port = 2427; domain = "mgw1.example.net";
///              domain_aliases = [ "[192.0.2.10]" ];
///              call_agent = { address = "192.0.2.1"; port = 2727; name = "ca"; };
///              allowed_call_agents = ( { address = "192.0.2.1"; port = 0; } );
///              restart = { method = "restart"; delay_s = 0; max_wait_ms = 5000; };
///              digit_map = { short_timer_ms = 4000; long_timer_ms = 16000; };
///              persistent_events = [ "G/of" ];
///              max_connections_bearer = 2; max_connections_rtp = 4;
///              transactions = { initial_rto_ms = 200; max_rto_ms = 4000; max1 = 5; max2 = 7;
///                               tdinit_ms = 15000; tdmin_ms = 15000; tdmax_ms = 600000; }; };
///     rtp = { bind = "127.0.0.1"; port_min = 16384; port_max = 32767; };
///     codecs = { enabled = [ "PCMU", "PCMA", "G729", "G723" ]; dtmf_relay = true;
///                telephone_event_payload_type = 101; default_ptime_ms = 20;
///                echo_cancellation = true; };
///     spans = ( { number = 1; type = "e1"; backend = "sim"; socket = "/tmp/tandem-e1-1";
///                 mode = "connect"; clock = "slave"; tick_ms = 10; alarm_hold_ms = 1000; } );
///     backhaul = { address = "127.0.0.1"; port = 2944; keepalive_ms = 2000; backoff_max_ms = 5000; };
///     (a span's endpoints are its PRI bearer slots: E1 1-15 and 17-31, T1 1-23)
///     virtual_endpoints = 8;
///     log = { level = "info"; sink = "stderr"; };   # or sink "file" (path) / "syslog" (ident);
///                                                  # levels = "warn,mgcp=debug" (docs/logging.md)
///   };
///
/// Every error names its setting path and line (common/config); a validator checks rules that
/// span settings (unique span numbers, port range, the call agent allowed).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config_error.hpp"
#include "common/expected.hpp"
#include "common/log_sink.hpp"
#include "gateway/h248/h248_config.hpp"
#include "gateway/mgcp/agent_config.hpp"
#include "ops/ops_config.hpp"
#include "proto/mgcp/transaction/transaction_config.hpp"

namespace tandem::gateway::app {

struct rtp_config {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port_min = 16384;
  std::uint16_t port_max = 32767;
};

enum class span_backend { sim, dahdi };

/// How a span is reached (the agent only needs its number, type and bearer slots).
struct span_link_config {
  unsigned number = 1;
  span_backend backend = span_backend::sim;
  std::string device;  ///< sim: the socket path; dahdi: the span's device
  /// sim only (docs/sim-span.md): who creates the socket, who keeps the clock, the tick.
  bool listen = false;        ///< "mode": "connect" (default) or "listen"
  bool clock_master = false;  ///< "clock": "slave" (default: the exchange is the network) or "master"
  std::chrono::milliseconds tick{10};
  /// An alarm must last this long before the span's endpoints go out of service (RSIP
  /// forced); a shorter one (a peer restarting) only shows in the counters.
  std::chrono::milliseconds alarm_hold{1000};
};

/// The D-channel backhaul to the call agent (docs/backhaul.md). Absent: no backhaul, and the
/// spans' D-channel frames are counted and dropped.
struct backhaul_link_config {
  bool enabled = false;
  std::string address = "127.0.0.1";
  std::uint16_t port = 2944;
  std::chrono::milliseconds keepalive{2000};
  std::chrono::milliseconds backoff_max{5000};
};

struct mgw_config {
  std::string mgcp_bind_address = "0.0.0.0";
  std::uint16_t mgcp_port = 2427;  ///< RFC 3435 §3.5: gateways listen on 2427
  mgcp::agent_config agent;
  /// mgcp.transactions: RFC 3435 §3.5 / §4.3 / §4.4.6 timers (defaults: the RFC's).
  tandem::mgcp::transaction_config transactions;
  rtp_config rtp;
  std::vector<span_link_config> span_links;  ///< same order as agent.spans
  backhaul_link_config backhaul;
  std::string log_level = "info";
  /// The rest of the `log` group: where lines go and levels per subsystem (docs/logging.md).
  std::string log_sink = "stderr";
  std::string log_path;
  std::string log_ident;
  std::string log_levels;
  tandem::log::log_settings log_settings;  ///< parsed from the four above
  /// `metrics = { address; port; }` and `control = { socket; mode; }` (docs/operations.md).
  tandem::ops::ops_config ops;
  /// `h248 = { ... }` (docs/h248-gateway.md): the H.248 front-end; absent, MGCP only.
  gateway::h248::h248_settings h248;
};

/// Loads a file; every problem comes back at once, each with its path and line.
expected<mgw_config, config::config_errors> load_mgw_config_file(const std::string& path);
expected<mgw_config, config::config_errors> load_mgw_config_string(std::string_view text);

/// The effective configuration (defaults written out) as libconfig text that loads back to
/// the same values: `tandem-mgw --dump-config`.
std::string dump_config(const mgw_config& c);

}  // namespace tandem::gateway::app
