#pragma once
/// H.248.1 descriptors (§7.1) as the text encoding carries them (Annex B). Values are kept as
/// written where the protocol leaves them open (package properties, SDP, digit maps); fixed
/// vocabularies are enums. Every type compares by value, so that parse(serialize(x)) == x.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/h248/error_code.hpp"
#include "proto/h248/identifiers.hpp"

namespace tandem::h248 {

/// parmValue (Annex B): `=` with a single value, a choice `[a,b]`, a range `[a:b]` or a
/// sublist `{a,b}`; or a relation `>`, `<`, `#` (not equal) with a single value.
enum class relation { equal, greater, less, not_equal };
enum class value_form { single, alternatives, range, sublist };
struct parm_value {
  relation rel = relation::equal;
  value_form form = value_form::single;
  /// VALUE items as written (a quoted string keeps its quotes).
  std::vector<std::string> values;
  friend bool operator==(const parm_value&, const parm_value&) = default;
};

/// propertyParm / eventOther / sigOther: `name parmValue`. `name` is a pkgdName
/// (`tdmc/gain`) for properties and a bare NAME for event and signal parameters.
struct property {
  std::string name;
  parm_value value;
  friend bool operator==(const property&, const property&) = default;
};

/// H.248.1 §7.1.7 stream modes.
enum class stream_mode { send_only, receive_only, send_receive, inactive, loopback };

/// LocalControl (§7.1.7): Mode, ReserveValue, ReserveGroup and package properties.
struct local_control_descriptor {
  std::optional<stream_mode> mode;
  std::optional<bool> reserve_value;
  std::optional<bool> reserve_group;
  std::vector<property> properties;
  friend bool operator==(const local_control_descriptor&, const local_control_descriptor&) = default;
};

/// Statistics (§7.1.15): `pkg/name [= value]`.
struct statistic {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const statistic&, const statistic&) = default;
};
struct statistics_descriptor {
  std::vector<statistic> items;
  friend bool operator==(const statistics_descriptor&, const statistics_descriptor&) = default;
};

/// streamParm: what one stream carries (§7.1.4). Local and Remote hold the octet string
/// between the braces (SDP, one or more session descriptions: §7.1.8), unescaped and trimmed
/// of leading and trailing white space; an empty `Remote{}` is a present, empty string.
struct stream_parms {
  std::optional<local_control_descriptor> local_control;
  std::optional<std::string> local;
  std::optional<std::string> remote;
  std::optional<statistics_descriptor> statistics;  ///< version 2
  [[nodiscard]] bool empty() const {
    return !local_control && !local && !remote && !statistics;
  }
  friend bool operator==(const stream_parms&, const stream_parms&) = default;
};

struct stream_descriptor {
  std::uint16_t id = 1;
  stream_parms parms;
  friend bool operator==(const stream_descriptor&, const stream_descriptor&) = default;
};

enum class service_state { test, out_of_service, in_service };
enum class buffer_control { off, lock_step };

/// TerminationState (§7.1.5).
struct termination_state_descriptor {
  std::optional<service_state> service_states;
  std::optional<buffer_control> event_buffer_control;
  std::vector<property> properties;
  friend bool operator==(const termination_state_descriptor&, const termination_state_descriptor&) = default;
};

/// Media (§7.1.4): either stream parameters given directly (one stream, implicitly stream 1)
/// or Stream descriptors, plus TerminationState.
struct media_descriptor {
  std::optional<termination_state_descriptor> termination_state;
  std::optional<stream_parms> single_stream;
  std::vector<stream_descriptor> streams;
  friend bool operator==(const media_descriptor&, const media_descriptor&) = default;
};

/// Modem (§7.1.2, deprecated in later versions): types as their long token name ("V34",
/// "SynchISDN") or an extension ("X-foo"), and properties.
struct modem_descriptor {
  std::vector<std::string> types;
  std::vector<property> properties;
  friend bool operator==(const modem_descriptor&, const modem_descriptor&) = default;
};

/// Mux (§7.1.3): type ("H221", "H223", "H226", "V76" or an extension) and the terminations.
struct mux_descriptor {
  std::string type;
  std::vector<termination_id> terminations;
  friend bool operator==(const mux_descriptor&, const mux_descriptor&) = default;
};

/// digitMapValue (§7.1.14): timers T/S/L (seconds) and the digit map body, with the white
/// space and comments the ABNF allows inside it removed.
struct digit_map_value {
  std::optional<unsigned> start_timer;  ///< T
  std::optional<unsigned> short_timer;  ///< S
  std::optional<unsigned> long_timer;   ///< L
  std::string body;
  friend bool operator==(const digit_map_value&, const digit_map_value&) = default;
};

/// DigitMap descriptor: a name, a value, or both (defines the named map).
struct digit_map_descriptor {
  std::optional<std::string> name;
  std::optional<digit_map_value> value;
  friend bool operator==(const digit_map_descriptor&, const digit_map_descriptor&) = default;
};

/// §7.1.11 signal types.
enum class signal_type { on_off, timeout, brief };
/// §7.1.11 NotifyCompletion reasons.
enum class notify_reason { timeout, interrupted_by_event, interrupted_by_new_signals, other_reason };

/// signalRequest: `pkg/signal { parameters }`.
struct signal_request {
  std::string name;
  std::optional<std::uint16_t> stream;
  std::optional<signal_type> type;
  std::optional<std::uint16_t> duration;  ///< in units of 10 ms (ABNF: UINT16)
  std::vector<notify_reason> notify_completion;  ///< empty: not requested
  bool keep_active = false;
  std::vector<property> parameters;
  friend bool operator==(const signal_request&, const signal_request&) = default;
};

