#pragma once
/// The call agent core: gateways, circuits, Q.931 links, routing, calls, bearer control over
/// MGCP and call detail records. Sans-I/O: MGCP datagrams go out through an mgcp_transport and
/// come in through on_mgcp_datagram; Q.931 through q931_link objects; time from the injected
/// timer_service (monotonic) and wall clock (records).
///
/// Bearer control for a PRI-to-PRI call (docs/callagent.md walks it through):
///   SETUP in      -> CALL PROCEEDING; CRCX originating timeslot (M: inactive, L: a:<codec>)
///   200 + SDP     -> hunt a channel; CRCX far timeslot with the first SDP (M: sendonly)
///   200 + SDP     -> MDCX originating with the answer; SETUP out
///   ALERTING/PROGRESS out there -> MDCX originating M: recvonly (early media); ALERTING in
///   CONNECT       -> MDCX both M: sendrecv; CONNECT in
///   clearing      -> DISCONNECT/RELEASE on both sides; DLCX on both, P: stats into the record
/// A codec refusal (RFC 3435 §2.4: 534, 505, 532, 535) moves to the route's next codec; a
/// congestion (no idle channel, 4xx, a gateway that does not answer, RELEASE COMPLETE 34/44)
/// advances to the route's next target.
///
/// Threads: every entry point runs on the control-plane thread that drives the timer_service.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "callagent/ca_config.hpp"
#include "callagent/call.hpp"
#include "callagent/cdr_writer.hpp"
#include "callagent/gateway.hpp"
#include "callagent/mgcp_stack.hpp"
#include "callagent/q931_link.hpp"
#include "callagent/router.hpp"
#include "callagent/sip_leg.hpp"
#include "callagent/trunk_group.hpp"
#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/log.hpp"

namespace tandem::callagent {

using wall_clock = std::function<std::chrono::system_clock::time_point()>;

class call_agent final : private mgcp_stack_handler, private sip_handler {
 public:
  /// `counters` gets the names listed in docs/callagent.md; `cdr` may be null (no records).
  call_agent(ca_config config, timer_service& timers, wall_clock wall, mgcp_transport& transport,
             cdr_sink* cdr, counter_set& counters, mgcp::transaction_config mgcp_config = {});
  ~call_agent() override;
  call_agent(const call_agent&) = delete;
  call_agent& operator=(const call_agent&) = delete;

  /// Binds the D-channel of `span` on `gateway` (the link must outlive the call agent).
  /// False when the gateway is unknown.
  bool attach_link(const std::string& gateway, unsigned span, q931_link& link);

  /// Binds the SIP side (it must outlive the call agent); without it, routes skip SIP targets
  /// and no INVITE comes in. docs/sip.md walks the SIP calls through.
  void attach_sip(sip_side& sip);

  /// Audits every configured gateway (RFC 3435 §2.3.10 wildcard AUEP) and starts keep-alives.
  void start();

  /// Clears every call (shutdown): DISCONNECT on their PRI legs and DLCX on their
  /// connections, records written as the clearing completes; released by the call agent.
  void release_all(cause why);

  /// An MGCP datagram from the socket.
  void on_mgcp_datagram(const mgcp::peer& from, std::string_view datagram) { mgcp_.on_datagram(from, datagram); }

  // ---- introspection (tests, management) --------------------------------------------------
  [[nodiscard]] std::size_t active_calls() const { return calls_.size(); }
  [[nodiscard]] const circuit_table& circuits() const { return circuits_; }
  [[nodiscard]] std::optional<gateway_state> state_of(const std::string& gateway) const;
  /// MGCP commands sent and not yet answered.
  [[nodiscard]] std::size_t pending_mgcp() const { return mgcp_.pending(); }
  /// Call references the call agent holds on all links.
  [[nodiscard]] std::size_t q931_refs() const { return refs_.size(); }
  /// The call on a circuit, if any.
  [[nodiscard]] const call* find_call(call_ref id) const;
  [[nodiscard]] std::vector<call_ref> call_ids() const;

