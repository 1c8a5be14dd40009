#pragma once
/// A histogram with fixed buckets chosen at construction.
///
/// Threads: observe() is lock-free and wait-free for the buckets (one relaxed atomic add, plus
/// a compare-exchange loop for the sum) and may be called from any thread, media workers
/// included. snapshot() may run concurrently from any thread; `count` is computed from the
/// buckets so a snapshot always has `_count` equal to the +Inf bucket, while `sum` may lag by
/// the observations in flight.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ops/metrics/sample.hpp"

namespace tandem::ops::metrics {

class histogram {
 public:
  /// `upper_bounds` must be finite, strictly ascending and non-empty (checked by the registry,
  /// which throws std::invalid_argument at start-up otherwise). +Inf is implicit.
  explicit histogram(std::span<const double> upper_bounds);

  /// Counts one observation in the first bucket whose upper bound is >= v (OpenMetrics `le`).
  /// NaN is counted in +Inf only and added to nothing else.
  void observe(double v) noexcept;

  /// Cumulative counts per bound, the sum and the total count.
  [[nodiscard]] histogram_sample snapshot() const;

  [[nodiscard]] const std::vector<double>& upper_bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  /// Non-cumulative counts; the last slot is the +Inf bucket.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
};

/// Buckets for latencies in seconds: 1 ms .. 10 s.
[[nodiscard]] std::vector<double> latency_buckets();
/// `count` bounds start, start*factor, ... (Prometheus ExponentialBuckets).
[[nodiscard]] std::vector<double> exponential_buckets(double start, double factor, int count);
/// `count` bounds start, start+width, ... (Prometheus LinearBuckets).
[[nodiscard]] std::vector<double> linear_buckets(double start, double width, int count);

}  // namespace tandem::ops::metrics
