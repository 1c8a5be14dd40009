#pragma once
/// The sim span backend: an E1/T1 span carried over a local Unix SOCK_SEQPACKET socket between
/// two processes (tandem-pstn, the clock master, and tandem-mgw, the slave). Wire format,
/// clocking, alarms and reconnection: docs/sim-span.md. Configuration fields: docs/tdm.md.
///
/// Usage (exchange side):
///   tdm::sim_span_config cfg;
///   cfg.number = tdm::span_number{1};
///   cfg.layout = tdm::span_layout::e1();
///   cfg.socket_path = "/run/tandem/span1.sock";
///   cfg.clock_role = tdm::sim_span_config::role::master;
///   cfg.mode = tdm::sim_span_config::connect_mode::listen;
///   auto span = tdm::create_sim_span(cfg);   // expected<unique_ptr<span>, std::string>
///   if (!span) { log the error (*span).error(); }
///   (*span)->start(handler);  ...  (*span)->stop();
///
/// Threads: each sim span runs one clock thread, started by start() and joined by stop(). That
/// thread owns the socket, the rx/tx blocks and the protocol state, and makes every
/// span_handler call. send_dchannel_frame(), alarms() and stats() may be called from any
/// thread (a briefly locked bounded queue; atomics). start()/stop() belong to the owner's thread.
#include <chrono>
#include <memory>
#include <string>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "tdm/span.hpp"

namespace tandem::tdm {

/// Configuration of one simulated span. Plain data with defaults; validate() checks it.
struct sim_span_config {
  /// Which side keeps the clock. The network side (tandem-pstn) is the master, the gateway
  /// the slave, as on a real trunk.
  enum class role { master, slave };
  /// Which side creates the socket; independent of the clock role.
  enum class connect_mode { listen, connect };

  span_number number{1};
  span_layout layout = span_layout::e1();
  /// Filesystem path of the Unix socket (at most 107 bytes). A listener unlinks a stale one.
  std::string socket_path;
  role clock_role = role::slave;
  connect_mode mode = connect_mode::connect;
  /// Tick period, 1..20 ms; both ends must agree (checked at hello).
  std::chrono::milliseconds tick{10};
  /// Ticks without a block from the peer before loss of signal is raised (and the slave
  /// starts free-running on its own clock). At least 2.
  unsigned loss_of_signal_ticks = 5;
  /// Consecutive good ticks after the last rejected message before the framing alarm clears.
  unsigned framing_clear_ticks = 50;
  /// How often the connecting side retries while the peer is absent.
  std::chrono::milliseconds reconnect_interval{100};
  /// D-channel frames that can wait for the clock thread; a full queue rejects (counted).
  unsigned dchannel_queue_depth = 64;
  /// Where the named counters go ("span<N>.rx.rejected.bad_magic", ...; docs/tdm.md). When
  /// null the span keeps a private set. Must outlive the span.
  counter_set* counters = nullptr;
};

/// Checks the fields and their combinations; the error names the offending field.
[[nodiscard]] expected<void, std::string> validate(const sim_span_config& config);

/// Builds a sim span (not started). Fails only when the configuration does not validate;
/// socket problems at run time are alarms (loss of signal), not errors.
[[nodiscard]] expected<std::unique_ptr<span>, std::string> create_sim_span(
    const sim_span_config& config);

}  // namespace tandem::tdm