  // ---- administration (call_admin.cpp; the control socket, docs/ctl.md) ---------------------
  enum class admin_status { ok, unknown_object, conflict, bad_arguments };
  struct admin_result {
    admin_status status = admin_status::ok;
    std::string message;  ///< what was done, or why not
  };
  /// Graceful busy-out: the circuits (span 0: every span, channel 0: every channel) take no
  /// new call (hunting skips them, a SETUP naming one is refused with cause 44, a call with no
  /// idle circuit left gets 34); calls on them finish normally. `block` false undoes it.
  admin_result block_circuits(const std::string& gateway, unsigned span, unsigned channel, bool block);
  /// Circuits blocked by an operator.
  [[nodiscard]] const std::set<circuit_index>& admin_blocked() const;
  /// Drain: the gateway takes no new call (as after RSIP graceful, RFC 3435 §4.4.5, with no
  /// time limit); its calls finish. `drain` false puts it back in service.
  admin_result drain_gateway(const std::string& name, bool drain);
  /// Clears one call with `why` (DISCONNECT on its legs, DLCX, a record released_by call_agent).
  admin_result release_call(call_ref id, cause why);
  /// Replaces the normalisation rules and routes with those of `fresh` (checked against the
  /// running trunk groups first). Calls in progress keep the route they were given.
  admin_result reload_routes(const ca_config& fresh);
  [[nodiscard]] const ca_config& config() const;
  [[nodiscard]] const std::map<std::string, gateway>& gateways() const;
  [[nodiscard]] const std::map<std::string, trunk_group>& trunk_groups() const;
  [[nodiscard]] const std::map<call_ref, call>& calls() const;
  /// The MGCP transaction engine's counters (docs/mgcp-transactions.md).
  [[nodiscard]] const counter_set& mgcp_counters() const;

 private:
  std::set<circuit_index> admin_blocked_;
  /// Route tables replaced by reload_routes() while calls still pointed into them.
  std::vector<std::vector<route_config>> retired_routes_;

 private:
  class link_port;
  friend class link_port;
  using link_key = std::pair<std::string, unsigned>;  // gateway, span
  struct leg_key {
    call_ref call;
    std::size_t leg = 0;
  };

  // ---- Q.931 (call_setup.cpp, call_release.cpp) ---------------------------------------------
  void on_link_up(link_port& port);
  void on_link_down(link_port& port);
  void on_setup(link_port& port, const q931_setup& setup);
  void on_proceeding(link_port& port, q931_call_ref ref, unsigned channel);
  void on_alerting(link_port& port, q931_call_ref ref);
  void on_progress(link_port& port, q931_call_ref ref);
  void on_connect(link_port& port, q931_call_ref ref);
  void on_disconnect(link_port& port, q931_call_ref ref, cause why);
  void on_release(link_port& port, q931_call_ref ref, cause why);

  // ---- call setup (call_setup.cpp) ----------------------------------------------------------
  void reject_setup(link_port& port, q931_call_ref ref, cause why, std::string_view counter);
  void create_originating_connection(call_ref id);
  void on_originating_created(call_ref id, const mgcp_result& result);
  void try_target(call_ref id);
  void start_attempt(call_ref id, circuit_index circuit);
  void on_terminating_created(call_ref id, std::size_t leg, const mgcp_result& result);
  void attempt_failed(call_ref id, cause why, bool same_target);
  void codec_refused(call_ref id);
  void handle_glare(call& c, std::size_t leg);
  void on_no_answer(call_ref id);
  void early_media(call& c);

  // ---- clearing (call_release.cpp) ---------------------------------------------------------
  /// Clears the whole call: the first cause and side are the ones recorded.
  void clear_call(call_ref id, cause why, released_by who);
  /// Ends one leg's signalling and connection (an abandoned attempt, or part of clear_call).
  void drop_leg(call& c, std::size_t leg, cause why);
  void delete_connection(call& c, std::size_t leg);
  /// Frees what finished legs hold; writes the record and erases a released call when all
  /// its legs are done.
  void check_done(call_ref id);
  void write_record(const call& c);
  /// Marks a leg's signalling gone (link down, RELEASE) and forgets its call reference.
  void leg_signalling_gone(call& c, std::size_t leg, leg_event event);

