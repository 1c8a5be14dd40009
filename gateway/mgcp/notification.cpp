/// NotificationRequest and Notify (RFC 3435 §2.3.3, §2.3.4, §4.4.1): requested events with
/// actions, signals (brief, on/off, time-out), digit maps (§2.1.5), quarantine, persistent
/// events, embedded requests.
#include <algorithm>

#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/mgcp/agent.hpp"
#include "gateway/mgcp/digit_map_matcher.hpp"
#include "gateway/mgcp/packages.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;
using m::action_kind;
using m::detail::iequals;

namespace {

bool is_decimal(std::string_view s) {
  unsigned long v = 0;
  return m::detail::parse_decimal(s, v);
}

/// "$" (the connection being created or modified), "*" or an existing connection id.
expected<void, rejection> check_connection_ref(const std::string& ref, const endpoint& e, bool current_allowed) {
  if (ref.empty() || ref == "*") return {};
  if (ref == "$") {
    if (current_allowed) return {};
    return make_unexpected(rejection{failure::unknown_connection, "\"@$\" needs a connection being created or modified"});
  }
  if (e.find(m::connection_id{ref}) == nullptr)
    return make_unexpected(rejection{failure::unknown_connection, "event names no connection of the endpoint"});
  return {};
}

/// Whether digit `c` belongs to a D-package range like "[0-9#*]" (or "X").
bool in_digit_range(std::string_view range, char c) {
  if (range == "X" || range == "x") return c >= '0' && c <= '9';
  if (range.size() < 2 || range.front() != '[') return false;
  const auto body = range.substr(1, range.size() - 2);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (i + 2 < body.size() && body[i + 1] == '-') {
      if (c >= body[i] && c <= body[i + 2]) return true;
      i += 2;
    } else if (m::detail::to_upper(body[i]) == m::detail::to_upper(c) ||
               ((body[i] == 'x' || body[i] == 'X') && c >= '0' && c <= '9')) {
      return true;
    }
  }
  return false;
}

}  // namespace

expected<void, rejection> agent::check_requested_events(const std::vector<m::requested_event>& events,
                                                        const endpoint& e, bool current, bool have_map) const {
  for (const auto& ev : events) {
    auto item = mgcp::resolve(ev.name, false);
    if (!item) return make_unexpected(item.error());
    if (auto ok_ref = check_connection_ref(ev.name.connection, e, current); !ok_ref) return ok_ref;
    int exclusive = 0;
    bool ignore = false;
    for (const auto& a : ev.actions) {
      switch (a.kind) {
        case action_kind::notify:
        case action_kind::accumulate: ++exclusive; break;
        case action_kind::accumulate_digit_map:
          ++exclusive;
          if (item->pkg == nullptr || item->pkg->name != "D")
            return make_unexpected(rejection{failure::unknown_action, "D action on a non-DTMF event"});
          if (!have_map) return make_unexpected(rejection{failure::no_digit_map, "D action without a digit map"});
          break;
        case action_kind::ignore: ignore = true; break;
        case action_kind::keep_signals: break;
        case action_kind::embedded: {
          const auto& em = a.embedded;
          if (em.requested_events) {
            auto ok_embedded = check_requested_events(*em.requested_events, e, current, have_map || em.digits.has_value());
            if (!ok_embedded) return ok_embedded;
          }
          if (em.signal_requests)
            if (auto ok_sig = check_signals(*em.signal_requests, e, current); !ok_sig) return ok_sig;
          break;
        }
        case action_kind::swap:
        case action_kind::extension:
          return make_unexpected(rejection{failure::unknown_action, "action not supported"});
      }
    }
    // RFC 3435 §2.3.3: notify, accumulate and digit-map accumulation exclude each other, and
    // ignore excludes everything.
    if (exclusive > 1 || (ignore && ev.actions.size() > 1))
      return make_unexpected(rejection{failure::unknown_action, "illegal combination of actions"});
    if (item->pkg != nullptr && item->pkg->name == "D" && !ev.parameters.empty())
      return make_unexpected(rejection{failure::event_parameter_error, "DTMF events take no parameters"});
    if (item->item != nullptr && item->item->name == "rto" && !ev.parameters.empty() &&
        !(ev.parameters.front().name.empty() && is_decimal(ev.parameters.front().value)))
      return make_unexpected(rejection{failure::event_parameter_error, "R/rto takes a timeout in seconds"});
  }
  return {};
}

