#pragma once
/// The TCP side of the control protocol: accepts clients on 127.0.0.1 (port 0: any free
/// port), reads request lines, writes response lines, and pushes event lines to every client.
/// Also the exchange_notifier that turns call progress into events.
///
/// Threads: everything on the exchange's io_context thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/expected.hpp"
#include "lab/pstn/exchange.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::lab::pstn::control {

class control_server final : public exchange_notifier {
 public:
  /// `on_shutdown` runs when a client sends "shutdown".
  control_server(boost::asio::io_context& io, std::function<void()> on_shutdown);
  ~control_server() override;

  /// Binds and listens. Returns the port actually bound.
  [[nodiscard]] expected<std::uint16_t, std::string> listen(const std::string& address, std::uint16_t port);
  /// Serves requests with this exchange (set once it exists; before that, events only).
  void attach(exchange& ex);
  /// Closes the listener and every client.
  void close();

  void on_call_event(const call_record& call, const call_event& event) override;
  void on_span_event(unsigned span, std::string_view what, std::string_view detail) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::lab::pstn::control
