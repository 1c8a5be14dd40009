#pragma once
/// The call agent's view of one ISDN PRI D-channel (Q.931, ITU-T Q.931 §5), user side,
/// backhauled from a gateway span. The call agent talks Q.931 through this interface only:
/// the libpri user-side adapter implements it over the backhaul, fake_q931_link in tests.
///
/// The pair follows the project's port naming: the call agent calls `q931_link` (outbound),
/// the link reports to a `q931_handler` (inbound).
///
/// Clearing (Q.931 §5.3): the side that clears sends DISCONNECT, the other answers RELEASE,
/// the first answers RELEASE COMPLETE. Here:
///   - the call agent clears with `disconnect(ref, cause)`; the link reports `on_release`
///     once the call reference is free (RELEASE received, or T305/T308 expiry);
///   - the far end clears: the link reports `on_disconnect(ref, cause)`; the call agent
///     answers `release(ref, cause)` and the reference is free at once;
///   - `on_release` without a DISCONNECT first is the far end refusing or aborting a call
///     (RELEASE COMPLETE to our SETUP, or a RELEASE): the reference is free.
/// A B-channel stays in use until its call reference is free (Q.931 §5.3.2).
///
/// Threads: every call in both directions is made on the control-plane thread.
#include <cstdint>
#include <string>

#include "isdn/q850_cause.hpp"
#include "common/strong_id.hpp"

namespace tandem::callagent {

using isdn::cause;  // Q.850 causes are shared with the exchange simulator (isdn/)

/// One call on one link: the handle the link gives (not the call reference value on the wire).
using q931_call_ref = strong_id<struct q931_call_ref_tag, std::uint32_t>;

/// An incoming SETUP (Q.931 §5.2.1).
struct q931_setup {
  q931_call_ref ref;
  /// B-channel from the Channel identification IE (E1 timeslot 1-31, T1 channel 1-24); 0 when
  /// the network left the choice to us (preferred, "any").
  unsigned channel = 0;
  /// Q.931 §5.2.3.1: exclusive ("only this channel") rather than preferred.
  bool exclusive = true;
  std::string called;   ///< Called party number digits
  std::string calling;  ///< Calling party number digits (may be empty)
};

/// An outgoing SETUP.
struct q931_setup_request {
  unsigned channel = 0;  ///< always given by the call agent (exclusive)
  std::string called;
  std::string calling;
};

/// Events from the link to the call agent (inbound port).
class q931_handler {
 public:
  virtual ~q931_handler() = default;
  /// Q.921 multiple-frame operation established: calls may be placed.
  virtual void on_link_up() = 0;
  /// Q.921 link lost: the link has dropped every call reference.
  virtual void on_link_down() = 0;
  virtual void on_setup(const q931_setup& setup) = 0;
  /// CALL PROCEEDING to our SETUP; `channel` is the one the network confirmed (0: unchanged).
  virtual void on_proceeding(q931_call_ref ref, unsigned channel) = 0;
  virtual void on_alerting(q931_call_ref ref) = 0;
  /// PROGRESS (or a progress indicator "in-band information available", Q.931 §5.1.10).
  virtual void on_progress(q931_call_ref ref) = 0;
  virtual void on_connect(q931_call_ref ref) = 0;
  /// DISCONNECT from the far end: answer with q931_link::release.
  virtual void on_disconnect(q931_call_ref ref, cause why) = 0;
  /// The call reference is free (RELEASE / RELEASE COMPLETE received, or timers expired).
  virtual void on_release(q931_call_ref ref, cause why) = 0;
};

/// Requests from the call agent to the link (outbound port).
class q931_link {
 public:
  virtual ~q931_link() = default;
  virtual void set_handler(q931_handler* handler) = 0;
  /// Sends SETUP; the returned handle names the call in every later event.
  virtual q931_call_ref setup(const q931_setup_request& request) = 0;
  /// CALL PROCEEDING for an incoming SETUP, naming the B-channel chosen.
  virtual void proceeding(q931_call_ref ref, unsigned channel) = 0;
  virtual void alerting(q931_call_ref ref) = 0;
  /// PROGRESS with "in-band information available" (early media).
  virtual void progress(q931_call_ref ref) = 0;
  virtual void connect(q931_call_ref ref) = 0;
  /// Starts clearing (DISCONNECT, or RELEASE COMPLETE for a SETUP not yet answered).
  virtual void disconnect(q931_call_ref ref, cause why) = 0;
  /// Answers the far end's DISCONNECT with RELEASE; the reference is free afterwards.
  virtual void release(q931_call_ref ref, cause why) = 0;
};

}  // namespace tandem::callagent
