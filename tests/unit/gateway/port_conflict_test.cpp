/// A port of the engine's range that another process holds does not fail CRCX: the next free
/// port is taken (media_engine::create_connection), and the conflict is counted.
#include <gtest/gtest.h>

#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

/// A UDP socket bound to 127.0.0.1:port, closed at the end of the scope.
struct held_port {
    explicit held_port(std::uint16_t port) : fd(::socket(AF_INET, SOCK_DGRAM, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~held_port() {
        if (fd >= 0) ::close(fd);
    }
    int fd;
    bool bound = false;
};

TEST(port_conflict, when_another_process_holds_the_next_port_then_crcx_binds_the_one_after) {
    media::media_engine_config c;
    c.virtual_endpoints = 2;
    c.ports = free_port_range(8);
    ASSERT_NE(c.ports.first, 0) << "no free port range";
    auto engine = std::move(*media::media_engine::create(c));
    held_port other(c.ports.first);  // the RTP port the allocator hands out first
    ASSERT_TRUE(other.bound);
    auto conn = engine->create_connection(*engine->find_endpoint("rtp/1"), params_for("PCMA", 8, 20));
    ASSERT_TRUE(conn.has_value()) << media::to_string(conn.error());
    EXPECT_EQ(conn->local_port, c.ports.first + 2);
    EXPECT_EQ(engine->counters().value("crcx.port_in_use_elsewhere"), 1u);
}

TEST(port_conflict, when_every_port_is_held_elsewhere_then_crcx_is_refused_with_bind_failed_and_nothing_leaks) {
    media::media_engine_config c;
    c.virtual_endpoints = 1;
    c.ports = free_port_range(4);
    ASSERT_NE(c.ports.first, 0) << "no free port range";
    auto engine = std::move(*media::media_engine::create(c));
    held_port a(c.ports.first), b(static_cast<std::uint16_t>(c.ports.first + 2));
    ASSERT_TRUE(a.bound && b.bound);
    auto conn = engine->create_connection(*engine->find_endpoint("rtp/1"), params_for("PCMA", 8, 20));
    ASSERT_FALSE(conn.has_value());
    EXPECT_EQ(conn.error(), media::media_error::bind_failed);
    EXPECT_EQ(engine->ports_in_use(), 0u);
    EXPECT_EQ(engine->connection_count(), 0u);
}

}  // namespace
}  // namespace tandem::gateway::test
