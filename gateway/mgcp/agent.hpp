#pragma once
/// The gateway's MGCP agent (RFC 3435): one entry point per event, a parsed command and the
/// sender in, the response out, no sockets. Commands the gateway originates (NTFY,
/// gateway-initiated DLCX, RSIP) go out through agent_notifier; time comes from the injected
/// timer_service; the media plane sits behind media_control.
///
/// Every verb handler first validates the whole command (endpoint, parameters, options, SDP,
/// codecs, events) without touching state, and only then changes it: a rejected command
/// leaves no endpoint, connection or port behind. Each rejection has a named reason
/// (failure.hpp) and counters; docs/mgcp-agent.md and docs/counters.md describe them.
///
/// Agent state (RFC 3435 §4.4.6):
///   starting   --start(), random wait elapsed--> restarting (RSIP sent)
///   restarting --RSIP answered 2xx--> in_service
///   restarting --RSIP failed--> disconnected
///   any        --disconnected procedure due--> restarting (RSIP RM: disconnected)
///
/// Threads: every member runs on the control-plane thread.
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codecs/registry.hpp"
#include "common/clock.hpp"
#include "common/counters.hpp"
#include "gateway/mgcp/agent_config.hpp"
#include "gateway/mgcp/agent_notifier.hpp"
#include "gateway/mgcp/codec_negotiation.hpp"
#include "gateway/mgcp/endpoint.hpp"
#include "gateway/mgcp/failure.hpp"
#include "gateway/mgcp/media_control.hpp"
#include "gateway/mgcp/media_event_handler.hpp"
#include "proto/mgcp/message.hpp"
#include "proto/mgcp/parse_error.hpp"
#include "proto/mgcp/transaction/peer.hpp"

namespace tandem::gateway::mgcp {

enum class agent_state { starting, restarting, in_service, disconnected };

class agent final : public media_event_handler {
 public:
  /// `random` gives the restart wait (RFC 3435 §4.4.6) and the first connection id; it
  /// defaults to std::random_device.
  agent(agent_config config, const codecs::registry& codecs, media_control& media,
        agent_notifier& notifier, timer_service& timers, counter_set& counters,
        std::function<std::uint32_t()> random = {});
  ~agent() override;
  agent(const agent&) = delete;
  agent& operator=(const agent&) = delete;

  /// Whether `from` is one of the configured call agents. The transport asks before it lets a
  /// datagram reach the transaction engine, so that strangers cost no state there either.
  [[nodiscard]] bool is_allowed(const tandem::mgcp::peer& from) const;

  /// A command from a call agent. nullopt only when `from` is not allowed: the command is
  /// counted (rx.refused_peer) and left unanswered so that nothing of the gateway is revealed.
  std::optional<tandem::mgcp::response> handle(const tandem::mgcp::peer& from,
                                               const tandem::mgcp::command& cmd);

  /// A command that did not parse but whose transaction id is known (parse_error::answerable):
  /// answered with the parser's code (504 for an unknown verb, 510, 511, ...). nullopt when the
  /// peer is not allowed or the error is not answerable.
  std::optional<tandem::mgcp::response> handle_malformed(const tandem::mgcp::peer& from,
                                                         const tandem::mgcp::parse_error& error);

  /// Schedules the first RSIP (after the random restart wait).
  void start();

  /// The final response to a command the agent sent (NTFY, DLCX, RSIP).
  void on_response(const tandem::mgcp::peer& from, const tandem::mgcp::response& r);
  /// A command the agent sent got no response (RFC 3435 §4.3 Max2).
  void on_transaction_failed(const tandem::mgcp::peer& to, tandem::mgcp::transaction_id id);
  /// RFC 3435 §4.4.6: the transaction engine says to run the disconnected procedure: RSIP
  /// with RM: disconnected.
  void on_disconnected_procedure_due(const tandem::mgcp::peer& p);

  void on_media_event(const endpoint_address& e, const tandem::mgcp::observed_event& event) override;

  /// Gateway-initiated DLCX (RFC 3435 §2.3.8): deletes the connection and tells the call
  /// agent, with the reason code (E:) and the connection's statistics (P:). False when there
  /// is no such connection.
  bool delete_connection(const endpoint_address& e, const tandem::mgcp::connection_id& id,
                         tandem::mgcp::reason_code reason);

  /// A span went down (alarm) or came back: its endpoints go out of service (connections
  /// dropped, RSIP RM: forced for ds/<span>/*) or back in (RSIP RM: restart).
  void set_span_in_service(unsigned span, bool in_service);

  // ---- introspection (tests, management) ----------------------------------------------------
  [[nodiscard]] agent_state state() const noexcept { return state_; }
  [[nodiscard]] const endpoint* find_endpoint(const endpoint_address& a) const;
  [[nodiscard]] std::size_t connection_count() const;
  [[nodiscard]] const std::vector<codec_capability>& capabilities() const noexcept { return caps_; }
  [[nodiscard]] const agent_config& config() const noexcept { return config_; }

