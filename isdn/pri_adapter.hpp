#pragma once
/// One ISDN PRI D-channel run by libpri (Q.921 + Q.931), network or user side, with libpri
/// kept behind this header (libpri.h is GPL-2.0-only and has no extern "C" guards).
///
/// libpri runs on read and write callbacks (pri_new_cb), not on a file descriptor: frames from
/// the far end go in through deliver_incoming() and reach libpri when on_readable() runs;
/// frames libpri writes wait in a queue that take_outgoing() drains (toward a span or a
/// backhaul). A frame costs a copy into a queue, no system call. libpri appends two FCS octets
/// to what it writes and expects two on what it reads (a DAHDI HDLC channel computes and checks
/// the FCS); spans and the backhaul carry payloads without FCS, so the adapter strips and adds
/// them.
///
/// Driving it by calls: after deliver_incoming(), call on_readable(); after anything that may
/// send (on_readable, on_timer, setup, hangup...), drain take_outgoing(); arm a timer for
/// next_timer() and call on_timer(). Driving it from an event loop instead: libpri_fd() and
/// bridge_fd() are eventfds, made on first request, readable while a frame waits for
/// on_readable() or take_outgoing() respectively (each costs a system call per burst of frames,
/// which the call-driven way does not pay).
/// libpri schedules its timers (Q.921 T200/T203, Q.931 T303/T305/T308/T310...) on the wall
/// clock, so next_timer() is a delay from now.
///
/// Clearing (Q.931 §5.3) as seen through the adapter:
///   - we clear: hangup(call, cause) sends DISCONNECT (RELEASE COMPLETE in answer to a SETUP
///     for causes libpri clears that way); `released` follows when the call reference is free;
///   - the far end clears: `disconnect` arrives; hangup(call, cause) answers with RELEASE;
///     `released` follows when RELEASE COMPLETE arrives;
///   - `released` without `disconnect` first: the far end refused or aborted the call.
/// After `released` the handle is dead. The adapter always calls pri_hangup() after libpri's
/// hang-up event, otherwise the network side retransmits RELEASE.
///
/// Threads: everything belongs to one thread, except deliver_incoming(), which only queues the
/// frame (under a lock) and may be called from another thread (a span's clock thread).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "common/strong_id.hpp"
#include "isdn/q850_cause.hpp"

namespace tandem::isdn {

/// Which end of the interface this D-channel plays (Q.931 §1: network or user/CPE side).
enum class interface_side { network, user };

/// Q.931 dialect: ETSI EuroISDN on E1 (A-law), ANSI NI-2 on T1 (mu-law).
enum class switch_type { euroisdn_e1, ni2 };

[[nodiscard]] std::string_view to_string(interface_side s);
[[nodiscard]] std::string_view to_string(switch_type s);

/// Our handle of one Q.931 call on a link (not the call reference value on the wire).
using call_handle = strong_id<struct call_handle_tag, std::uint32_t>;

enum class event_kind {
  link_up,      ///< Q.921 multiple-frame operation established
  link_down,    ///< Q.921 link released or failed (calls stay until drop_all_calls())
  setup,        ///< incoming SETUP (Q.931 §5.2.1)
  proceeding,   ///< CALL PROCEEDING received (Q.931 §5.1.2)
  alerting,     ///< ALERTING received (Q.931 §5.1.7)
  progress,     ///< PROGRESS received (Q.931 §5.1.10)
  connect,      ///< CONNECT received (Q.931 §5.1.8)
  disconnect,   ///< DISCONNECT received: the far end clears (answer with hangup())
  released,     ///< RELEASE / RELEASE COMPLETE: the call is gone, its handle is dead
};

[[nodiscard]] std::string_view to_string(event_kind k);

struct link_event {
  event_kind kind = event_kind::link_up;
  call_handle call{};
  /// B-channel (E1 timeslot / T1 channel number); 0 when not given ("any").
  unsigned channel = 0;
  /// setup: Channel identification says "exclusive" (Q.931 §5.2.3.1) rather than preferred.
  bool exclusive = true;
  std::string called;   ///< setup
  std::string calling;  ///< setup
  cause clearing_cause = cause::normal_clearing;  ///< disconnect, released
};

class pri_adapter {
 public:
  using event_callback = std::function<void(const link_event&)>;

  /// Creates the libpri controller. Events are delivered through `on_event`
  /// from within on_readable(), on_timer(), hangup() and drop_all_calls().
  [[nodiscard]] static expected<std::unique_ptr<pri_adapter>, std::string> create(
      interface_side side, switch_type kind, std::string name, event_callback on_event);
  ~pri_adapter();
  pri_adapter(const pri_adapter&) = delete;
  pri_adapter& operator=(const pri_adapter&) = delete;

  [[nodiscard]] const std::string& name() const;

  /// Readable while a frame from the far end waits for libpri (call on_readable()). Made on
  /// the first call (an eventfd the adapter owns); -1 if it cannot be made.
  [[nodiscard]] int libpri_fd() const;
  /// Readable while a frame libpri wrote waits (call take_outgoing()). Made on the first call.
  [[nodiscard]] int bridge_fd() const;

  void on_readable();
  /// How long until libpri next wants on_timer(); nullopt when nothing is scheduled.
  [[nodiscard]] std::optional<std::chrono::steady_clock::duration> next_timer() const;
  void on_timer();

  /// Copies the next frame libpri wrote (FCS removed) into `out`; 0 when none is waiting.
  std::size_t take_outgoing(std::span<std::uint8_t> out);
  /// Queues a frame from the far end (no FCS) for libpri; on_readable() feeds it. Any thread.
  /// False when the frame is empty, too long (over max_frame octets) or 1,024 frames wait.
  bool deliver_incoming(std::span<const std::uint8_t> frame);
  /// Longest D-channel payload accepted (Q.921 N201 = 260 octets plus the header).
  static constexpr std::size_t max_frame = 300;

  /// Restarts the data link (Q.921 SABME from our side); used after the span comes back.
  void restart_link();

  /// SETUP on `channel`, speech bearer, with the numbers (Q.931 §5.1.1). `exclusive` false
  /// marks the channel preferred; channel 0 leaves the choice to the network.
  [[nodiscard]] expected<call_handle, std::string> setup(unsigned channel, bool exclusive,
                                                         const std::string& called,
                                                         const std::string& calling);
  /// CALL PROCEEDING naming the B-channel (Q.931 §5.2.5.2).
  expected<void, std::string> proceeding(call_handle call, unsigned channel);
  /// ALERTING, with "in-band information available" (Q.931 §5.2.5.3).
  expected<void, std::string> alerting(call_handle call, unsigned channel);
  /// PROGRESS with "in-band information available" (Q.931 §5.1.10).
  expected<void, std::string> progress(call_handle call, unsigned channel);
  /// CONNECT (Q.931 §5.2.8).
  expected<void, std::string> answer(call_handle call, unsigned channel);
  /// Clears the call: DISCONNECT, or RELEASE when the far end already disconnected, or
  /// RELEASE COMPLETE in answer to a SETUP for some causes (Q.931 §5.3). A second hangup()
  /// while our clearing is under way does nothing.
  expected<void, std::string> hangup(call_handle call, cause c);
  /// Forgets every call without waiting for the far end (the link is gone); each gets
  /// `released` with its first cause, or `c`.
  void drop_all_calls(cause c);

  [[nodiscard]] bool link_up() const;
  [[nodiscard]] std::size_t call_count() const;

 private:
  struct impl;
  explicit pri_adapter(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::isdn
