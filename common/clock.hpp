#pragma once
/// Injected time. Protocol engines and state machines never read the system clock: they are
/// given a timer_service, so that tests drive time by hand with manual_clock and the daemons
/// use asio_timer_service.
#include <chrono>
#include <cstdint>
#include <functional>

#include "common/strong_id.hpp"

namespace tandem {

using steady_clock = std::chrono::steady_clock;
using time_point = steady_clock::time_point;
using duration = steady_clock::duration;

using timer_id = strong_id<struct timer_id_tag, std::uint64_t>;

/// A source of monotonic time.
class clock {
 public:
  virtual ~clock() = default;
  [[nodiscard]] virtual time_point now() const = 0;
};

/// One-shot timers on top of a clock. Callbacks run on the thread that drives the service
/// (the io_context thread, or the test calling manual_clock::advance).
class timer_service : public clock {
 public:
  using callback = std::function<void()>;

  /// Runs `fn` once at or after `deadline`. The id is never reused.
  virtual timer_id schedule_at(time_point deadline, callback fn) = 0;

  /// Cancels a pending timer; false when it already ran or was cancelled.
  virtual bool cancel(timer_id id) = 0;

  timer_id schedule_after(duration delay, callback fn) {
    return schedule_at(now() + delay, std::move(fn));
  }
};

}  // namespace tandem
