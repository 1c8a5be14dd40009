/// The call agent's PRI link (libpri, user side) against a libpri network side, joined by an
/// in-process frame pipe standing in for the gateway's backhaul.
#include "callagent/backhauled_pri_link.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <vector>

#include "common/manual_clock.hpp"
#include "isdn/pri_adapter.hpp"

namespace tandem::callagent {
namespace {

struct recording_handler final : q931_handler {
  std::vector<std::string> seen;
  std::vector<q931_setup> setups;
  std::vector<std::pair<q931_call_ref, cause>> releases;
  std::vector<std::pair<q931_call_ref, cause>> disconnects;
  void on_link_up() override { seen.push_back("link_up"); }
  void on_link_down() override { seen.push_back("link_down"); }
  void on_setup(const q931_setup& s) override {
    seen.push_back("setup");
    setups.push_back(s);
  }
  void on_proceeding(q931_call_ref, unsigned) override { seen.push_back("proceeding"); }
  void on_alerting(q931_call_ref) override { seen.push_back("alerting"); }
  void on_progress(q931_call_ref) override { seen.push_back("progress"); }
  void on_connect(q931_call_ref) override { seen.push_back("connect"); }
  void on_disconnect(q931_call_ref r, cause c) override {
    seen.push_back("disconnect");
    disconnects.emplace_back(r, c);
  }
  void on_release(q931_call_ref r, cause c) override {
    seen.push_back("release");
    releases.emplace_back(r, c);
  }
  [[nodiscard]] bool saw(const std::string& what) const {
    return std::find(seen.begin(), seen.end(), what) != seen.end();
  }
};

class backhauled_pri_link_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = backhauled_pri_link::create("mgw1 span 1", isdn::switch_type::euroisdn_e1, clock);
    ASSERT_TRUE(l) << l.error();
    link = std::move(*l);
    link->set_handler(&handler);
    auto n = isdn::pri_adapter::create(isdn::interface_side::network, isdn::switch_type::euroisdn_e1, "exchange",
                                       [this](const isdn::link_event& e) { network_events.push_back(e); });
    ASSERT_TRUE(n) << n.error();
    network = std::move(*n);
    link->attach([this](std::span<const std::uint8_t> f) { to_network.emplace_back(f.begin(), f.end()); });
  }

  /// Moves frames both ways and runs due timers until `done`, at most `rounds` rounds.
  bool pump_until(const std::function<bool()>& done, int rounds = 300) {
    std::array<std::uint8_t, isdn::pri_adapter::max_frame> buf{};
    for (int i = 0; i < rounds; ++i) {
      if (done()) return true;
      auto frames = std::move(to_network);
      to_network.clear();
      for (auto& f : frames) network->deliver_incoming(f);
      network->on_readable();
      if (auto t = network->next_timer(); t && *t <= duration::zero()) network->on_timer();
      while (std::size_t n = network->take_outgoing(buf))
        link->on_frame(std::span<const std::uint8_t>(buf.data(), n));
      clock.advance(std::chrono::milliseconds(1));  // zero-delay deliveries, due libpri timers
    }
    return done();
  }

  bool network_saw(isdn::event_kind k) const {
    for (const auto& e : network_events)
      if (e.kind == k) return true;
    return false;
  }
  const isdn::link_event& last_network(isdn::event_kind k) const {
    for (auto it = network_events.rbegin(); it != network_events.rend(); ++it)
      if (it->kind == k) return *it;
    throw std::runtime_error("no such event");
  }

  manual_clock clock;
  recording_handler handler;
  std::unique_ptr<backhauled_pri_link> link;
  std::unique_ptr<isdn::pri_adapter> network;
  std::vector<isdn::link_event> network_events;
  std::vector<std::vector<std::uint8_t>> to_network;
};

TEST_F(backhauled_pri_link_test, when_attached_then_the_d_channel_comes_up) {
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up") && network->link_up(); }));
  EXPECT_TRUE(link->link_up());
  EXPECT_GT(link->frames_in(), 0u);
  EXPECT_GT(link->frames_out(), 0u);
}

