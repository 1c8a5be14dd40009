#pragma once
/// A client of the tandem-pstn control protocol (JSON lines over TCP on 127.0.0.1; requests
/// with "cmd" and "id", responses with "ok", pushed lines with "event"; lab/pstn/control/
/// protocol.hpp). Blocking requests with a bounded wait; events that arrive meanwhile are
/// queued for the caller.
///
/// Threads: one owner (the runner's main thread).
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"

namespace tandem::lab::runner {

using json = nlohmann::json;

class control_client {
 public:
  /// Connects to 127.0.0.1:`port`.
  [[nodiscard]] static expected<control_client, std::string> connect(std::uint16_t port);
  control_client(control_client&& o) noexcept;
  control_client& operator=(control_client&& o) noexcept;
  control_client(const control_client&) = delete;
  control_client& operator=(const control_client&) = delete;
  ~control_client();

  /// Sends `cmd` with `fields` and waits (bounded) for its response. An "ok": false response
  /// comes back as its error text; so do a timeout and a closed connection.
  [[nodiscard]] expected<json, std::string> request(const std::string& cmd, json fields = json::object(),
                                                    std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});
  /// Reads whatever arrived, waiting at most `wait` for the first byte; queues events.
  void pump(std::chrono::milliseconds wait);
  /// Events received so far, oldest first; the caller takes them.
  [[nodiscard]] std::deque<json> take_events();
  [[nodiscard]] bool open() const { return fd_ >= 0; }

 private:
  explicit control_client(int fd) : fd_(fd) {}
  /// One line from the buffer, or reads more until `deadline`. Empty optional: nothing yet.
  bool read_some(std::chrono::steady_clock::time_point deadline);
  void close();

  int fd_ = -1;
  std::string buffer_;
  std::deque<json> events_;
  std::uint64_t next_id_ = 1;
};

}  // namespace tandem::lab::runner
