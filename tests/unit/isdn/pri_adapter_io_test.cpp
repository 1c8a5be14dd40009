/// How frames reach libpri and leave it: by calls alone (no file descriptor, no system call per
/// frame), or through the readiness fds an event loop watches, including a frame handed in
/// from another thread (a span's clock thread), and the bound on frames waiting.
#include "isdn/pri_adapter.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/isdn/pri_pair.hpp"

namespace tandem::isdn {
namespace {

using test::pri_pair;

/// Q.921 §3.6.2 SABME, command from the network side (SAPI 0, C/R 1, TEI 0), P=1.
constexpr std::array<std::uint8_t, 3> sabme{0x02, 0x01, 0x7f};

bool readable(int fd, int wait_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, wait_ms) > 0 && (p.revents & POLLIN) != 0;
}

std::unique_ptr<pri_adapter> user_side() {
  auto a = pri_adapter::create(interface_side::user, switch_type::euroisdn_e1, "user", {});
  EXPECT_TRUE(a.has_value());
  return a ? std::move(*a) : nullptr;
}

TEST(pri_adapter_io, when_driven_by_calls_alone_then_the_link_comes_up_and_a_call_connects) {
  pri_pair p(switch_type::euroisdn_e1, pri_pair::driving::by_calls);
  ASSERT_TRUE(p.bring_up());
  auto h = p.user.adapter->setup(7, true, "2001", "1001");
  ASSERT_TRUE(h);
  ASSERT_TRUE(p.pump_until([&] { return p.network.saw(event_kind::setup); }));
  auto net_call = p.network.of(event_kind::setup).back().call;
  EXPECT_EQ(p.network.of(event_kind::setup).back().channel, 7u);
  ASSERT_TRUE(p.network.adapter->answer(net_call, 7));
  ASSERT_TRUE(p.pump_until([&] { return p.user.saw(event_kind::connect); }));
  EXPECT_EQ(p.user.of(event_kind::connect).back().call, *h);
}

TEST(pri_adapter_io, when_user_side_starts_then_its_sabme_waits_and_bridge_fd_is_readable_until_taken) {
  auto a = user_side();
  ASSERT_TRUE(a);
  // The user side asks for multiple-frame operation at once (Q.921 §5.5.1.1), before anyone
  // watched: the fd made afterwards still reports the frame waiting.
  const int fd = a->bridge_fd();
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(readable(fd, 0));
  std::array<std::uint8_t, pri_adapter::max_frame> buf{};
  std::size_t n = a->take_outgoing(buf);
  ASSERT_EQ(n, 3u);  // SAPI/C/R, TEI, control: the FCS octets libpri appends are gone
  EXPECT_EQ(buf[2] & 0xef, 0x6f);  // SABME (P bit masked)
  while (a->take_outgoing(buf) != 0) {
  }
  EXPECT_FALSE(readable(fd, 0));
}

TEST(pri_adapter_io, when_a_frame_arrives_from_another_thread_then_libpri_fd_wakes_until_on_readable) {
  auto a = user_side();
  ASSERT_TRUE(a);
  const int fd = a->libpri_fd();
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(readable(fd, 0));
  bool accepted = false;
  std::thread clock_thread([&] { accepted = a->deliver_incoming(sabme); });
  clock_thread.join();
  ASSERT_TRUE(accepted);
  EXPECT_TRUE(readable(fd, 1000));
  a->on_readable();
  EXPECT_FALSE(readable(fd, 0));
  // libpri answered the SABME with UA (Q.921 §5.5.1.2) through its write callback.
  std::array<std::uint8_t, pri_adapter::max_frame> buf{};
  std::vector<std::uint8_t> controls;
  while (std::size_t n = a->take_outgoing(buf))
    if (n >= 3) controls.push_back(buf[2] & 0xef);
  EXPECT_NE(std::find(controls.begin(), controls.end(), 0x63), controls.end());  // UA
}

TEST(pri_adapter_io, when_1024_frames_wait_then_the_next_is_refused_until_libpri_takes_some) {
  auto a = user_side();
  ASSERT_TRUE(a);
  for (int i = 0; i < 1024; ++i) ASSERT_TRUE(a->deliver_incoming(sabme)) << "frame " << i;
  EXPECT_FALSE(a->deliver_incoming(sabme));
  a->on_readable();  // at most 64 frames per run
  EXPECT_TRUE(a->deliver_incoming(sabme));
}

}  // namespace
}  // namespace tandem::isdn
