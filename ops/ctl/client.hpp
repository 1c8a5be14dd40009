#pragma once
/// The client side of the control socket: send one request line, read one response line.
/// Plain POSIX sockets (no Asio: tandem-ctl stays small and quick to build).
#include <chrono>
#include <string>

#include "common/expected.hpp"

namespace tandem::ops::ctl {

struct client_error {
  enum class kind {
    not_running,  ///< no socket file, or nobody listening on it
    denied,       ///< the socket exists but we may not connect (permissions)
    timeout,      ///< no complete response in time
    io,           ///< any other failure, or the daemon closed without answering
  };
  kind what = kind::io;
  std::string message;
};

/// Connects to `socket_path`, sends `request_line` plus '\n', returns the first response line
/// (without its newline).
[[nodiscard]] expected<std::string, client_error> exchange(const std::string& socket_path,
                                                           const std::string& request_line,
                                                           std::chrono::milliseconds timeout);

}  // namespace tandem::ops::ctl
