#pragma once
/// Named counters: every verb, every rejection path and every failure reason has one, listed
/// with its meaning in docs/counters.md.
///
/// Threads: counter_set::get() is called by the owning component while it is set up or on its
/// control thread; counter::add() is lock-free and may be called from any thread (media
/// workers included); snapshot() may be called from any thread.
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem {

/// A monotonically increasing count.
class counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// The counters of one component, named "<prefix>.<name>" (e.g. "mgcp.rx.crcx").
/// References returned by get() stay valid for the life of the set.
class counter_set {
 public:
  explicit counter_set(std::string prefix) : prefix_(std::move(prefix)) {}
  counter_set(const counter_set&) = delete;
  counter_set& operator=(const counter_set&) = delete;

  /// The counter of that name, created at zero on first use.
  counter& get(std::string_view name);

  /// Value of one counter, 0 if it was never created.
  [[nodiscard]] std::uint64_t value(std::string_view name) const;

  /// Every counter with its full name, sorted by name.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> snapshot() const;

  [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

 private:
  std::string prefix_;
  mutable std::mutex mutex_;
  std::deque<counter> storage_;
  std::map<std::string, counter*, std::less<>> by_name_;
};

}  // namespace tandem
