#pragma once
/// A process the lab started: fork/exec with stdout and stderr into a log file, in its own
/// process group, told by the kernel to die with the runner (PR_SET_PDEATHSIG), and stopped
/// with SIGTERM, a bounded wait, then SIGKILL. The destructor stops it: a lab never leaves an
/// orphan behind, also when the runner fails or is interrupted.
///
/// Threads: one owner (the runner's main thread).
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/expected.hpp"

namespace tandem::lab::runner {

class child_process {
 public:
  /// Starts `program` with `args`; its output goes to `log_path` (appended).
  [[nodiscard]] static expected<child_process, std::string> start(const std::string& program,
                                                                   const std::vector<std::string>& args,
                                                                   const std::string& log_path);
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process();

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Whether it still runs (reaps it when it ended; the exit status is kept).
  [[nodiscard]] bool running();
  /// "exit 0", "signal 9 (Killed)", "running".
  [[nodiscard]] std::string status_text() const;

  /// How a stop went.
  enum class stop_result { already_ended, terminated, killed };
  /// SIGTERM to the process group, wait up to `grace`, then SIGKILL and reap.
  stop_result stop(std::chrono::milliseconds grace = std::chrono::milliseconds{3000});

 private:
  explicit child_process(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

/// Looks for an executable: each folder of `dirs` in order, then $PATH. Empty when not found.
[[nodiscard]] std::string find_program(const std::string& name, const std::vector<std::string>& dirs);

}  // namespace tandem::lab::runner