 private:
  using command = tandem::mgcp::command;
  using response = tandem::mgcp::response;
  template <class T>
  using result = expected<T, rejection>;

  enum class wildcards { none, any_of, all_of };

  // agent.cpp: dispatch, names, shared checks
  response dispatch(const tandem::mgcp::peer& from, const command& cmd);
  result<std::vector<endpoint*>> resolve(const tandem::mgcp::endpoint_name& name, wildcards allowed,
                                        const endpoint* exclude = nullptr);
  result<void> check_parameters(const command& cmd) const;
  response reject(const command& cmd, const rejection& why);
  response ok(const command& cmd, tandem::mgcp::return_code code = tandem::mgcp::return_code::ok);
  tandem::mgcp::endpoint_name name_of(const endpoint_address& a) const;
  tandem::mgcp::peer peer_of(const std::optional<tandem::mgcp::notified_entity>& n) const;
  tandem::mgcp::notified_entity default_notified() const;
  tandem::mgcp::connection_id new_connection_id();
  unsigned max_connections(const endpoint& e) const;
  void count_rx(tandem::mgcp::verb v);

  // connections.cpp: CRCX, MDCX
  response crcx(const command& cmd);
  response mdcx(const command& cmd);
  result<tandem::mgcp::connection_mode> check_mode(const endpoint& e,
                                                  const std::optional<tandem::mgcp::connection_mode>& m) const;
  result<std::optional<sdp::session_description>> check_session(const command& cmd) const;

  // dlcx.cpp
  response dlcx(const command& cmd);
  tandem::mgcp::connection_parameters drop_connection(endpoint& e, const tandem::mgcp::connection_id& id);

  // notification.cpp: RQNT and the notification machinery
  response rqnt(const command& cmd);
  /// Validates R:/S:/D:/X:/Q:/T: of any verb for endpoint `e`; `creating` allows "@$".
  result<void> check_request(const command& cmd, const endpoint& e, bool creating) const;
  result<void> check_requested_events(const std::vector<tandem::mgcp::requested_event>& events,
                                      const endpoint& e, bool creating, bool have_digit_map) const;
  result<void> check_signals(const std::vector<tandem::mgcp::signal_request>& signals, const endpoint& e,
                             bool creating) const;
  /// Applies a validated request; `created` names the connection "$" refers to.
  void apply_request(endpoint& e, const command& cmd, const std::optional<tandem::mgcp::connection_id>& created);
  void start_signals(endpoint& e, const std::vector<tandem::mgcp::signal_request>& signals,
                     const std::optional<tandem::mgcp::connection_id>& created);
  void stop_signals(endpoint& e);
  void update_detection(endpoint& e);
  void process_event(endpoint& e, const tandem::mgcp::observed_event& ev, bool replay);
  void evaluate_digits(endpoint& e, bool timed_out);
  void on_digit_timer(endpoint_address a);
  void on_signal_timeout(endpoint_address a, std::string canonical);
  void send_notify(endpoint& e);
  bool is_persistent(const tandem::mgcp::observed_event& ev) const;

  // audit.cpp: AUEP, AUCX, EPCF
  response auep(const command& cmd);
  response aucx(const command& cmd);
  response epcf(const command& cmd);
  std::vector<tandem::mgcp::capability_set> capability_lines() const;

  /// Every change of an endpoint's state goes through here (keeps idle_).
  void set_state(endpoint& e, endpoint_state s);

  // restart.cpp: RSIP
  void send_rsip(tandem::mgcp::restart_method_kind method, std::uint32_t delay_s, const std::string& local);
  void restart_due();

  agent_config config_;
  media_control& media_;
  agent_notifier& notifier_;
  timer_service& timers_;
  counter_set& counters_;
  std::function<std::uint32_t()> random_;
  std::vector<codec_capability> caps_;
  std::vector<tandem::mgcp::event_name> persistent_;
  std::map<endpoint_address, endpoint> endpoints_;
  /// The endpoints in state idle: "any of" (RFC 3435 §2.1.2 "$") picks from here in O(log n)
  /// rather than walking every endpoint. Kept by set_state, the one writer of endpoint::state.
  std::set<endpoint_address> idle_;
  agent_state state_ = agent_state::starting;
  std::optional<timer_id> restart_timer_;
  std::uint32_t next_connection_ = 1;
  /// Outgoing commands awaiting their response: what they were about.
  struct outgoing {
    tandem::mgcp::verb verb;
    std::optional<endpoint_address> endpoint;
  };
  std::map<std::uint32_t, outgoing> outgoing_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::gateway::mgcp
