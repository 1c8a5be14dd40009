/// Two libpri adapters back to back (network side against user side) over an in-process frame
/// pipe: Q.921 link establishment, Q.931 call establishment and clearing with causes (Q.931
/// §5.1-5.3), and a D-channel that dies.
#include "isdn/pri_adapter.hpp"

#include <gtest/gtest.h>

#include "tests/unit/isdn/pri_pair.hpp"

namespace tandem::isdn {
namespace {

using test::pri_pair;
using test::recorded_side;

/// Places a call from `from` to `to` and waits for the SETUP to arrive; returns both handles.
std::pair<call_handle, call_handle> place_call(pri_pair& p, recorded_side& from, recorded_side& to,
                                               unsigned channel) {
  auto h = from.adapter->setup(channel, true, "2001", "1001");
  EXPECT_TRUE(h.has_value());
  std::size_t before = to.of(event_kind::setup).size();
  EXPECT_TRUE(p.pump_until([&] { return to.of(event_kind::setup).size() > before; }));
  return {*h, to.of(event_kind::setup).back().call};
}

TEST(pri_adapter, when_both_sides_start_then_the_d_channel_comes_up_on_both) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  EXPECT_TRUE(p.network.saw(event_kind::link_up));
  EXPECT_TRUE(p.user.saw(event_kind::link_up));
  EXPECT_GT(p.frames_carried, 0u);
}

TEST(pri_adapter, when_user_calls_and_network_answers_then_setup_to_connect_and_clearing_carry_cause) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  auto [user_call, net_call] = place_call(p, p.user, p.network, 5);

  const auto setup = p.network.of(event_kind::setup).back();
  EXPECT_EQ(setup.channel, 5u);
  EXPECT_TRUE(setup.exclusive);
  EXPECT_EQ(setup.called, "2001");
  EXPECT_EQ(setup.calling, "1001");

  ASSERT_TRUE(p.network.adapter->proceeding(net_call, 5));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::proceeding); }));
  EXPECT_EQ(p.user.of(event_kind::proceeding).back().call, user_call);
  EXPECT_EQ(p.user.of(event_kind::proceeding).back().channel, 5u);

  ASSERT_TRUE(p.network.adapter->alerting(net_call, 5));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::alerting); }));

  ASSERT_TRUE(p.network.adapter->answer(net_call, 5));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::connect); }));
  EXPECT_EQ(p.user.of(event_kind::connect).back().call, user_call);

  // The user clears: DISCONNECT (16) -> the network answers RELEASE -> RELEASE COMPLETE.
  ASSERT_TRUE(p.user.adapter->hangup(user_call, cause::normal_clearing));
  ASSERT_TRUE(p.pump_until([&] { return p.network.saw(event_kind::disconnect); }));
  EXPECT_EQ(p.network.of(event_kind::disconnect).back().clearing_cause, cause::normal_clearing);
  ASSERT_TRUE(p.network.adapter->hangup(net_call, cause::normal_clearing));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::released) && p.network.saw(event_kind::released); }));
  EXPECT_EQ(p.user.of(event_kind::released).back().clearing_cause, cause::normal_clearing);
  EXPECT_EQ(p.network.of(event_kind::released).back().clearing_cause, cause::normal_clearing);
  EXPECT_EQ(p.user.adapter->call_count(), 0u);
  EXPECT_EQ(p.network.adapter->call_count(), 0u);
}

TEST(pri_adapter, when_released_then_the_network_does_not_retransmit_release) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  auto [user_call, net_call] = place_call(p, p.user, p.network, 3);
  ASSERT_TRUE(p.network.adapter->answer(net_call, 3));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::connect); }));
  ASSERT_TRUE(p.network.adapter->hangup(net_call, cause::normal_clearing));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::disconnect); }));
  ASSERT_TRUE(p.user.adapter->hangup(user_call, cause::normal_clearing));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::released) && p.network.saw(event_kind::released); }));
  // Q.931 T308 is 4 s: run a little past it and check nothing more happens for the call.
  std::size_t user_events = p.user.events.size();
  std::size_t net_events = p.network.events.size();
  p.pump_until([] { return false; }, 250);
  EXPECT_EQ(p.user.events.size(), user_events);
  EXPECT_EQ(p.network.events.size(), net_events);
}

