#pragma once
/// Operations for tandem-pstn (docs/metrics.md, docs/ctl.md): the metrics endpoint and the
/// tandem-ctl socket, with counters of Q.931 call events and causes (counted as the exchange
/// reports them to its notifier), gauges of calls and spans, the spans' block statistics, and
/// the commands `show spans`, `show calls`, `show call`, `release`.
///
/// The binding sits between the exchange and its JSON-lines control server: it counts each
/// event and passes it on.
///
/// Threads: the daemon's io_context thread (the exchange's).
#include <memory>
#include <string>
#include <string_view>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "lab/pstn/exchange.hpp"
#include "ops/ops_config.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::lab::pstn {

class ops_binding final : public exchange_notifier {
 public:
  /// `next` gets every event after it is counted.
  ops_binding(boost::asio::io_context& io, const tandem::ops::ops_config& config, exchange_notifier& next);
  ~ops_binding() override;
  ops_binding(const ops_binding&) = delete;
  ops_binding& operator=(const ops_binding&) = delete;

  /// Registers the gauges and commands that read `ex` (which must outlive this).
  void attach(exchange& ex);
  /// Starts the configured servers; prints "metrics port N" on stdout.
  [[nodiscard]] expected<void, std::string> start();
  void stop();

  void on_call_event(const call_record& call, const call_event& event) override;
  void on_span_event(unsigned span, std::string_view what, std::string_view detail) override;

  [[nodiscard]] const counter_set& counters() const { return counters_; }

  struct impl;

 private:
  exchange_notifier& next_;
  counter_set counters_{"pstn"};
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::lab::pstn
