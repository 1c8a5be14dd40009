#pragma once
/// Events and signals: names with packages, wildcards and connections, parameters, requested
/// events with actions and embedded requests, signal requests, observed events
/// (RFC 3435 §2.1.7, §3.2.2 "RequestedEvents", "SignalRequests", "ObservedEvents",
/// "DetectEvents", "EventStates", Appendix A).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/mgcp/detail/text.hpp"
#include "proto/mgcp/digit_map.hpp"

namespace tandem::mgcp {

/// `[package/]event[@connection]`: `L/hd`, `hd`, `D/[0-9#*T]`, `*/all`, `R/rto@364823`,
/// `L/hu@$`. Kept as written (names are case-insensitive, RFC 3435 §2.1.7).
struct event_name {
  std::string package;     ///< "" for the default package; "*" for all packages
  std::string event;       ///< "hd", "0", "[0-9#*T]", "all", "*", "#"
  std::string connection;  ///< "" when absent; a connection id, "$" or "*"

  bool is_range() const { return !event.empty() && event.front() == '['; }
  bool is_all() const { return detail::iequals(event, "all") || event == "*"; }
  bool matches_package(std::string_view p) const { return detail::iequals(package, p); }
  friend bool operator==(const event_name&, const event_name&) = default;
};

/// One event or signal parameter: `value`, `name=value` (values may be quoted strings or
/// nested parenthesised lists, kept as written).
struct event_parameter {
  std::string name;  ///< "" for a positional parameter
  std::string value;
  friend bool operator==(const event_parameter&, const event_parameter&) = default;
};

/// An event or signal with its parameters: a signal request (`L/rg`, `T/ct(in=co1,out=co2,+)`),
/// an observed event (`D/9`, `R/rto@364823(120)`), an event state (`L/hd`).
struct parameterized_event {
  event_name name;
  std::vector<event_parameter> parameters;
  friend bool operator==(const parameterized_event&, const parameterized_event&) = default;
};
using signal_request = parameterized_event;
using observed_event = parameterized_event;

struct requested_event;

/// The embedded notification request of action "E" (RFC 3435 §2.3.3): `E(R(...),S(...),D(...))`.
struct embedded_request {
  std::optional<std::vector<requested_event>> requested_events;  ///< R(...)
  std::optional<std::vector<signal_request>> signal_requests;    ///< S(...)
  std::optional<mgcp::digit_map> digits;                         ///< D(...)
  friend bool operator==(const embedded_request&, const embedded_request&) = default;
};

/// RFC 3435 §2.3.3 actions.
enum class action_kind {
  notify,               ///< N: notify immediately
  accumulate,           ///< A: accumulate
  accumulate_digit_map, ///< D: treat according to the digit map
  swap,                 ///< S: swap
  ignore,               ///< I: ignore
  keep_signals,         ///< K: keep signal(s) active
  embedded,             ///< E(...): embedded notification request
  extension,            ///< a package-defined action (`pkg/name`)
};

struct requested_action {
  action_kind kind = action_kind::notify;
  std::string extension;      ///< for action_kind::extension, as written
  embedded_request embedded;  ///< for action_kind::embedded
  friend bool operator==(const requested_action&, const requested_action&) = default;
};

/// `name[(actions)][(parameters)]`: `L/hd(N)`, `D/[0-9#*T](D)`, `R/rto@364823(N)(120,st=im)`.
/// No action list means the default action, notify (RFC 3435 §2.3.3).
struct requested_event {
  event_name name;
  std::vector<requested_action> actions;
  std::vector<event_parameter> parameters;
  friend bool operator==(const requested_event&, const requested_event&) = default;
};

detail::value_result<event_name> parse_event_name(std::string_view text);
/// Comma-separated lists; an empty value gives an empty list.
detail::value_result<std::vector<event_name>> parse_event_names(std::string_view text);
detail::value_result<std::vector<requested_event>> parse_requested_events(std::string_view text);
detail::value_result<std::vector<parameterized_event>> parse_parameterized_events(std::string_view text);

void append(std::string& out, const event_name& e);
void append(std::string& out, const std::vector<event_name>& list);
void append(std::string& out, const std::vector<requested_event>& list);
void append(std::string& out, const std::vector<parameterized_event>& list);

}  // namespace tandem::mgcp
