#pragma once
/// The call agent's SIP side on Sofia-SIP (nua): a UA for trunk peers and registered users,
/// and a registrar with digest authentication (docs/sip.md). Sofia runs its su_root in a
/// thread of its own; the call agent's control thread calls the sip_side methods, which post
/// work to that thread, and every sip_handler event is posted back with `to_control`. No Sofia
/// type appears in this header (as oRTP stays inside gateway/rtp).
#include <functional>
#include <memory>
#include <string>

#include "callagent/ca_config.hpp"
#include "callagent/sip_leg.hpp"
#include "common/expected.hpp"

namespace tandem::callagent::sip {

/// Runs a closure on the call agent's control thread (e.g. asio::post to its io_context).
using post_fn = std::function<void(std::function<void()>)>;

class sofia_stack final : public sip_side {
 public:
  /// Starts the Sofia thread and binds `config.address:config.port` (UDP and TCP). The error
  /// says why it could not (port in use, bad address).
  static expected<std::unique_ptr<sofia_stack>, std::string> start(const sip_config& config, post_fn to_control);
  /// Shuts nua down (BYE/CANCEL of what is left, bounded wait) and joins the thread.
  ~sofia_stack() override;
  sofia_stack(const sofia_stack&) = delete;
  sofia_stack& operator=(const sofia_stack&) = delete;

  void set_handler(sip_handler* handler) override;
  sip_dialog_ref invite(const sip_destination& to, const std::string& called, const std::string& calling,
                        const std::string& offer) override;
  void provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) override;
  void answer(sip_dialog_ref dialog, const std::string& sdp) override;
  void hangup(sip_dialog_ref dialog, cause why) override;

  struct impl;

 private:
  explicit sofia_stack(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem::callagent::sip
