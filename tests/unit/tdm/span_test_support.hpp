#pragma once
/// Test doubles for span tests: a handler that writes a per-timeslot pattern and checks what
/// arrives, a temp directory for sockets, and a bounded wait.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tdm/span.hpp"

namespace tandem::tdm::test {

/// Polls `done` every 2 ms for at most `limit`; true when it became true. Bounds a wait, never
/// measures one.
template <class F>
bool wait_until(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

/// A private directory under /tmp, removed with its sockets at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = "/tmp/tandem-tdm-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
  [[nodiscard]] bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

/// The octet a side with `seed` writes at sample `i` of timeslot `n`: distinct per timeslot and
/// direction, so a swapped slot or direction shows.
inline std::uint8_t pattern_octet(std::uint8_t seed, unsigned n, unsigned i) {
  return static_cast<std::uint8_t>(seed + n * 13 + i * 7);
}

/// Writes its pattern on every bearer and checks that rx holds the peer's pattern on every
/// bearer (a good block) or idle everywhere (a late or lost block); anything else is bad.
class pattern_handler : public span_handler {
 public:
  pattern_handler(span_layout layout, std::uint8_t own_seed, std::uint8_t peer_seed)
      : layout_(layout), own_(own_seed), peer_(peer_seed), bearers_(layout.bearers()) {}

  void on_tick(const block& rx, block& tx) override {
    ticks.fetch_add(1);
    const auto idle = layout_.idle_octet();
    bool all_idle = true, all_match = true;
    for (unsigned n : bearers_) {
      const auto s = rx.slot(layout_.position(n));
      for (unsigned i = 0; i < s.size(); ++i) {
        if (s[i] != idle) all_idle = false;
        if (s[i] != pattern_octet(peer_, n, i)) all_match = false;
      }
    }
    bool non_bearers_idle = true;
    for (unsigned n = layout_.first_number(); n <= layout_.last_number(); ++n) {
      if (layout_.is_bearer(n)) continue;
      for (auto b : rx.slot(layout_.position(n))) non_bearers_idle = non_bearers_idle && b == idle;
    }
    if (all_match && non_bearers_idle) good_blocks.fetch_add(1);
    else if (all_idle && non_bearers_idle) idle_blocks.fetch_add(1);
    else bad_blocks.fetch_add(1);
    for (unsigned n : bearers_) {
      auto s = tx.slot(layout_.position(n));
      for (unsigned i = 0; i < s.size(); ++i) s[i] = pattern_octet(own_, n, i);
    }
  }

  void on_dchannel_frame(std::span<const std::uint8_t> frame) override {
    std::lock_guard lock(mutex_);
    frames_.emplace_back(frame.begin(), frame.end());
  }

  void on_alarm(alarm active) override {
    const auto before = static_cast<alarm>(last_alarm.exchange(static_cast<std::uint8_t>(active)));
    if (any(before & alarm::loss_of_signal) && !any(active & alarm::loss_of_signal))
      loss_of_signal_clears.fetch_add(1);
  }

  [[nodiscard]] std::vector<std::vector<std::uint8_t>> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  /// How often loss of signal went from raised to cleared.
  std::atomic<unsigned> loss_of_signal_clears{0};

  [[nodiscard]] bool has_alarm(alarm a) const {
    return any(static_cast<alarm>(last_alarm.load()) & a);
  }

  std::atomic<std::uint64_t> ticks{0}, good_blocks{0}, idle_blocks{0}, bad_blocks{0};
  std::atomic<std::uint8_t> last_alarm{0};

 private:
  span_layout layout_;
  std::uint8_t own_, peer_;
  std::vector<unsigned> bearers_;
  mutable std::mutex mutex_;
  std::vector<std::vector<std::uint8_t>> frames_;
};

}  // namespace tandem::tdm::test
