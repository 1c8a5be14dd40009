#pragma once
/// A timer_service whose time moves only when a test says so.
#include <map>
#include <utility>

#include "common/clock.hpp"

namespace tandem {

class manual_clock final : public timer_service {
 public:
  /// Starts at an arbitrary fixed point (not zero, so that "unset" times stand out).
  manual_clock() : now_(time_point{} + std::chrono::hours(1)) {}

  [[nodiscard]] time_point now() const override { return now_; }
  timer_id schedule_at(time_point deadline, callback fn) override;
  bool cancel(timer_id id) override;

  /// Moves time forward by `d`, running every timer that falls due, in deadline order and at
  /// its own deadline (a callback sees now() == its deadline and may schedule more timers).
  void advance(duration d);

  /// Number of timers not yet run or cancelled.
  [[nodiscard]] std::size_t pending() const noexcept { return timers_.size(); }

  /// Deadline of the earliest pending timer, or time_point::max() when none.
  [[nodiscard]] time_point next_deadline() const;

 private:
  time_point now_;
  std::uint64_t next_id_ = 1;
  // Ordered by (deadline, id): equal deadlines run in the order they were scheduled.
  std::map<std::pair<time_point, std::uint64_t>, callback> timers_;
  std::map<std::uint64_t, time_point> deadlines_;
};

}  // namespace tandem
