#pragma once
/// The gateway's D-channel backhaul link to one call agent (docs/backhaul.md). The gateway
/// connects over TCP to the call agent's backhaul address, says hello (its name and spans),
/// reports every span's alarms, and then relays D-channel frames both ways: from its spans to
/// the call agent, and from the call agent to the span the frame names. It never parses Q.921
/// or Q.931: frames are opaque octets.
///
/// State (one enum, entry points below):
///   idle       --start()--> connecting
///   connecting --connected--> up (hello and every span status sent)
///   connecting --connect failed--> waiting
///   up         --peer closed, read/write error, undecodable frame, keep-alive timeout--> waiting
///   waiting    --backoff elapsed (doubling from backoff_min to backoff_max)--> connecting
///   any        --stop()--> stopped
/// Frames to send while not up are dropped and counted: Q.921 retransmits on its own timers,
/// and frames queued across an outage would arrive stale.
///
/// Counters (prefix "backhaul", docs/counters.md): tx.dchannel, rx.dchannel, tx.span_status,
/// tx.dropped.link_down, tx.dropped.queue_full, tx.dropped.bad_frame, rx.dropped.unknown_span,
/// rx.decode_error, rx.hello, rx.span_status, rx.keepalive, connects, reconnects,
/// connect_failures, disconnects, keepalive_timeouts.
///
/// Threads: every member, and every dchannel_sink call, runs on the io_context's thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/counters.hpp"
#include "proto/backhaul/message.hpp"

namespace boost::asio {
class io_context;
}

namespace tandem::gateway::backhaul {

/// Where frames from the call agent go (the daemon hands them to its spans).
class dchannel_sink {
 public:
  virtual ~dchannel_sink() = default;
  /// A frame for `span`; false when the gateway has no such span (counted by the link).
  virtual bool on_dchannel_from_call_agent(std::uint16_t span, std::span<const std::uint8_t> frame) = 0;
};

struct backhaul_config {
  std::string address = "127.0.0.1";  ///< the call agent's backhaul listener (IPv4/IPv6 literal)
  std::uint16_t port = 2944;
  std::string name = "mgw.tandem.test";  ///< sent in hello: the gateway's domain name
  std::vector<tandem::backhaul::span_info> spans;
  /// A keep-alive request goes out after this long without sending; the link is declared dead
  /// after three of these without receiving anything.
  std::chrono::milliseconds keepalive{2000};
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  /// Octets waiting for the socket beyond which new frames are dropped (a stuck call agent).
  std::size_t max_pending_octets = 256 * 1024;
};

enum class link_state { idle, connecting, up, waiting, stopped };
std::string_view to_string(link_state s);

class backhaul_link {
 public:
  virtual ~backhaul_link() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
  /// One D-channel frame from `span` toward the call agent.
  virtual void send_dchannel(std::uint16_t span, std::span<const std::uint8_t> frame) = 0;
  /// A span's alarms changed (span_alarm bits); remembered and re-sent on every connection.
  virtual void set_span_status(std::uint16_t span, std::uint8_t alarms) = 0;
  [[nodiscard]] virtual link_state state() const = 0;
  /// The port of the local end while connected (0 otherwise): for logs and tests.
  [[nodiscard]] virtual std::uint16_t local_port() const = 0;
};

/// Builds a link (not started). `sink` and `counters` must outlive it.
std::unique_ptr<backhaul_link> create_backhaul_link(boost::asio::io_context& io, backhaul_config config,
                                                    dchannel_sink& sink, counter_set& counters);

}  // namespace tandem::gateway::backhaul
