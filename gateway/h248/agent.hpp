#pragma once
/// The gateway's H.248 MG agent (ITU-T H.248.1): the MGCP agent's sibling, one more front-end
/// over the same TDM timeslots and media plane (gateway/mgcp/media_control.hpp, implemented by
/// gateway/app/engine_media_control). Sans-I/O: a parsed transaction request and its sender
/// in, the reply out; requests the MG originates (ServiceChange, Notify) go out through
/// agent_notifier; time comes from the injected timer_service.
///
/// Model (H.248.1 §6): terminations tdm/<span>/<ts> exist from start in the null context;
/// RTP terminations rtp/<n> are created by Add of `rtp/$` and destroyed by Subtract. A
/// context joining a TDM termination and RTP terminations is, for the media plane, the TDM
/// timeslot's endpoint with one connection per RTP termination (what MGCP's CRCX makes), so
/// both protocols share one media plane. Each command is validated before any state changes;
/// a failed command ends its transaction with an H.248.8 error (§8.2.2) after the commands
/// before it took effect.
///
/// Registration and failover (H.248.1 §11.2, §11.4, §11.5):
///   unregistered --start()--> registering (ServiceChange Restart "901 Cold Boot" to controller 0)
///   registering  --reply--> in_service;  --error reply or no reply--> registering (next controller)
///   registering  --every controller failed--> waiting --retry_after_all_failed--> registering (first)
///   in_service   --a request to the controller got no reply--> registering (next controller,
///                  Failover "909 MGC impending failure"; Disconnected "900" when it is the same one)
///   in_service   --ServiceChange Handoff from the MGC--> registering (its MgcIdToTry, Handoff)
///
/// Threads: every member runs on the control-plane thread.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codecs/registry.hpp"
#include "common/clock.hpp"
#include "common/counters.hpp"
#include "common/expected.hpp"
#include "gateway/h248/agent_config.hpp"
#include "gateway/h248/termination_name.hpp"
#include "gateway/mgcp/codec_negotiation.hpp"
#include "gateway/mgcp/media_control.hpp"
#include "gateway/mgcp/media_event_handler.hpp"
#include "proto/mgcp/digit_map.hpp"
#include "proto/h248/message.hpp"
#include "proto/h248/transaction/peer.hpp"

namespace tandem::gateway::h248 {

namespace h = tandem::h248;

/// The outbound port: requests the MG originates. Returns the transaction id, or nullopt
/// when the transaction layer refused to send.
class agent_notifier {
 public:
  virtual ~agent_notifier() = default;
  virtual std::optional<h::transaction_id> send_request(const h::peer& to, std::vector<h::action_request> actions) = 0;
};

enum class agent_state { unregistered, registering, waiting, in_service };

class agent final : public mgcp::media_event_handler {
 public:
  agent(agent_config config, const codecs::registry& codecs, mgcp::media_control& media, agent_notifier& notifier,
        timer_service& timers, counter_set& counters);
  ~agent() override;
  agent(const agent&) = delete;
  agent& operator=(const agent&) = delete;

  /// Whether `from` is one of the configured controllers (any port when its port is 0).
  [[nodiscard]] bool is_allowed(const h::peer& from) const;

  /// A transaction request from a controller: every action and command in order (§8.2.2).
  h::transaction_reply handle(const h::peer& from, const h::transaction_request& request);

  /// Registers with the first controller (ServiceChange Restart on ROOT).
  void start();
  /// H.248.1 §11.4: the MG goes out of service: ServiceChange Graceful (with `delay`) or Forced
  /// on ROOT to the current controller ("905 Termination taken out of service").
  void shut_down(bool graceful, std::chrono::seconds delay = std::chrono::seconds{0});

  /// The reply to a request the agent sent.
  void on_reply(const h::peer& from, const h::transaction_reply& reply);
  /// A request the agent sent got no reply (Annex D.1.3) or too many pendings.
  void on_transaction_failed(const h::peer& to, h::transaction_id id);
  /// Any message from a controller: restarts the inactivity timer (H.248.14 it/ito).
  void on_controller_activity(const h::peer& from);

  void on_media_event(const mgcp::endpoint_address& e, const tandem::mgcp::observed_event& event) override;

  /// A span went down (alarm) or came back: its terminations leave service (ServiceChange
  /// Forced "904 Termination malfunctioning" on tdm/<span>/*, contexts kept as H.248.1 §7.2.8
  /// lets the MGC clear them) or return (Restart "900 Service Restored").
  void set_span_in_service(unsigned span, bool in_service);

