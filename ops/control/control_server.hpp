#pragma once
/// The control socket of a daemon: a Unix stream socket speaking JSON lines (docs/ctl.md),
/// serving a command_registry on the daemon's io_context.
///
/// Each client sends request lines and gets one response line per request, in order; several
/// clients may be connected at once (up to `max_clients`, further ones are closed on accept).
/// A line longer than `max_line` gets a line_too_long error and the connection is closed (the
/// rest of that line cannot be told apart from the next request).
///
/// start() refuses to take over a socket another process still listens on; a stale socket file
/// (nobody listening) is replaced. stop() removes the file.
///
/// Threads: construct, start, stop and every handler on the io_context's thread.
#include <cstddef>
#include <memory>
#include <string>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "ops/control/command_registry.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tandem::ops::control {

/// The `control` group of a daemon's configuration.
struct control_server_config {
  std::string path;                 ///< e.g. /run/tandem/mgw.ctl
  std::size_t max_line = 64 * 1024;
  std::size_t max_clients = 16;
  unsigned mode = 0660;             ///< permissions of the socket file (owner and group)
};

class control_server {
 public:
  control_server(boost::asio::io_context& io, command_registry& commands, control_server_config config);
  ~control_server();
  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  [[nodiscard]] expected<void, std::string> start();
  void stop();

  /// "clients.accepted", "clients.refused", "lines.too_long".
  [[nodiscard]] const counter_set& counters() const;

  /// Implementation detail (shared with the connections, defined in the .cpp).
  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace tandem::ops::control
