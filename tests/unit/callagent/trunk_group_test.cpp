#include <gtest/gtest.h>

#include "callagent/pri_leg.hpp"
#include "callagent/trunk_group.hpp"

namespace tandem::callagent {
namespace {

struct group_fixture {
  explicit group_fixture(hunting h) {
    std::vector<circuit_index> members;
    for (unsigned ch = 1; ch <= 4; ++ch) members.push_back(circuits.add("gw", 1, ch, endpoint_local_name("ds/e1-{span}/{channel}", 1, ch)));
    circuits.set_gateway_up("gw", true);
    circuits.set_link_up("gw", 1, true);
    group.emplace("tg", "gw", h, members);
  }
  unsigned pick() {
    auto i = group->hunt(circuits);
    if (!i) return 0;
    circuits.seize(*i, call_ref{++owner});
    return circuits.at(*i).channel;
  }
  void release(unsigned channel) {
    auto i = *circuits.find("gw", 1, channel);
    circuits.free(i, circuits.at(i).owner);
  }
  circuit_table circuits;
  std::optional<trunk_group> group;
  std::uint64_t owner = 0;
};

TEST(trunk_group, when_hunting_ascending_then_lowest_idle_channel) {
  group_fixture f(hunting::ascending);
  EXPECT_EQ(f.pick(), 1u);
  EXPECT_EQ(f.pick(), 2u);
  f.release(1);
  EXPECT_EQ(f.pick(), 1u);
}

TEST(trunk_group, when_hunting_descending_then_highest_idle_channel) {
  group_fixture f(hunting::descending);
  EXPECT_EQ(f.pick(), 4u);
  EXPECT_EQ(f.pick(), 3u);
  f.release(4);
  EXPECT_EQ(f.pick(), 4u);
}

TEST(trunk_group, when_hunting_round_robin_then_next_after_last_pick) {
  group_fixture f(hunting::round_robin);
  EXPECT_EQ(f.pick(), 1u);
  f.release(1);
  EXPECT_EQ(f.pick(), 2u);
  f.release(2);
  EXPECT_EQ(f.pick(), 3u);
  EXPECT_EQ(f.pick(), 4u);
  f.release(3);
  // After 4 comes 1 (wrapping), then 2: round robin does not go back for the freed 3.
  EXPECT_EQ(f.pick(), 1u);
  EXPECT_EQ(f.pick(), 2u);
  EXPECT_EQ(f.pick(), 3u);
}

TEST(trunk_group, when_hunting_least_used_then_fewest_seizures_first) {
  group_fixture f(hunting::least_used);
  EXPECT_EQ(f.pick(), 1u);
  f.release(1);
  EXPECT_EQ(f.pick(), 2u);
  f.release(2);
  EXPECT_EQ(f.pick(), 3u);
  f.release(3);
  EXPECT_EQ(f.pick(), 4u);
  f.release(4);
  EXPECT_EQ(f.pick(), 1u);
}

TEST(trunk_group, when_every_channel_is_busy_or_blocked_then_none) {
  group_fixture f(hunting::ascending);
  f.pick();
  f.pick();
  f.circuits.set_present(*f.circuits.find("gw", 1, 3), false);
  EXPECT_EQ(f.pick(), 4u);
  EXPECT_EQ(f.pick(), 0u);
  EXPECT_EQ(f.circuits.count(circuit_state::blocked), 1u);
}

TEST(trunk_group, when_gateway_goes_down_then_idle_circuits_block_and_busy_stay_busy) {
  group_fixture f(hunting::ascending);
  f.pick();
  f.circuits.set_gateway_up("gw", false);
  EXPECT_EQ(f.circuits.count(circuit_state::busy), 1u);
  EXPECT_EQ(f.circuits.count(circuit_state::blocked), 3u);
  f.release(1);
  EXPECT_EQ(f.circuits.count(circuit_state::blocked), 4u);
  EXPECT_EQ(f.pick(), 0u);
}

TEST(trunk_group, when_channel_is_excluded_then_hunt_skips_it) {
  group_fixture f(hunting::ascending);
  auto i = f.group->hunt(f.circuits, {*f.circuits.find("gw", 1, 1)});
  ASSERT_TRUE(i);
  EXPECT_EQ(f.circuits.at(*i).channel, 2u);
}

TEST(trunk_group, when_freed_by_another_owner_then_circuit_stays_busy) {
  group_fixture f(hunting::ascending);
  f.pick();
  f.circuits.free(*f.circuits.find("gw", 1, 1), call_ref{999});
  EXPECT_EQ(f.circuits.count(circuit_state::busy), 1u);
}

TEST(pri_leg, when_events_follow_q931_then_states_follow_the_table) {
  EXPECT_EQ(next_state(leg_state::idle, leg_event::setup_sent), leg_state::outgoing);
  EXPECT_EQ(next_state(leg_state::outgoing, leg_event::proceeding_received), leg_state::proceeding);
  EXPECT_EQ(next_state(leg_state::proceeding, leg_event::alerting_received), leg_state::alerting);
  EXPECT_EQ(next_state(leg_state::alerting, leg_event::progress), leg_state::alerting);
  EXPECT_EQ(next_state(leg_state::alerting, leg_event::connect_received), leg_state::connected);
  EXPECT_EQ(next_state(leg_state::connected, leg_event::disconnect_sent), leg_state::disconnecting);
  EXPECT_EQ(next_state(leg_state::disconnecting, leg_event::release_received), leg_state::released);
  EXPECT_EQ(next_state(leg_state::idle, leg_event::setup_received), leg_state::incoming);
  EXPECT_EQ(next_state(leg_state::incoming, leg_event::alerting_sent), leg_state::alerting);
  EXPECT_EQ(next_state(leg_state::alerting, leg_event::connect_sent), leg_state::connected);
  EXPECT_EQ(next_state(leg_state::connected, leg_event::disconnect_received), leg_state::released);
}

TEST(pri_leg, when_event_makes_no_sense_then_no_transition) {
  EXPECT_FALSE(next_state(leg_state::incoming, leg_event::connect_received));
  EXPECT_FALSE(next_state(leg_state::idle, leg_event::alerting_received));
  EXPECT_FALSE(next_state(leg_state::released, leg_event::release_received));
  EXPECT_FALSE(next_state(leg_state::connected, leg_event::progress));
  EXPECT_FALSE(next_state(leg_state::disconnecting, leg_event::disconnect_sent));
  EXPECT_FALSE(next_state(leg_state::outgoing, leg_event::setup_sent));
}

}  // namespace
}  // namespace tandem::callagent
