#pragma once
/// The call agent's q931_link for one gateway span: libpri on the user side (the call agent
/// plays the carrier PRI customer toward the exchange) over the span's D-channel, which the
/// gateway relays over the backhaul (docs/backhaul.md).
///
/// A libpri controller exists only while a backhaul connection carries the span (attach()).
/// Driven without any socket of its own: frames from the gateway come in through on_frame(),
/// frames for the gateway leave through the frame_sender given to attach(); libpri's timers
/// run on the injected timer_service. Events libpri raises while the call agent is inside a
/// request (RELEASE COMPLETE sent in answer to a SETUP frees the call at once) are delivered
/// from a zero-delay timer, so the call agent is never re-entered.
///
/// Threads: everything on the control-plane thread that drives the timer_service.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "callagent/q931_link.hpp"
#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/expected.hpp"
#include "isdn/pri_adapter.hpp"

namespace tandem::callagent {

/// Sends one D-channel payload (no FCS) toward the gateway's span.
using frame_sender = std::function<void(std::span<const std::uint8_t>)>;

class backhauled_pri_link final : public q931_link {
 public:
  /// `name` appears in logs ("mgw1 span 1").
  [[nodiscard]] static expected<std::unique_ptr<backhauled_pri_link>, std::string> create(
      std::string name, isdn::switch_type kind, timer_service& timers);
  ~backhauled_pri_link() override;

  // ---- q931_link ----------------------------------------------------------------------------
  void set_handler(q931_handler* handler) override { handler_ = handler; }
  q931_call_ref setup(const q931_setup_request& request) override;
  void proceeding(q931_call_ref ref, unsigned channel) override;
  void alerting(q931_call_ref ref) override;
  void progress(q931_call_ref ref) override;
  void connect(q931_call_ref ref) override;
  void disconnect(q931_call_ref ref, cause why) override;
  void release(q931_call_ref ref, cause why) override;

  // ---- the backhaul side ----------------------------------------------------------------------
  /// The gateway carrying this span has connected: frames go out through `send`, and the
  /// data link is (re)started (Q.921 SABME).
  /// `owner` names the connection (detach_from() of a stale connection then does nothing).
  void attach(frame_sender send, const void* owner = nullptr);
  /// detach() if the connection `owner` is still the one attached.
  void detach_from(const void* owner) {
    if (owner_ == owner) detach();
  }
  /// The gateway's backhaul is gone: libpri's state goes with it (every call reference is
  /// dropped and on_link_down reported if the link was up); frames are dropped until attach().
  void detach();
  [[nodiscard]] bool attached() const { return static_cast<bool>(send_); }
  /// A D-channel frame from the gateway's span. False when refused (empty, too long).
  bool on_frame(std::span<const std::uint8_t> payload);

  [[nodiscard]] bool link_up() const { return adapter_ && adapter_->link_up(); }
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Frames relayed each way and frames dropped while detached.
  [[nodiscard]] std::uint64_t frames_in() const { return frames_in_; }
  [[nodiscard]] std::uint64_t frames_out() const { return frames_out_; }
  [[nodiscard]] std::uint64_t frames_dropped() const { return frames_dropped_; }

 private:
  backhauled_pri_link(std::string name, isdn::switch_type kind, timer_service& timers);
  void schedule_delivery();
  void on_adapter_event(const isdn::link_event& e);
  void dispatch(const isdn::link_event& e);
  /// After every entry: hands libpri's frames to the gateway, re-arms libpri's timer and, if
  /// events were raised, delivers them (now, or from a zero-delay timer inside a request).
  void settle(bool inside_request);
  void deliver_pending();
  void flush_outgoing();
  void rearm_timer();
  unsigned channel_of(q931_call_ref ref) const;
  void log_refusal(std::string_view what, q931_call_ref ref, const std::string& why);

  std::string name_;
  isdn::switch_type kind_;
  timer_service& timers_;
  std::unique_ptr<isdn::pri_adapter> adapter_;
  q931_handler* handler_ = nullptr;
  frame_sender send_;
  const void* owner_ = nullptr;
  std::deque<isdn::link_event> pending_;
  std::optional<timer_id> libpri_timer_;
  std::optional<timer_id> deliver_timer_;
  /// B-channel of each live call (libpri wants it on every response).
  std::map<std::uint32_t, unsigned> channels_;
  /// Calls the call agent already considers free (release() answered their DISCONNECT):
  /// their final RELEASE COMPLETE is not reported again.
  std::set<std::uint32_t> freed_;
  /// Handles for SETUPs libpri refused (reported released from a timer): above libpri's range.
  std::uint32_t next_refused_ = 0x8000'0000u;
  std::uint64_t frames_in_ = 0;
  std::uint64_t frames_out_ = 0;
  std::uint64_t frames_dropped_ = 0;
};

}  // namespace tandem::callagent