  // ---- introspection (tests, management) ----------------------------------------------------
  [[nodiscard]] agent_state state() const noexcept { return state_; }
  [[nodiscard]] std::optional<h::peer> controller() const;
  [[nodiscard]] std::size_t context_count() const noexcept { return contexts_.size(); }
  [[nodiscard]] std::size_t rtp_termination_count() const noexcept;
  /// The context a termination is in (0: the null context); nullopt for an unknown name.
  [[nodiscard]] std::optional<std::uint32_t> context_of(std::string_view name) const;

 private:
  struct active_signal {
    std::string name;  ///< "cg/rt"
    tandem::mgcp::signal_request played;
    std::vector<h::notify_reason> notify;
    std::optional<timer_id> timer;
    bool from_list = false;  ///< its end starts the next signal of the list
  };
  /// dd/ce in progress (H.248.1 §7.1.14, E.6.2): the map in the matcher's letters, what was
  /// dialed (matcher letters, with T for a timer that a pattern uses) and its H.248 spelling.
  struct digit_collection {
    tandem::mgcp::digit_map map;
    std::string dialed;
    std::string reported;
    std::chrono::milliseconds short_timer{4000};
    std::chrono::milliseconds long_timer{16000};
    std::optional<timer_id> timer;
  };
  struct termination {
    termination_address address;
    std::optional<mgcp::endpoint_address> endpoint;  ///< tdm: the media plane's endpoint
    std::uint32_t context = 0;                       ///< 0: the null context
    bool in_service = true;                          ///< TerminationState ServiceStates
    bool span_up = true;
    h::stream_mode mode = h::stream_mode::send_receive;
    // tdm (tdmc package)
    bool echo_cancellation = true;
    int gain_db = 0;
    std::optional<int> jitter_ms;  ///< nt/jit
    // rtp: what the MGC gave and what we answered
    std::optional<std::string> local_offer;  ///< Local from the MGC (may hold `$`)
    std::optional<std::string> remote_sdp;
    std::string local_sdp;                   ///< our Local, once the connection exists
    std::optional<mgcp::negotiation_result> negotiated;
    std::optional<mgcp::endpoint_address> host;  ///< the TDM endpoint carrying our connection
    mgcp::local_media local;
    tandem::mgcp::connection_parameters final_statistics;
    // events and signals (§7.1.9, §7.1.11)
    std::optional<h::request_id> events_id;
    std::vector<h::requested_event> events;
    std::vector<active_signal> signals;
    std::vector<h::signal_request> signal_queue;  ///< the rest of a signal list
    std::optional<h::digit_map_descriptor> digit_map;
    std::optional<digit_collection> digits;
    std::optional<timer_id> continuity_timer;
    time_point added{};
  };
  struct context {
    std::uint32_t id = 0;
    std::vector<std::string> members;  ///< termination keys, in the order added
    h::context_properties properties;
  };
  using error = h::error_descriptor;
  template <class T>
  using result = expected<T, error>;

  // agent.cpp: dispatch, resolution, small helpers
  void run_action(const h::action_request& action, std::vector<h::action_reply>& out, bool& stop);
  result<std::vector<h::command_reply>> execute(const h::command_request& cmd, std::uint32_t& ctx, bool choose);
  result<std::vector<termination*>> resolve(const h::termination_id& id, std::uint32_t ctx, bool any_context);
  termination* find(std::string_view name);
  const termination* find(std::string_view name) const;
  context* context_by_id(std::uint32_t id);
  result<std::uint32_t> create_context();
  void remove_from_context(termination& t);
  void drop_context_if_empty(std::uint32_t id);
  void count(std::string_view name);

  // commands.cpp: Add, Modify, Subtract, Move, ServiceChange from the MGC
  result<std::vector<h::command_reply>> add(const h::command_request& cmd, std::uint32_t& ctx, bool choose);
  result<std::vector<h::command_reply>> modify(const h::command_request& cmd, std::uint32_t ctx);
  result<std::vector<h::command_reply>> subtract(const h::command_request& cmd, std::uint32_t ctx);
  result<std::vector<h::command_reply>> move(const h::command_request& cmd, std::uint32_t& ctx, bool choose);
  result<std::vector<h::command_reply>> service_change_from_mgc(const h::command_request& cmd, std::uint32_t ctx);
  h::command_reply subtract_one(termination& t, bool report_statistics);

