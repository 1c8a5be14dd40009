#pragma once
/// The control protocol of tandem-pstn: JSON lines (one JSON object per line) over TCP.
/// Requests carry "cmd" and an optional "id" that the response echoes; responses carry
/// "ok": true plus results, or "ok": false and "error". Events (call progress, span state) are
/// pushed as lines with "event". Full reference with examples: docs/pstn.md.
///
/// Sans-I/O: handle() takes one request line and returns one response line; the server owns
/// the sockets. Runs on the exchange's thread.
#include <string>
#include <string_view>

#include "lab/pstn/exchange.hpp"

namespace tandem::lab::pstn::control {

/// Longest request line accepted; a longer one is answered with an error and dropped.
inline constexpr std::size_t max_line = 16 * 1024;

class protocol {
 public:
  explicit protocol(exchange& ex) : exchange_(ex) {}

  /// One request (without its newline) in, one response (without newline) out.
  [[nodiscard]] std::string handle(std::string_view line);

  /// Whether a "shutdown" request was accepted.
  [[nodiscard]] bool shutdown_requested() const { return shutdown_; }

  /// Event lines pushed to every client.
  [[nodiscard]] static std::string call_event_line(const call_record& call, const call_event& event);
  [[nodiscard]] static std::string span_event_line(unsigned span, std::string_view what,
                                                   std::string_view detail);
  /// The error response for a line that was too long.
  [[nodiscard]] static std::string line_too_long();

 private:
  exchange& exchange_;
  bool shutdown_ = false;
};

}  // namespace tandem::lab::pstn::control
