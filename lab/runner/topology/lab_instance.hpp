#pragma once
/// A running lab: the run folder, the processes started from the plan, their control
/// connections, and the optional packet capture. up() returns only once every PRI link is up
/// (or fails, having stopped whatever it started); down() — and the destructor — stop every
/// process: SIGTERM, a bounded wait, SIGKILL.
///
/// Threads: one owner (the runner's main thread).
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "lab/runner/driver/control_client.hpp"
#include "lab/runner/topology/child_process.hpp"
#include "lab/runner/topology/lab_config.hpp"
#include "lab/runner/topology/plan.hpp"

namespace tandem::lab::runner {

/// One started node.
struct running_node {
  process_plan plan;
  std::optional<child_process> process;
  std::uint16_t control_port = 0;
  std::optional<control_client> control;
};

struct lab_options {
  /// Parent of the run folders ("run": run/<timestamp>/).
  std::string run_root = "run";
  /// Folders searched for the programs before $PATH.
  std::vector<std::string> program_dirs;
  /// Capture the lab's TCP ports on lo with dumpcap into the run folder.
  bool capture = true;
  std::chrono::milliseconds stop_grace{3000};
  /// Polled while waiting: true stops the wait (Ctrl-C).
  std::function<bool()> interrupted = [] { return false; };
};

class lab_instance {
 public:
  /// Creates the run folder, writes the generated configs, starts the processes, connects to
  /// their control ports and waits until every span's D-channel is up. Progress goes to `out`.
  [[nodiscard]] static expected<std::unique_ptr<lab_instance>, std::string> up(const lab_config& lab,
                                                                               const lab_options& options,
                                                                               std::ostream& out);
  ~lab_instance();
  lab_instance(const lab_instance&) = delete;
  lab_instance& operator=(const lab_instance&) = delete;

  /// Stops everything (idempotent). Says how each process ended.
  void down(std::ostream& out);

  [[nodiscard]] const std::string& run_dir() const { return run_dir_; }
  [[nodiscard]] const lab_config& config() const { return lab_; }
  [[nodiscard]] std::vector<running_node>& nodes() { return nodes_; }
  [[nodiscard]] running_node* node(std::string_view name);
  /// Remarks for the report (a capture skipped, and why).
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }
  /// The pcap file when a capture runs.
  [[nodiscard]] const std::string& capture_file() const { return capture_file_; }
  /// The call agent's call records (CSV); empty without a call agent.
  [[nodiscard]] const std::string& cdr_path() const { return cdr_path_; }
  /// The IP ports given to the daemons.
  [[nodiscard]] const port_allocation& ports() const { return ports_; }

 private:
  lab_instance(lab_config lab, lab_options options) : lab_(std::move(lab)), options_(std::move(options)) {}
  expected<void, std::string> start(std::ostream& out);
  expected<void, std::string> wait_links(std::ostream& out);
  /// What the call agent has not reported yet (topology/readiness.hpp), from its log.
  [[nodiscard]] std::vector<std::string> call_agent_pending() const;
  void start_capture(std::ostream& out);
  void write_state() const;

  lab_config lab_;
  lab_options options_;
  std::string run_dir_;
  std::string socket_dir_;
  bool own_socket_dir_ = false;
  std::vector<running_node> nodes_;
  std::optional<child_process> capture_;
  std::string capture_file_;
  std::string cdr_path_;
  port_allocation ports_;
  std::vector<std::string> notes_;
  bool down_ = false;
};

/// Stops the lab recorded in `run_dir`/lab.state by a `tandem-lab up` still running elsewhere:
/// SIGTERM to that supervisor (which stops its processes), then to any recorded process left.
[[nodiscard]] expected<void, std::string> stop_recorded_lab(const std::string& run_dir, std::ostream& out);

}  // namespace tandem::lab::runner
