#pragma once
/// A bounded single-producer single-consumer queue: how the control plane and a media thread
/// hand work to each other without a lock (DESIGN.md "The media plane"). Storage is allocated
/// once by the constructor; push and pop never allocate and never block.
///
/// Threading: exactly one thread pushes and exactly one thread pops.
#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace tandem::gateway::media {

template <class T>
class spsc_queue {
public:
    explicit spsc_queue(std::size_t capacity) : slots_(capacity + 1) {}
    spsc_queue(const spsc_queue&) = delete;
    spsc_queue& operator=(const spsc_queue&) = delete;

    /// False (and `value` untouched) when the queue is full.
    bool push(T& value) {
        const auto head = head_.load(std::memory_order_relaxed);
        const auto next = (head + 1) % slots_.size();
        if (next == tail_.load(std::memory_order_acquire)) return false;
        slots_[head] = std::move(value);
        head_.store(next, std::memory_order_release);
        return true;
    }
    bool push(T&& value) { return push(value); }

    std::optional<T> pop() {
        const auto tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_.load(std::memory_order_acquire)) return std::nullopt;
        std::optional<T> out(std::move(slots_[tail]));
        slots_[tail] = T{};
        tail_.store((tail + 1) % slots_.size(), std::memory_order_release);
        return out;
    }

    [[nodiscard]] bool empty() const noexcept {
        return tail_.load(std::memory_order_acquire) == head_.load(std::memory_order_acquire);
    }

private:
    std::vector<T> slots_;
    alignas(64) std::atomic<std::size_t> head_{0};
    alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace tandem::gateway::media
