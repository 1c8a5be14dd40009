#pragma once
/// When the calls of a load run start: N calls at R calls per second with at most C at once.
/// Call i is due at start + i/R; a call held back because C calls are up starts when one
/// ends, and the calls after it keep at least 1/R between them (the offered rate is never
/// exceeded to catch up). Pure: time comes from an injected clock (tests use manual_clock).
///
/// Threads: one owner.
#include <cstdint>

#include "common/clock.hpp"
#include "lab/runner/scenario/scenario.hpp"

namespace tandem::lab::runner {

class load_scheduler {
 public:
  load_scheduler(const load_spec& spec, const tandem::clock& clock);

  /// Whether a call may start now, with `active` calls up.
  [[nodiscard]] bool may_start(unsigned active) const;
  /// Records that a call started now.
  void started();
  [[nodiscard]] bool all_started() const { return started_ == spec_.calls; }
  [[nodiscard]] unsigned started_count() const { return started_; }
  /// When the next call is due (regardless of concurrency); time_point::max() when none is left.
  [[nodiscard]] tandem::time_point next_due() const;
  /// Calls that started later than due because C calls were up.
  [[nodiscard]] unsigned held_back() const { return held_back_; }

 private:
  load_spec spec_;
  const tandem::clock& clock_;
  tandem::time_point start_;
  tandem::duration interval_;
  tandem::time_point next_due_;
  unsigned started_ = 0;
  unsigned held_back_ = 0;
};

}  // namespace tandem::lab::runner
