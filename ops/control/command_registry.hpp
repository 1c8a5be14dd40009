#pragma once
/// The commands a daemon offers on its control socket, and the sans-I/O protocol over them:
/// one JSON request line in, one JSON response line out (docs/ctl.md, "Protocol").
///
/// A request names its command either exactly with "cmd" (and named "args"), or with words in
/// "argv" (what tandem-ctl sends): the longest registered name made of the leading words is the
/// command, and the remaining words are its arguments, by position or as `name=value`.
///
/// Threads: add() at start-up; handle*() on the daemon's io_context thread, which is where the
/// handlers run (they may touch the daemon's control-plane state directly).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/counters.hpp"
#include "ops/control/command.hpp"

namespace tandem::ops::control {

class command_registry {
 public:
  command_registry() = default;
  command_registry(const command_registry&) = delete;
  command_registry& operator=(const command_registry&) = delete;

  /// Registers a command. Refuses an empty or duplicate name, or a `rest` argument that is not
  /// the last one.
  expected<void, std::string> add(command_spec spec, command_handler handler);

  /// One request line (without its newline) to one response line (without newline).
  [[nodiscard]] std::string handle_line(std::string_view line);

  /// One parsed request to its response object.
  [[nodiscard]] json handle(const json& request);

  /// The registered commands, sorted by name.
  [[nodiscard]] std::vector<const command_spec*> commands() const;
  /// The command of exactly that name, or nullptr.
  [[nodiscard]] const command_spec* find(std::string_view name) const;

  /// "requests", "ok", "error.<code>".
  [[nodiscard]] counter_set& counters() { return counters_; }

  /// The response for a line that exceeded the limit (the transport closes the connection).
  [[nodiscard]] static std::string line_too_long_response(std::size_t limit);

 private:
  struct entry {
    command_spec spec;
    command_handler handler;
    std::vector<std::string> words;
  };

  [[nodiscard]] command_result dispatch(const json& request);

  std::vector<entry> entries_;
  counter_set counters_{"control"};
};

}  // namespace tandem::ops::control
