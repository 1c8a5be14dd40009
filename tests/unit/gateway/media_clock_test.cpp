/// The engine on its own media thread (free-running clock) while the control thread creates,
/// modifies and deletes connections: hand-offs through the queues only. Bounded waits on tick
/// counts, never assertions on wall-clock time.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/media/media_clock.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

/// Waits (bounded) until the clock has made `n` more ticks.
bool wait_ticks(const media::media_clock& clock, std::uint64_t n) {
    const auto target = clock.ticks() + n;
    for (int i = 0; i < 2000 && clock.ticks() < target; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return clock.ticks() >= target;
}

TEST(media_clock, when_the_control_thread_churns_connections_then_the_media_thread_keeps_ticking_and_ports_come_back) {
    media::media_engine_config c;
    c.virtual_endpoints = 4;
    c.ports = free_port_range(64);
    auto engine = media::media_engine::create(c);
    ASSERT_TRUE(engine);
    auto& e = **engine;
    media::media_clock clock(e);
    clock.start();
    for (int round = 0; round < 5; ++round) {
        std::vector<media::connection_info> made;
        for (unsigned ep = 1; ep <= 4; ++ep) {
            auto x = e.create_connection(*e.find_endpoint(fmt::format("rtp/{}", ep)), params_for("PCMU", 0, 20));
            auto y = e.create_connection(*e.find_endpoint(fmt::format("rtp/{}", ep % 4 + 1)), params_for("G729", 18, 20));
            ASSERT_TRUE(x && y);
            ASSERT_TRUE(join(e, *x, *y));
            made.push_back(*x);
            made.push_back(*y);
        }
        ASSERT_TRUE(wait_ticks(clock, 10));
        for (const auto& m : made) ASSERT_TRUE(e.modify_connection(m.id, new_mode(media::connection_mode::confrnce)));
        ASSERT_TRUE(wait_ticks(clock, 10));
        for (const auto& m : made) ASSERT_TRUE(e.delete_connection(m.id));
        ASSERT_TRUE(wait_ticks(clock, 3));
        e.collect();
        EXPECT_EQ(e.ports_in_use(), 0u) << "round " << round;
    }
    clock.stop();
    EXPECT_EQ(e.connection_count(), 0u);
}

}  // namespace
}  // namespace tandem::gateway::test
