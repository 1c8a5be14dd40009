#include "gateway/media/media_clock.hpp"

namespace tandem::gateway::media {

void media_clock::start() {
    if (running_.exchange(true)) return;
    thread_ = std::thread([this] {
        auto deadline = std::chrono::steady_clock::now();
        while (running_.load(std::memory_order_relaxed)) {
            engine_.tick(nullptr, nullptr);
            ticks_.fetch_add(1, std::memory_order_relaxed);
            deadline += period_;
            const auto now = std::chrono::steady_clock::now();
            if (now > deadline + period_) {
                // Starved for more than a period: count it and restart the schedule from now
                // rather than running a burst of catch-up ticks.
                overruns_.fetch_add(1, std::memory_order_relaxed);
                deadline = now;
            }
            std::this_thread::sleep_until(deadline);
        }
    });
}

void media_clock::stop() {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
}

}  // namespace tandem::gateway::media
