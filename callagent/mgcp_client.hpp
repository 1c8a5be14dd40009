#pragma once
/// The call agent's MGCP client of one gateway: it names the gateway's endpoints (the domain
/// part, RFC 3435 §2.1.1) and sends commands to where the gateway is (the UDP peer, which
/// follows the source of its RSIP, RFC 3435 §4.4). All clients share one mgcp_stack: the
/// RFC 3435 §3.5 transaction layer belongs to the call agent as an entity (one id space,
/// per-peer retransmission timers and link state), not to each gateway. Responses to the
/// gateway's own commands go to the source of each command (mgcp_stack::respond).
///
/// Threads: the control-plane thread.
#include <string>
#include <string_view>

#include "callagent/mgcp_stack.hpp"

namespace tandem::callagent {

class mgcp_client {
 public:
  mgcp_client(mgcp_stack& stack, std::string domain, mgcp::peer peer)
      : stack_(&stack), domain_(std::move(domain)), peer_(std::move(peer)) {}

  /// `local@domain`.
  [[nodiscard]] mgcp::endpoint_name endpoint(std::string_view local) const {
    mgcp::endpoint_name e;
    e.local = std::string(local);
    e.domain.host = domain_;
    return e;
  }
  /// Sends a command (see mgcp_stack::send).
  void send(mgcp::command command, mgcp_callback done) { stack_->send(peer_, std::move(command), std::move(done)); }

  [[nodiscard]] const mgcp::peer& peer() const { return peer_; }
  [[nodiscard]] const std::string& domain() const { return domain_; }
  /// The gateway spoke from another address (its RSIP): commands go there from now on.
  void move_to(mgcp::peer p) { peer_ = std::move(p); }

 private:
  mgcp_stack* stack_;
  std::string domain_;
  mgcp::peer peer_;
};

}  // namespace tandem::callagent
