#pragma once
/// The call agent's MGCP client side over the shared transaction engine (RFC 3435 §3.5:
/// retransmission, response acks, piggybacking and the lost-association detection are done
/// by proto/mgcp/transaction). This layer parses and serializes messages, matches responses
/// to the callbacks that wait for them, and hands commands from gateways (RSIP, NTFY, DLCX) to
/// the call agent.
///
/// Threads: everything runs on the control-plane thread that drives the timer_service.
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>

#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/expected.hpp"
#include "common/log.hpp"
#include "proto/mgcp/message.hpp"
#include "proto/mgcp/transaction/transaction_engine.hpp"

namespace tandem::callagent {

/// Puts datagrams on the wire (the UDP socket in the daemon, a fake network in tests).
class mgcp_transport {
 public:
  virtual ~mgcp_transport() = default;
  virtual void send(const mgcp::peer& to, std::string_view datagram) = 0;
};

/// Why a command got no usable response.
enum class mgcp_failure {
  timeout,          ///< RFC 3435 §4.3: Max2 retransmissions unanswered
  bad_response,     ///< the response did not parse
  not_sent,         ///< the engine refused the command (ids exhausted, malformed)
};
[[nodiscard]] std::string_view to_string(mgcp_failure f);

using mgcp_result = expected<mgcp::response, mgcp_failure>;
using mgcp_callback = std::function<void(const mgcp_result&)>;

/// What the stack tells the call agent (inbound port).
class mgcp_stack_handler {
 public:
  virtual ~mgcp_stack_handler() = default;
  /// A parsed command from a gateway; answer it with mgcp_stack::respond.
  virtual void on_gateway_command(const mgcp::peer& from, const mgcp::command& command) = 0;
  /// RFC 3435 §4.3: the gateway at `p` stopped answering (Max2 reached).
  virtual void on_gateway_lost(const mgcp::peer& p) = 0;
  /// A response came again from a gateway that was lost.
  virtual void on_gateway_back(const mgcp::peer& p) = 0;
};

class mgcp_stack final : public mgcp::transaction_notifier {
 public:
  mgcp_stack(timer_service& timers, counter_set& counters, mgcp_transport& transport,
             mgcp::transaction_config config = {});

  void set_handler(mgcp_stack_handler* handler) { handler_ = handler; }

  /// Sends a command (its transaction id is allocated here); `done` runs once with the final
  /// response or the failure, never from inside send() (a refusal is reported on a zero-delay
  /// timer, so callers need not expect re-entry). Returns the transaction id (0: not sent).
  mgcp::transaction_id send(const mgcp::peer& to, mgcp::command command, mgcp_callback done);

  /// Answers a command received from `to`.
  void respond(const mgcp::peer& to, const mgcp::response& response);
  /// Answers with just a code and its RFC text.
  void respond(const mgcp::peer& to, mgcp::transaction_id id, mgcp::return_code code);

  /// A datagram from the socket.
  void on_datagram(const mgcp::peer& from, std::string_view datagram) { engine_.on_datagram(from, datagram); }

  [[nodiscard]] std::size_t pending() const { return pending_.size(); }
  [[nodiscard]] mgcp::transaction_engine& engine() { return engine_; }
  [[nodiscard]] const counter_set& engine_counters() const { return engine_counters_; }

 private:
  void on_send(const mgcp::peer& to, std::string_view datagram) override;
  void on_command(const mgcp::peer& from, const mgcp::envelope& command) override;
  void on_response(const mgcp::peer& from, const mgcp::envelope& response) override;
  void on_transaction_failed(const mgcp::peer& to, mgcp::transaction_id id, mgcp::failure_reason why) override;
  void on_peer_suspect(const mgcp::peer& p) override;
  void on_peer_disconnected(const mgcp::peer& p) override;
  void on_disconnected_procedure_due(const mgcp::peer& p) override;
  void on_peer_reconnected(const mgcp::peer& p) override;
  void on_malformed(const mgcp::peer& from, const mgcp::envelope_error& error, std::string_view message) override;

  void finish(mgcp::transaction_id id, const mgcp_result& result);

  timer_service& timers_;
  mgcp_transport& transport_;
  counter_set& counters_;
  /// The transaction engine's own counters (docs/mgcp-transactions.md), apart from ours.
  counter_set engine_counters_{"ca.mgcp_transaction"};
  mgcp::transaction_engine engine_;
  mgcp_stack_handler* handler_ = nullptr;
  std::map<std::uint32_t, mgcp_callback> pending_;
  std::shared_ptr<spdlog::logger> log_ = log::get("ca");
};

}  // namespace tandem::callagent