expected<void, rejection> agent::check_signals(const std::vector<m::signal_request>& signals, const endpoint& e,
                                               bool current) const {
  for (const auto& s : signals) {
    auto item = mgcp::resolve(s.name, true);
    if (!item) return make_unexpected(item.error());
    if (auto ok_ref = check_connection_ref(s.name.connection, e, current); !ok_ref) return ok_ref;
    for (const auto& param : s.parameters) {
      // to= is in milliseconds; an hour is the most we accept (the timer must not overflow).
      unsigned long to_ms = 0;
      const bool timeout = iequals(param.name, "to") && item->item->signal == signal_type::time_out &&
                           m::detail::parse_decimal(param.value, to_ms) && to_ms <= 3'600'000;
      const bool on_off = param.name.empty() && (param.value == "+" || param.value == "-") &&
                          item->item->signal == signal_type::on_off;
      if (!timeout && !on_off)
        return make_unexpected(rejection{failure::event_parameter_error,
                                         fmt::format("bad parameter for signal {}", s.name.event)});
    }
  }
  return {};
}

expected<void, rejection> agent::check_request(const m::command& cmd, const endpoint& e, bool creating) const {
  const auto& p = cmd.params;
  const bool current = creating || cmd.verb == m::verb::mdcx;
  const bool any = p.requested_events || p.signal_requests || p.digits;
  if ((any || cmd.verb == m::verb::rqnt) && !p.request)
    return make_unexpected(rejection{failure::missing_request_id, "X: missing"});
  const bool have_map = p.digits.has_value() || e.notify.digits.has_value();
  if (p.requested_events)
    if (auto r = check_requested_events(*p.requested_events, e, current, have_map); !r) return r;
  if (p.signal_requests)
    if (auto r = check_signals(*p.signal_requests, e, current); !r) return r;
  if (p.detect_events)
    for (const auto& name : *p.detect_events)
      if (auto item = mgcp::resolve(name, false); !item) return make_unexpected(item.error());
  return {};
}

void agent::apply_request(endpoint& e, const m::command& cmd, const std::optional<m::connection_id>& created) {
  const auto& p = cmd.params;
  const bool rqnt = cmd.verb == m::verb::rqnt;
  if (!rqnt && !p.request && !p.notified && !p.quarantine && !p.detect_events) return;
  auto& n = e.notify;
  if (p.notified) n.notified = p.notified;
  if (!p.request) return;
  n.request = *p.request;
  n.quarantine = p.quarantine.value_or(m::quarantine_handling{});
  if (p.digits) n.digits = p.digits;
  if (p.detect_events) n.detect = *p.detect_events;
  if (p.requested_events || rqnt) {
    n.events = p.requested_events.value_or(std::vector<m::requested_event>{});
    for (auto& ev : n.events)
      if (ev.name.connection == "$" && created) ev.name.connection = created->value();
  }
  // RFC 3435 §2.3.3: a new request starts a new collection of observed events and digits.
  n.observed.clear();
  n.dialed.clear();
  if (n.digit_timer) timers_.cancel(*n.digit_timer);
  n.digit_timer.reset();
  if (p.signal_requests || rqnt) {
    stop_signals(e);
    start_signals(e, p.signal_requests.value_or(std::vector<m::signal_request>{}), created);
  }
  n.state = n.events.empty() ? notification_state::idle : notification_state::armed;
  update_detection(e);
  // RFC 3435 §4.4.1: events seen while the previous NTFY was outstanding are processed
  // against the new request ("process", the default) or dropped ("discard").
  auto quarantined = std::move(n.quarantined);
  n.quarantined.clear();
  if (n.quarantine.disposition == m::quarantine_disposition::discard) {
    counters_.get("events.quarantine_discarded").add(quarantined.size());
    return;
  }
  for (const auto& ev : quarantined) process_event(e, ev, true);
}

void agent::start_signals(endpoint& e, const std::vector<m::signal_request>& signals,
                          const std::optional<m::connection_id>& created) {
  for (auto s : signals) {
    auto item = mgcp::resolve(s.name, true);
    if (!item) continue;  // validated before; nothing to do
    if (s.name.connection == "$" && created) s.name.connection = created->value();
    std::optional<m::connection_id> on;
    if (!s.name.connection.empty() && s.name.connection != "*") on = m::connection_id{s.name.connection};
    const std::string canon = canonical(*item, s.name.event);
    if (item->item->signal == signal_type::on_off && !s.parameters.empty() && s.parameters.front().value == "-") {
      std::erase_if(e.notify.signals, [&](const active_signal& a) {
        if (a.canonical != canon) return false;
        media_.stop_signal(e.address, a.request);
        return true;
      });
      continue;
    }
    media_.start_signal(e.address, s, on);
    counters_.get("signals.started").add();
    if (item->item->signal == signal_type::brief) continue;
    active_signal a{s, canon, std::nullopt, item->item->signal == signal_type::time_out};
    if (item->item->signal == signal_type::time_out) {
      auto timeout = item->item->timeout;
      for (const auto& param : s.parameters)
        if (iequals(param.name, "to")) timeout = std::chrono::milliseconds(std::stoul(param.value));
      if (timeout.count() == 0) {
        // RFC 3660 "TO infinite" (T/tl) without to=: it plays until stopped, never times out.
        e.notify.signals.push_back(std::move(a));
        continue;
      }
      std::weak_ptr<bool> alive = alive_;
      a.timer = timers_.schedule_after(timeout, [this, alive, addr = e.address, canon] {
        if (auto live = alive.lock(); live && *live) on_signal_timeout(addr, canon);
      });
    }
    e.notify.signals.push_back(std::move(a));
  }
}

