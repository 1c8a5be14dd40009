#pragma once
/// One ISDN PRI D-channel run by libpri (Q.921 + Q.931), network or user side, with libpri
/// kept behind this header (libpri.h is GPL-2.0-only and has no extern "C" guards).
///
/// libpri reads and writes HDLC frames on a file descriptor. We give it one end of a
/// SOCK_SEQPACKET socketpair and keep the other end, the bridge: frames libpri writes come out
/// of take_outgoing() (for span::send_dchannel_frame), frames from the span go in through
/// deliver_incoming(). libpri appends two FCS octets to what it writes and expects two on
/// what it reads (a DAHDI HDLC channel computes the FCS); the span carries payloads without
/// FCS, so the bridge strips and adds them.
///
/// Threads: everything here belongs to one thread (the exchange's io_context), except
/// deliver_incoming(), which only writes to the bridge socket and may be called from the
/// span's clock thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/expected.hpp"
#include "common/strong_id.hpp"
#include "lab/pstn/pstn_config.hpp"
#include "lab/pstn/q931/cause.hpp"

namespace tandem::lab::pstn::q931 {

/// Our handle of one Q.931 call on a link (not the call reference value on the wire).
using call_handle = strong_id<struct call_handle_tag, std::uint32_t>;

enum class event_kind {
  link_up,      ///< Q.921 multiple-frame operation established
  link_down,    ///< Q.921 link released or failed
  setup,        ///< incoming SETUP (Q.931 §5.2)
  proceeding,   ///< CALL PROCEEDING received
  alerting,     ///< ALERTING received
  connect,      ///< CONNECT received
  disconnect,   ///< DISCONNECT received: the far end clears (we answer with RELEASE)
  released,     ///< RELEASE / RELEASE COMPLETE: the call is gone, its handle is dead
};

[[nodiscard]] std::string_view to_string(event_kind k);

struct link_event {
  event_kind kind = event_kind::link_up;
  call_handle call{};
  unsigned channel = 0;  ///< B-channel (E1 timeslot / T1 channel number); 0 when not given
  std::string called;    ///< setup
  std::string calling;   ///< setup
  cause clearing_cause = cause::normal_clearing;  ///< disconnect, released
};

class pri_link {
 public:
  using event_callback = std::function<void(const link_event&)>;

  /// Creates the socketpair and the libpri controller. Events are delivered through `on_event`
  /// from within on_readable() / on_timer().
  [[nodiscard]] static expected<std::unique_ptr<pri_link>, std::string> create(
      interface_side side, switch_type kind, std::string name, event_callback on_event);
  ~pri_link();
  pri_link(const pri_link&) = delete;
  pri_link& operator=(const pri_link&) = delete;

  /// libpri's own end: readable means libpri has a frame to process (call on_readable()).
  [[nodiscard]] int libpri_fd() const;
  /// The bridge end: readable means libpri wrote a frame (call take_outgoing()).
  [[nodiscard]] int bridge_fd() const;

  void on_readable();
  /// When libpri next wants on_timer() called (Q.921 T200/T203, Q.931 T303/T305/T308/T310...).
  [[nodiscard]] std::optional<std::chrono::steady_clock::duration> next_timer() const;
  void on_timer();

  /// Copies the next frame libpri wrote (without FCS) into `out`; 0 when none is waiting.
  std::size_t take_outgoing(std::span<std::uint8_t> out);
  /// Hands a frame from the span to libpri. Any thread. False when the bridge is full.
  bool deliver_incoming(std::span<const std::uint8_t> frame);

  /// Starts the data link (SABME) on the user side; the network side answers. Also used after
  /// the span comes back.
  void restart_link();

  /// SETUP on `channel` (exclusive), speech bearer, with the numbers (Q.931 §5.1.1).
  [[nodiscard]] expected<call_handle, std::string> setup(unsigned channel, const std::string& called,
                                                         const std::string& calling);
  /// CALL PROCEEDING, ALERTING (with in-band information), CONNECT (Q.931 §5.2.5).
  expected<void, std::string> proceeding(call_handle call, unsigned channel);
  expected<void, std::string> alerting(call_handle call, unsigned channel);
  expected<void, std::string> answer(call_handle call, unsigned channel);
  /// Clears the call: DISCONNECT, or RELEASE when the far end already disconnected, or
  /// RELEASE COMPLETE in answer to a SETUP (Q.931 §5.3).
  expected<void, std::string> hangup(call_handle call, cause c);
  /// Forgets every call without signalling (the link is gone); libpri frees them.
  void drop_all_calls(cause c);

  [[nodiscard]] bool link_up() const;
  [[nodiscard]] std::size_t call_count() const;

 private:
  struct impl;
  explicit pri_link(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::lab::pstn::q931
