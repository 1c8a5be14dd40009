#include "tests/unit/isdn/pri_pair.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <thread>

namespace tandem::isdn::test {

std::vector<link_event> recorded_side::of(event_kind k) const {
  std::vector<link_event> out;
  for (const auto& e : events)
    if (e.kind == k) out.push_back(e);
  return out;
}

namespace {
std::unique_ptr<pri_adapter> make(interface_side side, switch_type kind, recorded_side& into) {
  auto a = pri_adapter::create(side, kind, std::string(to_string(side)),
                               [&into](const link_event& e) { into.events.push_back(e); });
  if (!a) throw std::runtime_error(a.error());
  return std::move(*a);
}
}  // namespace

pri_pair::pri_pair(switch_type kind, driving mode) : how(mode) {
  network.adapter = make(interface_side::network, kind, network);
  user.adapter = make(interface_side::user, kind, user);
}

std::size_t pri_pair::move_frames(recorded_side& from, recorded_side& to) {
  std::array<std::uint8_t, pri_adapter::max_frame> buf{};
  std::size_t moved = 0;
  for (; moved < 64; ++moved) {
    std::size_t n = from.adapter->take_outgoing(buf);
    if (n == 0) break;
    if (!connected) continue;
    ++frames_carried;
    to.adapter->deliver_incoming(std::span<const std::uint8_t>(buf.data(), n));
  }
  return moved;
}

void pri_pair::run_once(int wait_ms) {
  for (auto* side : {&network, &user}) {
    if (auto t = side->adapter->next_timer()) {
      // Rounded up: a timer due in under 1 ms must not make poll() return at once, round
      // after round, until it is due (a busy loop that would eat the round budget).
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*t).count();
      wait_ms = std::min<int>(wait_ms, static_cast<int>(std::max<long long>(ms, 0)));
    }
  }
  if (how == driving::by_fds) {
    std::array<pollfd, 4> fds{{{network.adapter->libpri_fd(), POLLIN, 0},
                               {network.adapter->bridge_fd(), POLLIN, 0},
                               {user.adapter->libpri_fd(), POLLIN, 0},
                               {user.adapter->bridge_fd(), POLLIN, 0}}};
    ::poll(fds.data(), fds.size(), wait_ms);
  } else if (!busy_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  network.adapter->on_readable();
  user.adapter->on_readable();
  for (auto* side : {&network, &user}) {
    auto t = side->adapter->next_timer();
    if (t && *t <= std::chrono::steady_clock::duration::zero()) side->adapter->on_timer();
  }
  std::size_t moved = move_frames(network, user);
  moved += move_frames(user, network);
  busy_ = moved > 0;
}

bool pri_pair::pump_until(const std::function<bool()>& done, int max_rounds) {
  for (int i = 0; i < max_rounds; ++i) {
    if (done()) return true;
    run_once(20);
  }
  return done();
}

}  // namespace tandem::isdn::test
