#pragma once
/// The agent's outbound port: commands the gateway sends on its own (NTFY, DLCX, RSIP).
#include "proto/mgcp/message.hpp"
#include "proto/mgcp/transaction/peer.hpp"

namespace tandem::gateway::mgcp {

/// Implemented by the transport glue (which serializes and hands the text to the transaction
/// engine) and by tests (recording_notifier). Called on the control thread.
class agent_notifier {
 public:
  virtual ~agent_notifier() = default;
  /// Sends a command; `cmd.id` is a placeholder. Returns the transaction id it went out
  /// with, which the agent matches against on_response / on_transaction_failed.
  virtual tandem::mgcp::transaction_id send_command(const tandem::mgcp::peer& to,
                                                    const tandem::mgcp::command& cmd) = 0;
};

}  // namespace tandem::gateway::mgcp
