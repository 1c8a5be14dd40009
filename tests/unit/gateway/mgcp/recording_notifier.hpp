#pragma once
/// An agent_notifier that keeps what the agent sent, with transaction ids from 900 upwards.
#include <deque>
#include <utility>

#include "gateway/mgcp/agent_notifier.hpp"

namespace tandem::gateway::mgcp::test {

class recording_notifier final : public agent_notifier {
 public:
  tandem::mgcp::transaction_id send_command(const tandem::mgcp::peer& to, const tandem::mgcp::command& cmd) override {
    tandem::mgcp::command sent = cmd;
    sent.id = tandem::mgcp::transaction_id{next_id++};
    sent_commands.emplace_back(to, sent);
    return sent.id;
  }
  std::uint32_t next_id = 900;
  std::deque<std::pair<tandem::mgcp::peer, tandem::mgcp::command>> sent_commands;
};

}  // namespace tandem::gateway::mgcp::test
