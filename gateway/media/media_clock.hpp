#pragma once
/// What drives a media engine's ticks:
///   span_media_handler  a span's clock thread (tdm::span_handler::on_tick), for timeslot
///                       endpoints: the trunk is the clock, as on a real gateway;
///   media_clock         a free-running thread every `period` (steady_clock, absolute
///                       deadlines so it does not drift), for engines of virtual `rtp/<n>`
///                       endpoints, which have no span.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "gateway/media/media_engine.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::media {

/// Forwards a span's ticks to an engine. D-channel frames are not the media plane's business
/// (the backhaul relays them): they are counted and dropped here.
class span_media_handler final : public tdm::span_handler {
public:
    explicit span_media_handler(media_engine& engine) : engine_(engine) {}
    void on_tick(const tdm::block& rx, tdm::block& tx) override { engine_.tick(&rx, &tx); }
    void on_dchannel_frame(std::span<const std::uint8_t>) override {
        dchannel_frames_.fetch_add(1, std::memory_order_relaxed);
    }
    void on_alarm(tdm::alarm active) override {
        alarms_.store(static_cast<std::uint8_t>(active), std::memory_order_relaxed);
    }
    [[nodiscard]] tdm::alarm alarms() const noexcept {
        return static_cast<tdm::alarm>(alarms_.load(std::memory_order_relaxed));
    }
    [[nodiscard]] std::uint64_t dchannel_frames() const noexcept { return dchannel_frames_.load(); }

private:
    media_engine& engine_;
    std::atomic<std::uint8_t> alarms_{0};
    std::atomic<std::uint64_t> dchannel_frames_{0};
};

/// A free-running media clock thread. start/stop on the control thread.
class media_clock {
public:
    explicit media_clock(media_engine& engine, std::chrono::microseconds period = std::chrono::milliseconds(10))
        : engine_(engine), period_(period) {}
    ~media_clock() { stop(); }
    media_clock(const media_clock&) = delete;
    media_clock& operator=(const media_clock&) = delete;

    void start();
    void stop();
    [[nodiscard]] std::uint64_t ticks() const noexcept { return ticks_.load(); }
    /// Ticks that started later than one period after their deadline (the thread was starved).
    [[nodiscard]] std::uint64_t overruns() const noexcept { return overruns_.load(); }

private:
    media_engine& engine_;
    std::chrono::microseconds period_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> ticks_{0};
    std::atomic<std::uint64_t> overruns_{0};
};

}  // namespace tandem::gateway::media
