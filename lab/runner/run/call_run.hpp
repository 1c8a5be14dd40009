#pragma once
/// One run of a scenario's call: the steps in order, each checked against what the lab
/// reports, without ever blocking, so that a load run steps many calls in one loop.
///
/// States (one enum) and transitions:
///   running -> cleaning_up   (all steps done, or a step failed: the rest are skipped)
///   cleaning_up -> finished  (every leg released, or the clean-up bound passed)
/// In cleaning_up, legs still up are hung up with cause 16 (normal clearing).
///
/// Time: step() is given `now`; timings (within, wait) count from when a step starts.
/// Threads: one owner (the runner's main thread).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "lab/runner/driver/lab_driver.hpp"
#include "lab/runner/report/results.hpp"
#include "lab/runner/scenario/scenario.hpp"

namespace tandem::lab::runner {

using time_point = std::chrono::steady_clock::time_point;

/// Tolerances of the media checks (docs/scenarios.md, "Media checks").
struct media_tolerances {
  double tone_hz = 15.0;
  double tone_db = 2.0;
  /// A tone counts once it lasted this long.
  double tone_min_ms = 60.0;
  /// How often a waiting media check asks for the audio report.
  std::chrono::milliseconds poll{40};
  /// How long an action waits for the called leg to appear before it fails.
  std::chrono::milliseconds leg_wait{5000};
  std::chrono::milliseconds cleanup{5000};
};

class call_run {
 public:
  call_run(const scenario& s, unsigned index, lab_driver& driver, time_point now, media_tolerances tol = {});

  /// Advances as far as possible at `now` (no waiting inside).
  void step(time_point now);
  [[nodiscard]] bool finished() const { return state_ == state::finished; }
  [[nodiscard]] const call_result& result() const { return result_; }

 private:
  enum class state { running, cleaning_up, finished };
  enum class progress { pending, passed, failed };
  struct outcome {
    progress kind = progress::pending;
    std::string detail;
  };
  struct leg {
    std::string node;
    std::string number;
    std::optional<std::uint32_t> id;
  };

  outcome run_step(const step_body& body, time_point now);
  outcome on(const call_step& s, time_point now);
  outcome on(const answer_step& s, time_point now);
  outcome on(const hangup_step& s, time_point now);
  outcome on(const wait_step& s, time_point now);
  outcome on(const expect_signal_step& s, time_point now);
  outcome on(const play_step& s, time_point now);
  outcome on(const expect_media_step& s, time_point now);
  outcome on(const expect_record_step& s, time_point now);
  outcome on(const expect_status_step& s, time_point now);
  outcome hears_reference(const expect_media_step& s, time_point now);
  outcome hears_silence(const expect_media_step& s, time_point now);

  leg& leg_of(leg_role r) { return r == leg_role::caller ? caller_ : callee_; }
  void resolve_callee();
  /// The leg's id, or pending / failed when the called leg has not appeared yet.
  std::optional<outcome> need(const leg& l, time_point now);
  void finish_step(progress p, std::string detail, time_point now);
  void cleanup(time_point now);
  void collect_metrics();
  [[nodiscard]] double ms_since(time_point t, time_point now) const;

  const scenario& scenario_;
  lab_driver& driver_;
  media_tolerances tol_;
  state state_ = state::running;
  call_result result_;
  time_point started_;
  std::size_t next_ = 0;
  time_point step_started_;
  time_point last_poll_{};
  leg caller_;
  leg callee_;
  // Per-step scratch: silence window start (recorded ms and digits at the start).
  std::optional<double> silence_from_ms_;
  std::size_t silence_digits_ = 0;
  time_point cleanup_started_{};
  /// Call records written before this call was placed (its own comes later).
  std::size_t records_before_ = 0;
  bool hangups_sent_ = false;
};

}  // namespace tandem::lab::runner