void agent::stop_signals(endpoint& e) {
  if (e.notify.signals.empty()) return;
  for (auto& s : e.notify.signals)
    if (s.timer) timers_.cancel(*s.timer);
  e.notify.signals.clear();
  media_.stop_signals(e.address);
}

void agent::on_signal_timeout(endpoint_address a, std::string canon) {
  auto it = endpoints_.find(a);
  if (it == endpoints_.end()) return;
  endpoint& e = it->second;
  auto s = std::find_if(e.notify.signals.begin(), e.notify.signals.end(),
                        [&](const active_signal& x) { return x.canonical == canon; });
  if (s == e.notify.signals.end()) return;
  media_.stop_signal(a, s->request);
  e.notify.signals.erase(s);
  counters_.get("signals.timed_out").add();
  // RFC 3660: a time-out signal that ran its course reports "oc" of its package, naming it.
  m::observed_event oc;
  oc.name.package = canon.substr(0, canon.find('/'));
  oc.name.event = "oc";
  oc.parameters.push_back({"", canon});
  process_event(e, oc, false);
}

void agent::update_detection(endpoint& e) {
  std::vector<m::event_name> watch;
  for (const auto& ev : e.notify.events) watch.push_back(ev.name);
  for (const auto& ev : e.notify.detect) watch.push_back(ev);
  for (const auto& ev : persistent_) watch.push_back(ev);
  media_.set_detection(e.address, watch);
}

bool agent::is_persistent(const m::observed_event& ev) const {
  for (const auto& p : persistent_)
    if (iequals(p.package, ev.name.package) && iequals(p.event, ev.name.event)) return true;
  return false;
}

namespace {

bool matches(const m::event_name& requested, const m::observed_event& ev) {
  auto item = resolve(requested, false);
  if (!item) return false;
  if (item->pkg != nullptr && !iequals(item->pkg->name, ev.name.package)) return false;
  if (!requested.connection.empty() && requested.connection != "*" &&
      !iequals(requested.connection, ev.name.connection))
    return false;
  if (item->pkg == nullptr || requested.is_all()) return true;
  if (item->item == nullptr || iequals(requested.event, "X"))  // a D range or X
    return ev.name.event.size() == 1 && in_digit_range(requested.event, ev.name.event.front());
  return iequals(item->item->name, ev.name.event);
}

}  // namespace

void agent::on_media_event(const endpoint_address& a, const m::observed_event& ev) {
  auto it = endpoints_.find(a);
  if (it == endpoints_.end()) return;
  counters_.get("events.observed").add();
  process_event(it->second, ev, false);
}

