/// The RTP port allocator and its use by the engine: exhaustion is an error value, deleted
/// connections give their ports back, nothing leaks over create/delete cycles.
#include <gtest/gtest.h>

#include <set>

#include "gateway/rtp/port_allocator.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

TEST(port_allocator, when_the_range_is_used_up_then_allocate_answers_exhausted) {
    auto pa = rtp::port_allocator::create({40001, 40010});  // even ports 40002..40010 -> 4 pairs
    ASSERT_TRUE(pa);
    EXPECT_EQ(pa->capacity(), 4u);
    std::set<std::uint16_t> got;
    for (int i = 0; i < 4; ++i) {
        auto p = pa->allocate();
        ASSERT_TRUE(p);
        EXPECT_EQ(*p % 2, 0) << "RTP on even ports (RFC 3550 §11)";
        EXPECT_LE(*p + 1, 40010);
        got.insert(*p);
    }
    EXPECT_EQ(got.size(), 4u);
    auto none = pa->allocate();
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), rtp::port_error::exhausted);
    ASSERT_TRUE(pa->release(40004));
    auto again = pa->allocate();
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 40004);
}

TEST(port_allocator, when_a_port_is_released_twice_or_never_taken_then_it_is_an_error) {
    auto pa = rtp::port_allocator::create({40000, 40003});
    ASSERT_TRUE(pa);
    auto p = pa->allocate();
    ASSERT_TRUE(p);
    EXPECT_TRUE(pa->release(*p));
    EXPECT_EQ(pa->release(*p).error(), rtp::port_error::not_allocated);
    EXPECT_EQ(pa->release(40001).error(), rtp::port_error::not_allocated);
    EXPECT_EQ(pa->release(50000).error(), rtp::port_error::not_allocated);
    EXPECT_EQ(pa->in_use(), 0u);
}

TEST(port_allocator, when_the_range_is_empty_then_create_fails) {
    EXPECT_EQ(rtp::port_allocator::create({5000, 5000}).error(), rtp::port_error::bad_range);
    EXPECT_EQ(rtp::port_allocator::create({6000, 5000}).error(), rtp::port_error::bad_range);
}

TEST(port_allocator, when_freed_ports_are_reused_last_then_a_just_deleted_port_is_not_next) {
    auto pa = rtp::port_allocator::create({40000, 40007});
    ASSERT_TRUE(pa);
    auto first = *pa->allocate();
    ASSERT_TRUE(pa->release(first));
    EXPECT_NE(*pa->allocate(), first);
}

TEST(engine_ports, when_connections_exceed_the_range_then_crcx_fails_with_no_port) {
    e1_bench bench(0, 8);  // 4 RTP/RTCP pairs
    ASSERT_TRUE(bench.engine);
    auto p = params_for("PCMA", 8, 20);
    std::vector<media::connection_info> made;
    for (unsigned ts = 1; ts <= 4; ++ts) {
        auto c = bench.engine->create_connection(bench.ts(ts), p);
        ASSERT_TRUE(c) << media::to_string(c.error());
        made.push_back(*c);
    }
    auto extra = bench.engine->create_connection(bench.ts(5), p);
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error(), media::media_error::no_port);
    EXPECT_EQ(bench.engine->ports_in_use(), 4u);
    EXPECT_EQ(bench.engine->counters().value("crcx.refused.no_port"), 1u);
    EXPECT_EQ(bench.engine->counters().value("crcx.accepted"), 4u);
}

TEST(engine_ports, when_connections_are_created_and_deleted_in_cycles_then_no_port_leaks) {
    e1_bench bench(0, 8);
    ASSERT_TRUE(bench.engine);
    auto p = params_for("PCMU", 0, 20);
    for (int cycle = 0; cycle < 10; ++cycle) {
        std::vector<media::connection_info> made;
        for (unsigned ts = 1; ts <= 4; ++ts) {
            auto c = bench.engine->create_connection(bench.ts(ts), p);
            ASSERT_TRUE(c) << "cycle " << cycle << ": " << media::to_string(c.error());
            made.push_back(*c);
        }
        bench.tick();  // the media thread takes them
        for (const auto& c : made) ASSERT_TRUE(bench.engine->delete_connection(c.id));
        bench.tick();  // ... and lets them go
        bench.engine->collect();
        EXPECT_EQ(bench.engine->ports_in_use(), 0u);
        EXPECT_EQ(bench.engine->connection_count(), 0u);
    }
}

TEST(engine_ports, when_a_connection_is_unknown_then_modify_and_delete_say_so) {
    e1_bench bench;
    EXPECT_EQ(bench.engine->delete_connection(media::connection_id(999)).error(),
              media::media_error::unknown_connection);
    EXPECT_EQ(bench.engine->modify_connection(media::connection_id(999), remote_port(1000)).error(),
              media::media_error::unknown_connection);
    EXPECT_EQ(bench.engine->create_connection(media::endpoint_index(999), params_for("PCMA", 8, 20)).error(),
              media::media_error::unknown_endpoint);
    auto ok = bench.engine->create_connection(bench.ts(2), params_for("PCMA", 8, 20));
    ASSERT_TRUE(ok);
    media::connection_changes to_name;
    to_name.remote = media::remote_address{"peer.example.net", 4000};  // SDP c= must be numeric here
    EXPECT_EQ(bench.engine->modify_connection(ok->id, to_name).error(), media::media_error::bad_address);
    EXPECT_EQ(bench.engine->modify_connection(ok->id, remote_port(0)).error(), media::media_error::bad_address);
    ASSERT_TRUE(bench.engine->delete_connection(ok->id));
    bench.tick();
    bench.engine->collect();
    auto bad = params_for("PCMA", 8, 25);  // not a whole number of 10 ms frames
    EXPECT_EQ(bench.engine->create_connection(bench.ts(1), bad).error(),
              media::media_error::unsupported_ptime);
    EXPECT_EQ(bench.engine->ports_in_use(), 0u) << "a refused CRCX gives its port back";
    EXPECT_EQ(bench.engine->counters().value("crcx.refused.unsupported_ptime"), 1u);
    EXPECT_EQ(bench.engine->counters().value("dlcx.refused.unknown_connection"), 1u);
}

TEST(engine_ports, when_an_endpoint_has_all_its_connections_then_another_crcx_is_refused) {
    e1_bench bench;
    auto p = params_for("PCMA", 8, 20);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(bench.engine->create_connection(bench.ts(1), p));
    auto fifth = bench.engine->create_connection(bench.ts(1), p);
    ASSERT_FALSE(fifth);
    EXPECT_EQ(fifth.error(), media::media_error::too_many_connections);
    EXPECT_EQ(bench.engine->ports_in_use(), 4u);
    EXPECT_TRUE(bench.engine->create_connection(bench.ts(2), p)) << "other endpoints are not affected";
}

}  // namespace
}  // namespace tandem::gateway::test