  // descriptors.cpp: validation and application of what a command carries
  result<void> check_descriptors(const termination& t, const h::descriptor_set& d, std::uint32_t ctx) const;
  result<void> check_media(const termination& t, const h::media_descriptor& m) const;
  /// `dm`: the DigitMap descriptor of the same command (it may define the map dd/ce names).
  result<void> check_events(const termination& t, const h::events_descriptor& e,
                            const std::optional<h::digit_map_descriptor>& dm) const;
  result<void> check_signals(const termination& t, const h::signals_descriptor& s) const;
  /// Applies validated descriptors; fills `reply` with what the MG returns (Local SDP).
  result<void> apply_descriptors(termination& t, const h::descriptor_set& d, h::command_reply& reply);

  // media.cpp: the media plane behind contexts
  result<void> negotiate(termination& t) const;
  /// Gives every RTP termination of the context its connection on the context's TDM endpoint
  /// (or takes it away when no TDM termination is left), and applies modes and settings.
  result<void> sync_media(std::uint32_t ctx);
  void detach(termination& t);
  mgcp::media_settings settings_of(const termination& rtp, const termination* tdm) const;
  termination* tdm_of(std::uint32_t ctx);
  static tandem::mgcp::connection_id connection_of(const termination& rtp);
  h::statistics_descriptor statistics_of(const termination& t, const tandem::mgcp::connection_parameters& p) const;

  // audit.cpp: AuditValue, AuditCapabilities
  result<std::vector<h::command_reply>> audit(const h::command_request& cmd, std::uint32_t ctx, bool capabilities);
  h::command_reply audit_root(const h::command_request& cmd, bool capabilities) const;
  h::command_reply audit_one(const termination& t, const h::command_request& cmd, bool capabilities) const;

  // events.cpp: signals, events, Notify, inactivity timer
  void start_signals(termination& t, const h::signals_descriptor& s);
  /// Plays one signal; true when it keeps playing (a timeout or on/off signal).
  bool play(termination& t, const h::signal_request& s, bool from_list);
  void play_next(termination& t);
  void stop_signals(termination& t);
  void on_signal_done(std::string key, std::string signal, h::notify_reason why);
  void on_continuity_timeout(std::string key);
  bool report(termination& t, const h::event_spec& observed);
  void send_notify(const termination* t, const h::request_id& id, const h::event_spec& observed);
  void arm_inactivity();

  // digits.cpp: dd/ce, digit map completion
  result<tandem::mgcp::digit_map> digit_map_for(const termination& t, const h::requested_event& ce,
                                               const std::optional<h::digit_map_descriptor>& dm) const;
  void start_collection(termination& t);
  void stop_collection(termination& t);
  void collect_digit(termination& t, char digit);
  void evaluate_digits(termination& t, bool timed_out);
  void on_digit_timer(std::string key);

  // registration.cpp: ServiceChange toward the controllers
  void register_with(std::size_t index, h::service_change_method method, std::string reason);
  void next_controller(bool lost);
  void send_service_change(const std::string& target, h::service_change_method method, std::string reason,
                           std::optional<std::uint32_t> delay = std::nullopt);

  agent_config config_;
  mgcp::media_control& media_;
  agent_notifier& notifier_;
  timer_service& timers_;
  counter_set& counters_;
  std::vector<mgcp::codec_capability> caps_;
  std::map<std::string, termination> terminations_;  ///< by lower-case name
  std::map<std::uint32_t, context> contexts_;
  std::map<mgcp::endpoint_address, std::string> by_endpoint_;  ///< tdm endpoint -> key
  std::uint32_t next_context_ = 1;
  std::uint32_t next_rtp_ = 1;
  std::uint64_t sdp_session_ = 1;

  agent_state state_ = agent_state::unregistered;
  std::size_t controller_index_ = 0;
  std::optional<h::peer> handoff_target_;
  std::size_t failed_in_a_row_ = 0;
  bool ever_registered_ = false;
  std::optional<h::transaction_id> registration_;
  std::optional<timer_id> retry_timer_;
  std::map<std::uint32_t, std::string> outgoing_;  ///< transaction id -> what it was ("Notify")
  // ROOT: the inactivity timer (H.248.14 it/ito)
  std::optional<h::request_id> root_events_id_;
  std::vector<h::requested_event> root_events_;
  std::optional<std::chrono::milliseconds> inactivity_;
  std::optional<timer_id> inactivity_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::gateway::h248
