#pragma once
/// A PRI D-channel for call agent tests: records what the call agent sends, and lets the test
/// play the network side (SETUP, CALL PROCEEDING, ALERTING, PROGRESS, CONNECT, DISCONNECT,
/// RELEASE). By default the network completes the clearing the call agent starts: one
/// millisecond after a DISCONNECT it reports the release (RELEASE received).
#include <chrono>
#include <string>
#include <vector>

#include "callagent/q931_link.hpp"
#include "common/manual_clock.hpp"

namespace tandem::callagent::test {

class fake_q931_link final : public q931_link {
 public:
  explicit fake_q931_link(manual_clock& clock) : clock_(clock) {}

  struct message {
    std::string what;  ///< "SETUP", "CALL PROCEEDING", "ALERTING", "PROGRESS", "CONNECT", "DISCONNECT", "RELEASE"
    q931_call_ref ref;
    unsigned channel = 0;
    std::string called;
    std::string calling;
    int cause = 0;
  };
  std::vector<message> sent;  ///< what the call agent sent, in order
  bool auto_release = true;

  // ---- q931_link ------------------------------------------------------------------------------
  void set_handler(q931_handler* handler) override { handler_ = handler; }
  q931_call_ref setup(const q931_setup_request& r) override;
  void proceeding(q931_call_ref ref, unsigned channel) override { record("CALL PROCEEDING", ref, channel); }
  void alerting(q931_call_ref ref) override { record("ALERTING", ref); }
  void progress(q931_call_ref ref) override { record("PROGRESS", ref); }
  void connect(q931_call_ref ref) override { record("CONNECT", ref); }
  void disconnect(q931_call_ref ref, cause why) override;
  void release(q931_call_ref ref, cause why) override;

  // ---- the network side -----------------------------------------------------------------------
  void up() { handler_->on_link_up(); }
  void down() { handler_->on_link_down(); }
  /// An incoming SETUP; returns its reference.
  q931_call_ref incoming(unsigned channel, std::string called, std::string calling);
  q931_handler& network() { return *handler_; }

  /// Messages of one kind (optionally for one reference).
  [[nodiscard]] std::vector<message> of(const std::string& what) const;
  [[nodiscard]] std::vector<message> of(const std::string& what, q931_call_ref ref) const;
  /// The last SETUP the call agent sent.
  [[nodiscard]] message last_setup() const;

 private:
  void record(std::string what, q931_call_ref ref, unsigned channel = 0, int cause_value = 0);
  manual_clock& clock_;
  q931_handler* handler_ = nullptr;
  std::uint32_t next_out_ = 0x100;  // references of calls the call agent places
  std::uint32_t next_in_ = 0x8001;  // references of calls the network places
};

}  // namespace tandem::callagent::test