/// signalList: `SL = id { signal, ... }` played in sequence.
struct signal_list {
  std::uint16_t id = 0;
  std::vector<signal_request> signals;
  friend bool operator==(const signal_list&, const signal_list&) = default;
};

/// Signals (§7.1.11). An empty descriptor stops every signal.
struct signals_descriptor {
  std::vector<std::variant<signal_request, signal_list>> items;
  friend bool operator==(const signals_descriptor&, const signals_descriptor&) = default;
};

/// eventDM: a digit map for an event, by name or by value.
struct event_digit_map {
  std::optional<std::string> name;
  std::optional<digit_map_value> value;
  friend bool operator==(const event_digit_map&, const event_digit_map&) = default;
};

struct requested_event;

/// embedFirst: `Events [= id { events }]` inside Embed (events of the second level carry no
/// further embedded events: the parser refuses them).
struct embedded_events {
  std::optional<request_id> id;
  std::vector<requested_event> events;
  friend bool operator==(const embedded_events&, const embedded_events&) = default;
};

/// requestedEvent / secondRequestedEvent (§7.1.9).
struct requested_event {
  std::string name;
  std::optional<std::uint16_t> stream;
  bool keep_active = false;
  std::optional<event_digit_map> digit_map;
  std::optional<signals_descriptor> embedded_signals;
  std::optional<embedded_events> embedded;
  std::vector<property> parameters;
  friend bool operator==(const requested_event&, const requested_event&) = default;
};

/// Events (§7.1.9). Without a request id it is the empty descriptor (clears the events; in
/// an audit reply, says "Events" were audited and none are set).
struct events_descriptor {
  std::optional<request_id> id;
  std::vector<requested_event> events;
  friend bool operator==(const events_descriptor&, const events_descriptor&) = default;
};

/// eventSpec of an EventBuffer descriptor, and the event of an ObservedEvents descriptor.
struct event_spec {
  std::string name;
  std::optional<std::uint16_t> stream;
  std::vector<property> parameters;
  friend bool operator==(const event_spec&, const event_spec&) = default;
};

/// EventBuffer (§7.1.10); a bare `EventBuffer` is an empty one.
struct event_buffer_descriptor {
  std::vector<event_spec> events;
  friend bool operator==(const event_buffer_descriptor&, const event_buffer_descriptor&) = default;
};

/// observedEvent: `[timestamp :] pkg/event { parameters }`. The time stamp is
/// "yyyymmddThhmmsshh" (Annex B TimeStamp: 8 digits, "T", 8 digits).
struct observed_event {
  std::optional<std::string> timestamp;
  event_spec event;
  friend bool operator==(const observed_event&, const observed_event&) = default;
};

/// ObservedEvents (§7.1.17).
struct observed_events_descriptor {
  request_id id;
  std::vector<observed_event> events;
  friend bool operator==(const observed_events_descriptor&, const observed_events_descriptor&) = default;
};

/// Packages (§7.1.16): `name-version`.
struct package_item {
  std::string name;
  std::uint16_t version = 1;
  friend bool operator==(const package_item&, const package_item&) = default;
};
struct packages_descriptor {
  std::vector<package_item> items;
  friend bool operator==(const packages_descriptor&, const packages_descriptor&) = default;
};

/// auditItem (§7.1.18): what an Audit descriptor asks for; also the bare tokens an audit
/// reply may list.
enum class audit_item {
  mux, modem, media, signals, event_buffer, digit_map, statistics, events, observed_events, packages,
};
struct audit_descriptor {
  std::vector<audit_item> items;  ///< empty: `Audit{}` (audit nothing, used by Subtract)
  friend bool operator==(const audit_descriptor&, const audit_descriptor&) = default;
};

/// §7.2.8 ServiceChange methods.
enum class service_change_method { failover, forced, graceful, restart, disconnected, handoff, extension };

/// `ServiceChangeAddress = mId / portNumber`.
struct service_change_address {
  std::optional<message_id> mid;
  std::optional<std::uint16_t> port;  ///< set when only a port was given
  friend bool operator==(const service_change_address&, const service_change_address&) = default;
};

/// ServiceChange descriptor (`Services { ... }`, §7.1.20, §7.2.8). A request carries Method
/// and Reason (both mandatory, H.248.1 §7.2.8); a reply carries only address, MgcIdToTry,
/// profile, version and time stamp (Annex B servChgReplyParm).
struct service_change_descriptor {
  std::optional<service_change_method> method;
  std::string method_extension;  ///< "X-foo" when method == extension
  /// VALUE as written: a reason code and text in quotes ("\"901 Cold Boot\"") or a bare code.
  std::optional<std::string> reason;
  std::optional<std::uint32_t> delay;  ///< seconds
  std::optional<service_change_address> address;
  std::optional<std::string> profile;  ///< "ResGW/1"
  std::optional<unsigned> version;
  std::optional<message_id> mgc_id;
  std::optional<std::string> timestamp;
  std::vector<property> extensions;  ///< `X-name = value`
  friend bool operator==(const service_change_descriptor&, const service_change_descriptor&) = default;
};

/// Error descriptor (§7.1.19): `Error = code { "text" }`.
struct error_descriptor {
  error_code code = error_code::syntax_error_in_message;
  /// The text without its quotes; empty when none was given.
  std::string text;
  friend bool operator==(const error_descriptor&, const error_descriptor&) = default;
};

/// §7.1.18 / Annex B topologyDirection.
enum class topology_direction { bothway, isolate, oneway };
struct topology_triple {
  termination_id from;
  termination_id to;
  topology_direction direction = topology_direction::bothway;
  friend bool operator==(const topology_triple&, const topology_triple&) = default;
};

}  // namespace tandem::h248
