#pragma once
/// The MGCP side of tandem-mgw without sockets: datagrams in, datagrams out. It joins the
/// transaction engine (RFC 3435 §3.5: retransmissions, response cache, K:, piggybacking, link
/// state), the parser and serializer, and the agent. The UDP adapter (udp_transport.cpp)
/// feeds it; tests feed it text and a manual clock.
///
///   datagram ──is_allowed?──► transaction_engine ──on_command──► parse ──► agent ──► serialize ──► send_response
///   agent ──send_command──► serialize ──► transaction_engine ──on_send──► datagram
///
/// Threads: the control-plane thread only.
#include <functional>
#include <memory>
#include <string_view>

#include "common/clock.hpp"
#include "common/counters.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/transaction/transaction_engine.hpp"

namespace tandem::gateway::app {

class mgcp_service final : private tandem::mgcp::transaction_notifier, private mgcp::agent_notifier {
 public:
  using send_function = std::function<void(const tandem::mgcp::peer& to, std::string_view datagram)>;

  mgcp_service(mgcp::agent_config config, const codecs::registry& codecs, mgcp::media_control& media,
               timer_service& timers, counter_set& agent_counters, counter_set& transaction_counters,
               send_function send, tandem::mgcp::transaction_config transactions = {});
  ~mgcp_service() override;

  /// A datagram from the network. Strangers are dropped before the transaction engine (no
  /// state is kept for them) and counted by the agent as refused.
  void on_datagram(const tandem::mgcp::peer& from, std::string_view datagram);

  mgcp::agent& agent() noexcept { return *agent_; }
  tandem::mgcp::transaction_engine& transactions() noexcept { return *engine_; }

 private:
  // transaction_notifier
  void on_send(const tandem::mgcp::peer& to, std::string_view datagram) override;
  void on_command(const tandem::mgcp::peer& from, const tandem::mgcp::envelope& command) override;
  void on_response(const tandem::mgcp::peer& from, const tandem::mgcp::envelope& response) override;
  void on_transaction_failed(const tandem::mgcp::peer& to, tandem::mgcp::transaction_id id,
                             tandem::mgcp::failure_reason why) override;
  void on_peer_suspect(const tandem::mgcp::peer& p) override;
  void on_peer_disconnected(const tandem::mgcp::peer& p) override;
  void on_disconnected_procedure_due(const tandem::mgcp::peer& p) override;
  void on_peer_reconnected(const tandem::mgcp::peer& p) override;
  void on_malformed(const tandem::mgcp::peer& from, const tandem::mgcp::envelope_error& error,
                    std::string_view message) override;
  // agent_notifier
  tandem::mgcp::transaction_id send_command(const tandem::mgcp::peer& to, const tandem::mgcp::command& cmd) override;

  void answer(const tandem::mgcp::peer& to, const std::optional<tandem::mgcp::response>& r);

  send_function send_;
  counter_set& agent_counters_;
  std::unique_ptr<tandem::mgcp::transaction_engine> engine_;
  std::unique_ptr<mgcp::agent> agent_;
};

}  // namespace tandem::gateway::app