TEST(pri_adapter, when_network_calls_and_user_is_busy_then_network_sees_disconnect_17) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  auto [net_call, user_call] = place_call(p, p.network, p.user, 7);
  EXPECT_EQ(p.user.of(event_kind::setup).back().channel, 7u);

  ASSERT_TRUE(p.user.adapter->hangup(user_call, cause::user_busy));
  ASSERT_TRUE(p.pump_until([&] { return p.network.saw(event_kind::disconnect); }));
  EXPECT_EQ(p.network.of(event_kind::disconnect).back().clearing_cause, cause::user_busy);
  ASSERT_TRUE(p.network.adapter->hangup(net_call, cause::user_busy));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::released) && p.network.saw(event_kind::released); }));
  EXPECT_EQ(p.user.of(event_kind::released).back().clearing_cause, cause::user_busy);
}

TEST(pri_adapter, when_network_answers_setup_with_unallocated_number_then_user_sees_release_cause_1) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  auto [user_call, net_call] = place_call(p, p.user, p.network, 2);
  ASSERT_TRUE(p.network.adapter->hangup(net_call, cause::unallocated_number));
  // RELEASE COMPLETE frees the network's call at once.
  EXPECT_TRUE(p.network.saw(event_kind::released));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::released) || p.user.saw(event_kind::disconnect); }));
  if (p.user.saw(event_kind::disconnect)) {
    EXPECT_EQ(p.user.of(event_kind::disconnect).back().clearing_cause, cause::unallocated_number);
  } else {
    EXPECT_EQ(p.user.of(event_kind::released).back().clearing_cause, cause::unallocated_number);
    EXPECT_EQ(p.user.of(event_kind::released).back().call, user_call);
  }
}

TEST(pri_adapter, when_user_sends_progress_then_network_sees_progress) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  auto [net_call, user_call] = place_call(p, p.network, p.user, 9);
  ASSERT_TRUE(p.user.adapter->proceeding(user_call, 9));
  ASSERT_TRUE(p.user.adapter->progress(user_call, 9));
  ASSERT_TRUE(p.pump_until([&] { return p.network.saw(event_kind::progress); }));
  EXPECT_EQ(p.network.of(event_kind::progress).back().call, net_call);
  ASSERT_TRUE(p.user.adapter->answer(user_call, 9));
  ASSERT_TRUE(p.pump_until([&] { return p.network.saw(event_kind::connect); }));
}

TEST(pri_adapter, when_t1_ni2_then_calls_connect_too) {
  pri_pair p(switch_type::ni2);
  ASSERT_TRUE(p.bring_up());
  auto [user_call, net_call] = place_call(p, p.user, p.network, 23);
  EXPECT_EQ(p.network.of(event_kind::setup).back().channel, 23u);
  ASSERT_TRUE(p.network.adapter->answer(net_call, 23));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::connect); }));
  (void)user_call;
}

TEST(pri_adapter, when_d_channel_dies_then_link_down_and_restart_brings_it_back) {
  pri_pair p;
  ASSERT_TRUE(p.bring_up());
  p.connected = false;
  // Traffic on a dead link: Q.921 T200 expires N200 times and the link is released.
  auto h = p.user.adapter->setup(4, true, "2001", "1001");
  ASSERT_TRUE(h);
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::link_down); }, 5000));
  EXPECT_FALSE(p.user.adapter->link_up());

  p.user.adapter->drop_all_calls(cause::network_out_of_order);
  EXPECT_EQ(p.user.adapter->call_count(), 0u);
  ASSERT_TRUE(p.user.saw(event_kind::released));
  EXPECT_EQ(p.user.of(event_kind::released).back().clearing_cause, cause::network_out_of_order);

  p.connected = true;
  p.user.adapter->restart_link();
  ASSERT_TRUE(p.pump_until([&] { return p.user.adapter->link_up(); }, 1000));
  EXPECT_GE(p.user.of(event_kind::link_up).size(), 2u);
}

TEST(pri_adapter, when_frame_is_empty_or_too_long_then_it_is_refused) {
  pri_pair p;
  std::vector<std::uint8_t> big(pri_adapter::max_frame + 1, 0x02);
  EXPECT_FALSE(p.user.adapter->deliver_incoming(big));
  EXPECT_FALSE(p.user.adapter->deliver_incoming({}));
}

TEST(pri_adapter, when_call_handle_is_unknown_then_requests_are_refused) {
  pri_pair p;
  EXPECT_FALSE(p.user.adapter->answer(call_handle{42}, 1));
  EXPECT_FALSE(p.user.adapter->hangup(call_handle{42}, cause::normal_clearing));
}

}  // namespace
}  // namespace tandem::isdn
