/// Quiet virtual endpoints are left out of ticks (media_engine: epoll readiness, wake_at_):
/// what they would have done must still happen at the right tick. Real oRTP sockets on
/// 127.0.0.1; ticks driven by hand.
#include <gtest/gtest.h>

#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

media::media_engine_config virtual_engine(unsigned endpoints) {
    media::media_engine_config c;
    c.virtual_endpoints = endpoints;
    c.ports = free_port_range(64);
    return c;
}

std::vector<media::media_event> drain(media::media_engine& e) {
    std::vector<media::media_event> out;
    while (auto ev = e.next_event()) out.push_back(*ev);
    return out;
}

TEST(quiet_endpoints, when_a_recvonly_connection_gets_no_rtp_then_its_timeout_fires_at_the_configured_tick) {
    auto engine = std::move(*media::media_engine::create(virtual_engine(4)));
    auto p = params_for("PCMA", 8, 20);
    p.mode = media::connection_mode::recvonly;
    p.rtp_timeout = std::chrono::milliseconds(300);  // 30 ticks
    auto c = engine->create_connection(*engine->find_endpoint("rtp/2"), p);
    ASSERT_TRUE(c.has_value());
    // Many idle ticks first on the other endpoints' behalf, so that rtp/2 sleeps in between.
    std::size_t fired_at = 0;
    for (std::size_t t = 1; t <= 100 && fired_at == 0; ++t) {
        engine->tick(nullptr, nullptr);
        for (const auto& ev : drain(*engine))
            if (ev.kind == media::media_event_kind::rtp_timeout && ev.connection == c->id) fired_at = t;
    }
    // Tick 1 applies the CRCX; the connection then counts 30 silent ticks.
    EXPECT_GE(fired_at, 30u);
    EXPECT_LE(fired_at, 32u);
}

TEST(quiet_endpoints, when_rtp_arrives_at_a_sleeping_connection_then_it_is_read_and_counted_at_once) {
    auto engine = std::move(*media::media_engine::create(virtual_engine(4)));
    auto quiet = params_for("PCMA", 8, 20);
    quiet.mode = media::connection_mode::recvonly;
    auto rx = engine->create_connection(*engine->find_endpoint("rtp/1"), quiet);
    ASSERT_TRUE(rx.has_value());
    for (int t = 0; t < 200; ++t) engine->tick(nullptr, nullptr);  // asleep by now
    EXPECT_EQ(engine->statistics(rx->id)->packets_received, 0u);

    // A sender on another endpoint (sendonly toward rx): its packets wake rx's endpoint.
    auto loud = params_for("PCMA", 8, 20);
    loud.mode = media::connection_mode::sendonly;
    loud.remote = media::remote_address{"127.0.0.1", rx->local_port};
    auto tx = engine->create_connection(*engine->find_endpoint("rtp/3"), loud);
    ASSERT_TRUE(tx.has_value());
    for (int t = 0; t < 20; ++t) engine->tick(nullptr, nullptr);
    const auto sent = engine->statistics(tx->id)->packets_sent;
    const auto received = engine->statistics(rx->id)->packets_received;
    EXPECT_GE(sent, 9u);
    // Each packet is read in the tick after it was sent (the sender ticks after rx's epoll check).
    EXPECT_GE(received + 1, sent);
}

TEST(quiet_endpoints, when_a_connection_joins_an_endpoint_that_slept_long_then_it_does_not_time_out_early) {
    auto engine = std::move(*media::media_engine::create(virtual_engine(2)));
    auto p = params_for("PCMA", 8, 20);
    p.mode = media::connection_mode::recvonly;
    p.rtp_timeout = std::chrono::milliseconds(200);
    for (int t = 0; t < 500; ++t) engine->tick(nullptr, nullptr);  // rtp/1 free and asleep
    auto c = engine->create_connection(*engine->find_endpoint("rtp/1"), p);
    ASSERT_TRUE(c.has_value());
    for (int t = 1; t <= 15; ++t) {
        engine->tick(nullptr, nullptr);
        for (const auto& ev : drain(*engine))
            EXPECT_NE(ev.kind, media::media_event_kind::rtp_timeout) << "timed out after " << t << " ticks";
    }
}

TEST(quiet_endpoints, when_a_connection_sends_a_signal_from_a_virtual_endpoint_then_it_never_sleeps) {
    auto engine = std::move(*media::media_engine::create(virtual_engine(2)));
    auto rx = engine->create_connection(*engine->find_endpoint("rtp/2"), [] {
        auto p = params_for("PCMA", 8, 20);
        p.mode = media::connection_mode::recvonly;
        return p;
    }());
    ASSERT_TRUE(rx.has_value());
    auto p = params_for("PCMA", 8, 20);
    p.mode = media::connection_mode::sendonly;
    p.remote = media::remote_address{"127.0.0.1", rx->local_port};
    for (int t = 0; t < 100; ++t) engine->tick(nullptr, nullptr);
    // A connection with a ringback on it: the endpoint must keep sending (not sleep).
    auto tx = engine->create_connection(*engine->find_endpoint("rtp/1"), p);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(engine->play_signal(*engine->find_endpoint("rtp/1"), media::signal_tone::ringback, 0, tx->id));
    for (int t = 0; t < 100; ++t) engine->tick(nullptr, nullptr);
    EXPECT_GE(engine->statistics(tx->id)->packets_sent, 45u);
    EXPECT_GE(engine->statistics(rx->id)->packets_received, 45u);
}

}  // namespace
}  // namespace tandem::gateway::test
