#pragma once
/// A value that goes up and down (connections, calls, jitter buffer depth).
///
/// Threads: set/add/value are lock-free and may be called from any thread.
#include <atomic>

namespace tandem::ops::metrics {

class gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept {
    double old = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
    }
  }
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace tandem::ops::metrics
