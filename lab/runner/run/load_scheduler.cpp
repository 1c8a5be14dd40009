#include "lab/runner/run/load_scheduler.hpp"

namespace tandem::lab::runner {

load_scheduler::load_scheduler(const load_spec& spec, const tandem::clock& clock)
    : spec_(spec),
      clock_(clock),
      start_(clock.now()),
      interval_(std::chrono::duration_cast<tandem::duration>(std::chrono::duration<double>(1.0 / spec.rate_per_s))),
      next_due_(start_) {}

bool load_scheduler::may_start(unsigned active) const {
  return !all_started() && active < spec_.max_concurrent && clock_.now() >= next_due_;
}

void load_scheduler::started() {
  if (all_started()) return;
  const auto now = clock_.now();
  // Late by more than a millisecond: held back by the concurrency limit (or a slow loop).
  const bool late = now - next_due_ > std::chrono::milliseconds{1};
  if (late) ++held_back_;
  ++started_;
  // On time: the next is due one interval after this one was due (no drift). Late: one
  // interval after now, so that the offered rate never goes above R to catch up.
  next_due_ = late ? now + interval_ : next_due_ + interval_;
}

tandem::time_point load_scheduler::next_due() const {
  return all_started() ? tandem::time_point::max() : next_due_;
}

}  // namespace tandem::lab::runner
