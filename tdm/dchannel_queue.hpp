#pragma once
/// A bounded queue of D-channel frames from any thread to a span's clock thread. Storage is
/// allocated once; push and pop copy under a mutex held only for the copy.
///
/// Threads: push() from any thread; pop() from the span's clock thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <span>
#include <vector>

namespace tandem::tdm {

class dchannel_queue {
 public:
  /// Q.921 N201 (260) plus address and control (ITU-T Q.921 §5.9.3).
  static constexpr std::size_t max_frame = 264;

  explicit dchannel_queue(std::size_t depth) : slots_(depth == 0 ? 1 : depth) {}

  enum class push_result { queued, full, too_long, empty };

  push_result push(std::span<const std::uint8_t> frame) {
    if (frame.empty()) return push_result::empty;
    if (frame.size() > max_frame) return push_result::too_long;
    std::lock_guard lock(mutex_);
    if (count_ == slots_.size()) return push_result::full;
    auto& s = slots_[(head_ + count_) % slots_.size()];
    s.size = frame.size();
    std::memcpy(s.data.data(), frame.data(), frame.size());
    ++count_;
    return push_result::queued;
  }

  /// Copies the oldest frame into `out` (at least max_frame long); returns its size, 0 if none.
  std::size_t pop(std::span<std::uint8_t> out) {
    std::lock_guard lock(mutex_);
    if (count_ == 0 || out.size() < max_frame) return 0;
    const auto& s = slots_[head_];
    std::memcpy(out.data(), s.data.data(), s.size);
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return s.size;
  }

 private:
  struct slot {
    std::size_t size = 0;
    std::array<std::uint8_t, max_frame> data{};
  };
  std::mutex mutex_;
  std::vector<slot> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace tandem::tdm