TEST_F(backhauled_pri_link_test, when_network_sends_setup_then_call_agent_answers_through_connect_and_clears) {
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up") && network->link_up(); }));
  auto net_call = network->setup(3, true, "2001", "1001");
  ASSERT_TRUE(net_call);
  ASSERT_TRUE(pump_until([&] { return handler.saw("setup"); }));
  const q931_setup s = handler.setups.back();
  EXPECT_EQ(s.channel, 3u);
  EXPECT_EQ(s.called, "2001");
  EXPECT_EQ(s.calling, "1001");

  link->proceeding(s.ref, 3);
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::proceeding); }));
  link->alerting(s.ref);
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::alerting); }));
  link->connect(s.ref);
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::connect); }));

  // The exchange clears with 16: DISCONNECT in, the call agent answers RELEASE; no second
  // report of the call once RELEASE COMPLETE comes back.
  ASSERT_TRUE(network->hangup(*net_call, cause::normal_clearing));
  ASSERT_TRUE(pump_until([&] { return handler.saw("disconnect"); }));
  EXPECT_EQ(handler.disconnects.back().second, cause::normal_clearing);
  link->release(s.ref, cause::normal_clearing);
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::released); }));
  pump_until([] { return false; }, 50);
  EXPECT_TRUE(handler.releases.empty());
  EXPECT_EQ(network->call_count(), 0u);
}

TEST_F(backhauled_pri_link_test, when_call_agent_calls_an_unallocated_number_then_release_carries_cause_1) {
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up") && network->link_up(); }));
  q931_call_ref ref = link->setup({5, "9999", "1001"});
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::setup); }));
  EXPECT_EQ(last_network(isdn::event_kind::setup).channel, 5u);
  EXPECT_EQ(last_network(isdn::event_kind::setup).called, "9999");
  ASSERT_TRUE(network->hangup(last_network(isdn::event_kind::setup).call, cause::unallocated_number));
  ASSERT_TRUE(pump_until([&] { return handler.saw("release") || handler.saw("disconnect"); }));
  if (handler.saw("disconnect")) {
    EXPECT_EQ(handler.disconnects.back().first, ref);
    EXPECT_EQ(handler.disconnects.back().second, cause::unallocated_number);
  } else {
    EXPECT_EQ(handler.releases.back().first, ref);
    EXPECT_EQ(handler.releases.back().second, cause::unallocated_number);
  }
}

TEST_F(backhauled_pri_link_test, when_call_agent_clears_then_release_is_reported_once_reference_is_free) {
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up") && network->link_up(); }));
  q931_call_ref ref = link->setup({7, "2001", "1001"});
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::setup); }));
  auto net_call = last_network(isdn::event_kind::setup).call;
  ASSERT_TRUE(network->answer(net_call, 7));
  ASSERT_TRUE(pump_until([&] { return handler.saw("connect"); }));
  link->disconnect(ref, cause::normal_clearing);
  ASSERT_TRUE(pump_until([&] { return network_saw(isdn::event_kind::disconnect); }));
  EXPECT_EQ(last_network(isdn::event_kind::disconnect).clearing_cause, cause::normal_clearing);
  ASSERT_TRUE(network->hangup(net_call, cause::normal_clearing));
  ASSERT_TRUE(pump_until([&] { return handler.saw("release"); }));
  EXPECT_EQ(handler.releases.back().first, ref);
  EXPECT_EQ(handler.releases.back().second, cause::normal_clearing);
}

TEST_F(backhauled_pri_link_test, when_backhaul_drops_then_link_down_and_calls_are_refused_until_attach) {
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up") && network->link_up(); }));
  link->detach();
  EXPECT_FALSE(link->attached());
  EXPECT_TRUE(handler.saw("link_down"));
  const std::array<std::uint8_t, 3> frame{0x02, 0x01, 0x7f};
  EXPECT_FALSE(link->on_frame(frame));
  EXPECT_EQ(link->frames_dropped(), 1u);

  // A SETUP with no backhaul is refused with a release (41), never from inside setup().
  q931_call_ref ref = link->setup({1, "2001", ""});
  EXPECT_TRUE(handler.releases.empty());
  clock.advance(std::chrono::milliseconds(1));
  ASSERT_EQ(handler.releases.size(), 1u);
  EXPECT_EQ(handler.releases.back().first, ref);
  EXPECT_EQ(handler.releases.back().second, cause::temporary_failure);

  link->attach([this](std::span<const std::uint8_t> f) { to_network.emplace_back(f.begin(), f.end()); });
  handler.seen.clear();
  ASSERT_TRUE(pump_until([&] { return handler.saw("link_up"); }));
}

}  // namespace
}  // namespace tandem::callagent