void agent::process_event(endpoint& e, const m::observed_event& ev, bool replay) {
  auto& n = e.notify;
  if (n.state == notification_state::notifying || n.state == notification_state::awaiting_request) {
    // RFC 3435 §4.4.1: between a NTFY and the next request, events wait in quarantine. This
    // holds for replayed events too: once a replayed event has caused a NTFY, the rest wait
    // again (counted once, when they first arrived).
    n.quarantined.push_back(ev);
    if (!replay) counters_.get("events.quarantined").add();
    return;
  }
  const m::requested_event* req = nullptr;
  for (const auto& r : n.events)
    if (matches(r.name, ev)) {
      req = &r;
      break;
    }
  if (req == nullptr) {
    if (is_persistent(ev)) {
      n.observed.push_back(ev);
      send_notify(e);
      return;
    }
    counters_.get("events.unrequested").add();
    return;
  }
  const auto actions = req->actions.empty() ? std::vector<m::requested_action>{m::requested_action{}} : req->actions;
  bool keep = false, notify = false, digit = false, ignore = false;
  const m::embedded_request* embedded = nullptr;
  for (const auto& act : actions) {
    switch (act.kind) {
      case action_kind::keep_signals: keep = true; break;
      case action_kind::notify: notify = true; break;
      case action_kind::accumulate_digit_map: digit = true; break;
      case action_kind::ignore: ignore = true; break;
      case action_kind::embedded: embedded = &act.embedded; break;
      default: break;
    }
  }
  if (ignore) return;
  // RFC 3435 §2.3.3: a detected event stops the time-out signals unless K says keep them.
  if (!keep) {
    std::erase_if(n.signals, [&](active_signal& s) {
      if (!s.time_out) return false;
      if (s.timer) timers_.cancel(*s.timer);
      media_.stop_signal(e.address, s.request);
      return true;
    });
  }
  n.observed.push_back(ev);
  if (embedded != nullptr) {
    // The embedded request replaces the current one in place (RFC 3435 §2.3.3 "E").
    m::embedded_request copy = *embedded;
    if (copy.digits) n.digits = copy.digits;
    if (copy.requested_events) n.events = *copy.requested_events;
    if (copy.signal_requests) {
      stop_signals(e);
      start_signals(e, *copy.signal_requests, std::nullopt);
    }
    update_detection(e);
    counters_.get("events.embedded_applied").add();
  }
  if (notify) {
    send_notify(e);
  } else if (digit) {
    n.dialed += ev.name.event;
    evaluate_digits(e, false);
  }
}

void agent::evaluate_digits(endpoint& e, bool timed_out) {
  auto& n = e.notify;
  if (n.digit_timer) timers_.cancel(*n.digit_timer);
  n.digit_timer.reset();
  if (!n.digits) {  // validation requires a map for action D; an embedded request cannot drop it
    send_notify(e);
    return;
  }
  const auto r = match_digit_map(*n.digits, n.dialed);
  if (timed_out || (r.full && !r.partial) || (!r.full && !r.partial)) {
    counters_.get(r.full ? "digit_map.matched" : "digit_map.unmatched").add();
    send_notify(e);
    return;
  }
  // RFC 3435 §2.1.5: the short (critical) timer when a pattern is complete or takes T next,
  // the long one otherwise.
  const auto wait = (r.full || r.timer_next) ? config_.digit_map_short_timer : config_.digit_map_long_timer;
  std::weak_ptr<bool> alive = alive_;
  n.digit_timer = timers_.schedule_after(wait, [this, alive, addr = e.address] {
    if (auto live = alive.lock(); live && *live) on_digit_timer(addr);
  });
}

void agent::on_digit_timer(endpoint_address a) {
  auto it = endpoints_.find(a);
  if (it == endpoints_.end()) return;
  auto& n = it->second.notify;
  n.digit_timer.reset();
  counters_.get("digit_map.timer_expired").add();
  // The timer is the "T" of the dial string; it is reported when a pattern uses it.
  const bool with_t = n.digits && match_digit_map(*n.digits, n.dialed + "T").full;
  if (with_t) {
    n.dialed += 'T';
    m::observed_event t;
    t.name.package = "D";
    t.name.event = "T";
    n.observed.push_back(t);
  }
  evaluate_digits(it->second, true);
}

void agent::send_notify(endpoint& e) {
  auto& n = e.notify;
  if (n.digit_timer) timers_.cancel(*n.digit_timer);
  n.digit_timer.reset();
  m::command cmd;
  cmd.verb = m::verb::ntfy;
  cmd.id = m::transaction_id{0};
  cmd.endpoint = name_of(e.address);
  if (n.notified) cmd.params.notified = n.notified;
  cmd.params.request = n.request;
  cmd.params.observed_events = n.observed;
  n.observed.clear();
  n.dialed.clear();
  n.state = notification_state::notifying;
  const auto to = peer_of(n.notified);
  counters_.get("tx.ntfy").add();
  log::get("mgcp")->info("NTFY to {} for {} X: {}", to, e.address.local_name(), n.request.value());
  const auto txid = notifier_.send_command(to, cmd);
  n.pending_ntfy = txid;
  outgoing_[txid.value()] = outgoing{m::verb::ntfy, e.address};
}

m::response agent::rqnt(const m::command& cmd) {
  auto resolved = resolve(cmd.endpoint, wildcards::all_of);
  if (!resolved) return reject(cmd, resolved.error());
  for (endpoint* ep : *resolved) {
    if (ep->state == endpoint_state::out_of_service) return reject(cmd, {failure::endpoint_out_of_service, "endpoint not ready"});
    if (auto ok_request = check_request(cmd, *ep, false); !ok_request) return reject(cmd, ok_request.error());
  }
  for (endpoint* ep : *resolved) apply_request(*ep, cmd, std::nullopt);
  return ok(cmd);
}

}  // namespace tandem::gateway::mgcp
