#pragma once
/// Two pri_adapters back to back (network side against user side) over an in-process frame
/// pipe: what one writes is handed to the other. The pipe can be cut to simulate a dead
/// D-channel. pump_until() drives both sides (frames, libpri timers) in a bounded loop, either
/// waiting on the adapters' readiness fds (an event loop's way) or by calls alone.
#include <functional>
#include <memory>
#include <vector>

#include "isdn/pri_adapter.hpp"

namespace tandem::isdn::test {

struct recorded_side {
  std::unique_ptr<pri_adapter> adapter;
  std::vector<link_event> events;
  /// Events of one kind seen so far.
  [[nodiscard]] std::vector<link_event> of(event_kind k) const;
  [[nodiscard]] bool saw(event_kind k) const { return !of(k).empty(); }
};

class pri_pair {
 public:
  /// How pump_until() waits for work: poll() on libpri_fd()/bridge_fd(), or no fd at all
  /// (frames moved by calls, a short sleep only while nothing moves).
  enum class driving { by_fds, by_calls };

  explicit pri_pair(switch_type kind = switch_type::euroisdn_e1, driving mode = driving::by_fds);

  recorded_side network;
  recorded_side user;
  /// False: frames are dropped in both directions (a dead D-channel).
  bool connected = true;
  std::size_t frames_carried = 0;
  const driving how;

  /// Runs both sides until `done` holds or `max_rounds` rounds (each waiting at most 20 ms
  /// for activity) have passed. Returns whether `done` held.
  bool pump_until(const std::function<bool()>& done, int max_rounds = 500);
  /// Both D-channels up (Q.921 multiple-frame established).
  bool bring_up() {
    return pump_until([this] { return network.adapter->link_up() && user.adapter->link_up(); });
  }

 private:
  void run_once(int wait_ms);
  /// Frames taken from `from` (carried or dropped).
  std::size_t move_frames(recorded_side& from, recorded_side& to);
  bool busy_ = false;  ///< by_calls: frames moved last round, so do not sleep
};

}  // namespace tandem::isdn::test