  // ---- gateways (gateway_control.cpp) ------------------------------------------------------
  void on_gateway_command(const mgcp::peer& from, const mgcp::command& command) override;
  void on_gateway_lost(const mgcp::peer& p) override;
  void on_gateway_back(const mgcp::peer& p) override;
  void handle_rsip(gateway& gw, const mgcp::peer& from, const mgcp::command& command);
  void handle_gateway_dlcx(gateway& gw, const mgcp::peer& from, const mgcp::command& command);
  void handle_ntfy(gateway& gw, const mgcp::peer& from, const mgcp::command& command);
  bool gateway_transition(gateway& gw, gateway_event event);
  void audit_gateway(const std::string& name, bool check_connections);
  void on_audit(const std::string& name, bool check_connections, const mgcp_result& result);
  void audit_connections(const std::string& name);
  void schedule_keepalive(gateway& gw);
  void on_keepalive(const std::string& name);
  /// Clears every call with a leg on the gateway; `connections_gone` skips DLCX there.
  void clear_gateway_calls(const std::string& name, cause why, bool connections_gone);
  gateway* find_gateway(const mgcp::peer& p, const mgcp::endpoint_name& endpoint);
  gateway* find_gateway(const std::string& name);

  // ---- SIP (call_sip.cpp) -------------------------------------------------------------------
  void on_invite(const sip_invite& invite) override;
  void on_provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) override;
  void on_answer(sip_dialog_ref dialog, const std::string& sdp) override;
  void on_failure(sip_dialog_ref dialog, int status, cause why) override;
  void on_hangup(sip_dialog_ref dialog, cause why) override;
  void on_peer_state(const std::string& peer, bool up) override;
  /// INVITE toward a SIP target with the originating connection's SDP as the offer.
  void start_sip_attempt(call_ref id, const route_target& target);
  /// The SIP leg of `dialog`, if it still belongs to a call.
  std::optional<leg_key> find_dialog(sip_dialog_ref dialog);
  /// Tells the originating leg (PRI or SIP) that the far end alerts / has in-band progress /
  /// answered; SIP gets the terminating leg's SDP (early media, answer).
  void signal_alerting(call& c);
  void signal_progress(call& c);
  void signal_connect(call& c);
  /// Ends a SIP leg from our side (CANCEL, BYE or an error response, as its state needs).
  void hangup_sip_leg(call& c, std::size_t leg, cause why);

  // ---- helpers (call_agent.cpp) ------------------------------------------------------------
  call* find(call_ref id);
  std::optional<leg_key> find_leg(const link_port& port, q931_call_ref ref);
  link_port* port_of(const std::string& gateway, unsigned span);
  void leg_event_on(call& c, std::size_t leg, leg_event event);
  bool call_transition(call& c, call_event event);
  mgcp::endpoint_name endpoint_of(const std::string& gateway, const std::string& local) const;
  void send_mgcp(const std::string& gateway, mgcp::command command, mgcp_callback done);
  mgcp::command connection_command(mgcp::verb v, const call& c, const pri_leg& leg) const;
  /// MDCX; `then` runs once the gateway accepted it (the call still up), e.g. a SIP 200 OK
  /// that must not come before the cut-through.
  void modify_connection(call& c, std::size_t leg, mgcp::connection_mode_kind mode, bool with_remote,
                         std::function<void(call&)> then = {});
  [[nodiscard]] bool is_current(const call& c, std::size_t leg) const;

  ca_config config_;
  timer_service& timers_;
  wall_clock wall_;
  cdr_sink* cdr_;
  counter_set& counters_;
  mgcp_stack mgcp_;
  circuit_table circuits_;
  std::map<std::string, trunk_group> groups_;
  std::map<std::string, gateway> gateways_;
  std::map<link_key, std::unique_ptr<link_port>> links_;
  std::map<call_ref, call> calls_;
  /// (gateway, span, q931 ref) -> leg
  std::map<std::tuple<std::string, unsigned, std::uint32_t>, leg_key> refs_;
  /// References cleared without a call (rejected SETUPs): their release is expected.
  std::map<std::tuple<std::string, unsigned, std::uint32_t>, bool> orphans_;
  sip_side* sip_ = nullptr;
  std::map<sip_dialog_ref, leg_key> dialogs_;
  std::set<std::string> peers_down_;  ///< SIP peers whose OPTIONS keep-alive failed
  std::uint64_t next_call_ = 1;
  std::shared_ptr<spdlog::logger> log_ = log::get("ca");
};

}  // namespace tandem::callagent
