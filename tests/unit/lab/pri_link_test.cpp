// The libpri adapter: a network side and a user side, joined frame by frame through their
// bridges as the span would join them, set up and clear calls.
#include "lab/pstn/q931/pri_link.hpp"

#include <poll.h>

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace tandem::lab::pstn::q931 {
namespace {

struct side {
  std::vector<link_event> events;
  std::unique_ptr<pri_link> link;
};

class pri_pair : public ::testing::Test {
 protected:
  void SetUp() override {
    auto make = [](side& s, interface_side which) {
      auto l = pri_link::create(which, switch_type::euroisdn_e1,
                                which == interface_side::network ? "net" : "cpe",
                                [&s](const link_event& e) { s.events.push_back(e); });
      ASSERT_TRUE(l.has_value()) << l.error();
      s.link = std::move(*l);
    };
    make(net, interface_side::network);
    make(cpe, interface_side::cpe);
  }

  /// Moves frames both ways and runs libpri until `done` or the bounded number of rounds.
  template <class Pred>
  bool pump_until(Pred done, int rounds = 400) {
    for (int i = 0; i < rounds; ++i) {
      if (done()) return true;
      std::array<std::uint8_t, 300> buf{};
      for (auto [from, to] : {std::pair{&net, &cpe}, std::pair{&cpe, &net}}) {
        while (auto n = from->link->take_outgoing(buf)) to->link->deliver_incoming({buf.data(), n});
      }
      std::array<pollfd, 2> fds{pollfd{net.link->libpri_fd(), POLLIN, 0},
                                pollfd{cpe.link->libpri_fd(), POLLIN, 0}};
      ::poll(fds.data(), fds.size(), 5);
      net.link->on_readable();
      cpe.link->on_readable();
      for (auto* s : {&net, &cpe}) {
        if (auto t = s->link->next_timer(); t && *t <= std::chrono::milliseconds(0)) s->link->on_timer();
      }
    }
    return done();
  }

  static bool has(const side& s, event_kind k) {
    for (const auto& e : s.events)
      if (e.kind == k) return true;
    return false;
  }
  static const link_event* find(const side& s, event_kind k) {
    for (const auto& e : s.events)
      if (e.kind == k) return &e;
    return nullptr;
  }

  side net;
  side cpe;
};

TEST_F(pri_pair, when_both_sides_run_then_the_data_link_comes_up) {
  EXPECT_TRUE(pump_until([&] { return net.link->link_up() && cpe.link->link_up(); }));
}

TEST_F(pri_pair, when_network_sets_up_a_call_then_user_side_sees_setup_and_connect_completes) {
  ASSERT_TRUE(pump_until([&] { return net.link->link_up() && cpe.link->link_up(); }));
  auto call = net.link->setup(5, "2001", "1001");
  ASSERT_TRUE(call.has_value()) << call.error();
  ASSERT_TRUE(pump_until([&] { return has(cpe, event_kind::setup); }));
  const link_event setup = *find(cpe, event_kind::setup);  // a copy: events grow
  EXPECT_EQ(setup.called, "2001");
  EXPECT_EQ(setup.calling, "1001");
  EXPECT_EQ(setup.channel, 5u);

  ASSERT_TRUE(cpe.link->proceeding(setup.call, 5).has_value());
  ASSERT_TRUE(cpe.link->alerting(setup.call, 5).has_value());
  ASSERT_TRUE(cpe.link->answer(setup.call, 5).has_value());
  ASSERT_TRUE(pump_until([&] { return has(net, event_kind::connect); }));
  EXPECT_TRUE(has(net, event_kind::proceeding));
  EXPECT_TRUE(has(net, event_kind::alerting));

  ASSERT_TRUE(net.link->hangup(*call, cause::normal_clearing).has_value());
  ASSERT_TRUE(pump_until([&] { return has(cpe, event_kind::disconnect); }));
  EXPECT_EQ(find(cpe, event_kind::disconnect)->clearing_cause, cause::normal_clearing);
  ASSERT_TRUE(cpe.link->hangup(setup.call, cause::normal_clearing).has_value());
  ASSERT_TRUE(pump_until([&] { return has(cpe, event_kind::released) && has(net, event_kind::released); }));
  EXPECT_EQ(find(net, event_kind::released)->clearing_cause, cause::normal_clearing);
  EXPECT_EQ(net.link->call_count(), 0u);
  EXPECT_EQ(cpe.link->call_count(), 0u);
}

TEST_F(pri_pair, when_user_side_rejects_with_busy_then_network_side_keeps_cause_17) {
  ASSERT_TRUE(pump_until([&] { return net.link->link_up() && cpe.link->link_up(); }));
  auto call = net.link->setup(1, "2002", "1001");
  ASSERT_TRUE(call.has_value());
  ASSERT_TRUE(pump_until([&] { return has(cpe, event_kind::setup); }));
  ASSERT_TRUE(cpe.link->hangup(find(cpe, event_kind::setup)->call, cause::user_busy).has_value());
  ASSERT_TRUE(pump_until([&] { return has(net, event_kind::disconnect); }));
  EXPECT_EQ(find(net, event_kind::disconnect)->clearing_cause, cause::user_busy);
  ASSERT_TRUE(net.link->hangup(*call, cause::normal_clearing).has_value());
  ASSERT_TRUE(pump_until([&] { return has(net, event_kind::released) && has(cpe, event_kind::released); }));
  EXPECT_EQ(find(net, event_kind::released)->clearing_cause, cause::user_busy);
  EXPECT_EQ(find(cpe, event_kind::released)->clearing_cause, cause::user_busy);
}

TEST_F(pri_pair, when_call_handle_is_unknown_then_commands_fail_with_an_error) {
  auto r = net.link->answer(call_handle{999}, 1);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("no such call"), std::string::npos);
}

}  // namespace
}  // namespace tandem::lab::pstn::q931
