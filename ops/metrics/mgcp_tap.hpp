#pragma once
/// MGCP transaction metrics from the datagrams a daemon sends and receives, without touching
/// the transaction engine: a tap on the UDP adapter.
///
/// RFC 3435 §3.5: a command carries a transaction id that its response repeats; a command sent
/// again with the same id is a retransmission; responses 100-199 are provisional, 000 is a
/// response acknowledgement, and every other code is final. Messages piggybacked in one
/// datagram (§3.5.5) are separated by a line holding a single ".".
///
///   command sent (first time)  -> remembered by (peer, transaction id) with its verb and time
///   same command sent again    -> one more transmission
///   final response received    -> latency observed (seconds, from the first transmission),
///                                 retransmissions observed (transmissions - 1), counted by
///                                 verb and code; forgotten
///   no final response          -> forgotten after `max_age` (counted as "abandoned")
///
/// Families (docs/metrics.md): tandem_mgcp_transaction_seconds{verb},
/// tandem_mgcp_transaction_retransmissions{verb}, tandem_mgcp_tap_responses_total{verb,code},
/// tandem_mgcp_tap_abandoned_total.
///
/// Sans-I/O with injected time. Threads: the daemon's control thread only (the histograms
/// themselves may be scraped from anywhere).
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/counters.hpp"
#include "ops/metrics/registry.hpp"

namespace tandem::ops::metrics {

class mgcp_tap {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Registers the families in `registry`; the tap's counter set is adopted there too.
  explicit mgcp_tap(registry& registry, std::chrono::seconds max_age = std::chrono::seconds(120),
                    std::size_t max_pending = 4096);
  ~mgcp_tap();
  mgcp_tap(const mgcp_tap&) = delete;
  mgcp_tap& operator=(const mgcp_tap&) = delete;

  /// A datagram sent to `peer` ("address:port").
  void on_sent(std::string_view peer, std::string_view datagram, time_point now);
  /// A datagram received from `peer`.
  void on_received(std::string_view peer, std::string_view datagram, time_point now);

  /// Commands waiting for their final response.
  [[nodiscard]] std::size_t pending() const { return pending_.size(); }
  [[nodiscard]] const counter_set& counters() const { return counters_; }

 private:
  struct outstanding {
    std::string verb;
    time_point first;
    unsigned transmissions = 1;
  };
  void expire(time_point now);
  histogram& latency_of(const std::string& verb);
  histogram& retransmissions_of(const std::string& verb);

  registry& registry_;
  std::chrono::seconds max_age_;
  std::size_t max_pending_;
  counter_set counters_{"mgcp_tap"};
  std::map<std::pair<std::string, std::string>, outstanding> pending_;  ///< (peer, txid)
  std::map<std::string, histogram*> latency_;
  std::map<std::string, histogram*> retransmissions_;
};

}  // namespace tandem::ops::metrics
