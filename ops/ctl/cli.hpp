#pragma once
/// tandem-ctl's command line: options, the request it sends, what it prints and its exit code
/// (docs/ctl.md). main() only calls run(), so tests drive the whole tool in-process.
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::ops::ctl {

/// Exit codes (docs/ctl.md, "Exit codes").
enum class exit_code : int {
  ok = 0,
  failed = 1,          ///< the command failed (conflict, unavailable, internal, ...)
  usage = 2,           ///< bad tandem-ctl options, unknown command or bad arguments
  unknown_object = 3,  ///< the command named an object the daemon does not have
  not_running = 4,     ///< no daemon on the control socket
  no_response = 5,     ///< time-out, or a response that is not a valid protocol line
};

/// The socket a daemon short name maps to: "mgw" -> "/run/tandem/mgw.ctl".
[[nodiscard]] std::string default_socket_for(std::string_view daemon);

/// Runs tandem-ctl with `args` (without the program name), printing to `out` and `err`.
/// `env_socket` is the value of TANDEM_CTL_SOCKET (empty if unset).
[[nodiscard]] int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      const std::string& env_socket = {});

}  // namespace tandem::ops::ctl
