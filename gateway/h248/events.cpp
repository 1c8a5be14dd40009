/// Signals (H.248.1 §7.1.11), events and Notify (§7.1.9, §7.2.7), the inactivity timer
/// (H.248.14 it/ito) and the media plane's observations turned into H.248 events.
#include <algorithm>

#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/h248/agent.hpp"
#include "gateway/h248/packages.hpp"

namespace tandem::gateway::h248 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view reason_text(h::notify_reason r) {
  switch (r) {
    case h::notify_reason::timeout: return "TO";
    case h::notify_reason::interrupted_by_event: return "EV";
    case h::notify_reason::interrupted_by_new_signals: return "SD";
    case h::notify_reason::other_reason: return "NC";
  }
  return "NC";
}

}  // namespace

void agent::stop_signals(termination& t) {
  t.signal_queue.clear();
  if (t.signals.empty()) return;
  std::vector<active_signal> stopped;
  stopped.swap(t.signals);
  for (auto& s : stopped)
    if (s.timer) timers_.cancel(*s.timer);
  if (t.endpoint) media_.stop_signals(*t.endpoint);
  else if (t.host) media_.stop_signals(*t.host);
  // §7.1.11: a signal replaced by a new Signals descriptor completes with "SD" when asked.
  for (const auto& s : stopped)
    if (std::find(s.notify.begin(), s.notify.end(), h::notify_reason::interrupted_by_new_signals) != s.notify.end()) {
      h::event_spec e;
      e.name = "g/sc";
      e.parameters.push_back({"SigID", {h::relation::equal, h::value_form::single, {s.name}}});
      e.parameters.push_back({"Meth", {h::relation::equal, h::value_form::single, {"SD"}}});
      report(t, e);
    }
}

void agent::start_signals(termination& t, const h::signals_descriptor& d) {
  stop_signals(t);
  for (const auto& item : d.items) {
    if (const auto* list = std::get_if<h::signal_list>(&item)) {
      // §7.1.11: a signal list plays its signals one after the other.
      t.signal_queue.assign(list->signals.begin(), list->signals.end());
      play_next(t);
    } else {
      play(t, std::get<h::signal_request>(item), false);
    }
  }
}

void agent::play_next(termination& t) {
  while (!t.signal_queue.empty()) {
    const auto next = t.signal_queue.front();
    t.signal_queue.erase(t.signal_queue.begin());
    if (play(t, next, true)) return;  // wait for it to end
  }
}

bool agent::play(termination& t, const h::signal_request& sig, bool from_list) {
  const auto key = t.address.name();
  auto played = media_signal(sig);
  if (!played) return false;  // validated before: cannot happen
  std::optional<mgcp::endpoint_address> where = t.endpoint;
  std::optional<tandem::mgcp::connection_id> on;
  if (t.address.kind == termination_kind::rtp) {
    if (!t.host) {
      count("signals.no_media");
      log::get("h248")->warn("{}: signal {} not played: no media connection yet", key, sig.name);
      return false;
    }
    where = t.host;
    on = connection_of(t);
  }
  media_.start_signal(*where, *played, on);
  count(fmt::format("signals.{}", lower(sig.name)));
  active_signal a;
  a.name = lower(sig.name);
  a.played = *played;
  a.notify = sig.notify_completion;
  a.from_list = from_list;
  const auto pkg = split_name(sig.name)->first;
  if (pkg == "ct" && split_name(sig.name)->second == "ct") {
    // E.10: the tone must come back within the continuity timeout, else ct/cmp{res=failure}.
    if (t.continuity_timer) timers_.cancel(*t.continuity_timer);
    auto alive = alive_;
    t.continuity_timer = timers_.schedule_after(config_.continuity_timeout, [this, alive, key] {
      if (*alive) on_continuity_timeout(key);
    });
  }
  if (is_brief(sig)) {
    // A brief signal completes as soon as it is handed over.
    if (std::find(sig.notify_completion.begin(), sig.notify_completion.end(), h::notify_reason::timeout) !=
        sig.notify_completion.end()) {
      h::event_spec e;
      e.name = "g/sc";
      e.parameters.push_back({"SigID", {h::relation::equal, h::value_form::single, {a.name}}});
      e.parameters.push_back({"Meth", {h::relation::equal, h::value_form::single, {"TO"}}});
      report(t, e);
    }
    return false;
  }
  // Timeout signals end after their Duration (units of 10 ms) or our default; on/off ones
  // play until stopped; ct/ct ends when the tone comes back or the continuity timer fires.
  const bool on_off = sig.type && *sig.type == h::signal_type::on_off;
  if (!on_off && pkg != "ct") {
    const auto length = sig.duration ? std::chrono::milliseconds{*sig.duration * 10} : config_.default_tone_duration;
    auto alive = alive_;
    const auto name = a.name;
    a.timer = timers_.schedule_after(length, [this, alive, key, name] {
      if (*alive) on_signal_done(key, name, h::notify_reason::timeout);
    });
  }
  t.signals.push_back(std::move(a));
  return true;
}

void agent::on_signal_done(std::string key, std::string signal, h::notify_reason why) {
  auto* t = find(key);
  if (t == nullptr) return;
  auto it = std::find_if(t->signals.begin(), t->signals.end(), [&](const active_signal& a) { return a.name == signal; });
  if (it == t->signals.end()) return;
  const auto done = *it;
  t->signals.erase(it);
  if (t->endpoint) media_.stop_signal(*t->endpoint, done.played);
  else if (t->host) media_.stop_signal(*t->host, done.played);
  if (std::find(done.notify.begin(), done.notify.end(), why) != done.notify.end()) {
    h::event_spec e;
    e.name = "g/sc";
    e.parameters.push_back({"SigID", {h::relation::equal, h::value_form::single, {done.name}}});
    e.parameters.push_back({"Meth", {h::relation::equal, h::value_form::single, {std::string(reason_text(why))}}});
    report(*t, e);
  }
  if (done.from_list) play_next(*t);
}

void agent::on_continuity_timeout(std::string key) {
  auto* t = find(key);
  if (t == nullptr) return;
  t->continuity_timer.reset();
  count("continuity.failed");
  h::event_spec e;
  e.name = "ct/cmp";
  e.parameters.push_back({"res", {h::relation::equal, h::value_form::single, {"failure"}}});
  report(*t, e);
  on_signal_done(key, "ct/ct", h::notify_reason::other_reason);
}

bool agent::report(termination& t, const h::event_spec& observed) {
  if (!t.events_id) {
    count("events.unrequested");
    return false;
  }
  const auto wanted = lower(observed.name);
  const bool requested = std::any_of(t.events.begin(), t.events.end(), [&](const h::requested_event& r) {
    return lower(r.name) == wanted;
  });
  if (!requested) {
    count("events.unrequested");
    return false;
  }
  send_notify(&t, *t.events_id, observed);
  return true;
}

void agent::send_notify(const termination* t, const h::request_id& id, const h::event_spec& observed) {
  auto to = controller();
  if (state_ != agent_state::in_service || !to) {
    count("notify.not_registered");
    log::get("h248")->warn("{} on {} not notified: no controller in service", observed.name, t ? t->address.name() : "ROOT");
    return;
  }
  h::command_request n;
  n.kind = h::command_kind::notify;
  n.termination.name = t != nullptr ? t->address.name() : "ROOT";
  h::observed_events_descriptor oe;
  oe.id = id;
  oe.events.push_back({std::nullopt, observed});
  n.descriptors.observed_events = std::move(oe);
  h::action_request a;
  a.context = t != nullptr && t->context != 0 ? h::context_id::of(t->context) : h::context_id::null();
  a.commands.push_back(std::move(n));
  std::vector<h::action_request> actions;
  actions.push_back(std::move(a));
  auto sent = notifier_.send_request(*to, std::move(actions));
  if (!sent) {
    count("notify.send_failed");
    return;
  }
  outgoing_[sent->value()] = "Notify";
  count("tx.notify");
}

void agent::on_media_event(const mgcp::endpoint_address& e, const tandem::mgcp::observed_event& event) {
  auto where = by_endpoint_.find(e);
  if (where == by_endpoint_.end()) return;  // a virtual endpoint: the MGCP agent's
  auto* tdm = find(where->second);
  if (tdm == nullptr) return;
  // dd/ce collects digits of the line (H.248.1 §7.1.14) besides any dd/dX event requested.
  if (event.name.package == "D" && event.name.event.size() == 1 && event.name.connection.empty())
    collect_digit(*tdm, event.name.event[0]);
  auto spec = h248_event(event);
  if (!spec) {
    count("events.unmapped");
    log::get("h248")->debug("{}: media event {}/{} has no H.248 name", tdm->address.name(), event.name.package, event.name.event);
    return;
  }
  if (spec->name == "ct/cmp" && tdm->continuity_timer) {
    timers_.cancel(*tdm->continuity_timer);
    tdm->continuity_timer.reset();
    on_signal_done(tdm->address.name(), "ct/ct", h::notify_reason::other_reason);
  }
  // An event of one connection belongs to its RTP termination; the others to the timeslot,
  // or to an RTP termination of its context that asked for it (DTMF relayed from RTP).
  if (!event.name.connection.empty() && tdm->context != 0) {
    if (auto* c = context_by_id(tdm->context))
      for (const auto& key : c->members)
        if (auto* r = find(key); r != nullptr && r->address.kind == termination_kind::rtp &&
                                 connection_of(*r).value() == event.name.connection) {
          report(*r, *spec);
          return;
        }
  }
  if (report(*tdm, *spec)) return;
  if (tdm->context != 0)
    if (auto* c = context_by_id(tdm->context))
      for (const auto& key : c->members)
        if (auto* r = find(key); r != nullptr && r != tdm && report(*r, *spec)) return;
}

void agent::on_controller_activity(const h::peer& from) {
  if (!is_allowed(from)) return;
  if (inactivity_) arm_inactivity();
}

void agent::arm_inactivity() {
  if (inactivity_timer_) {
    timers_.cancel(*inactivity_timer_);
    inactivity_timer_.reset();
  }
  if (!inactivity_ || !root_events_id_) return;
  auto alive = alive_;
  inactivity_timer_ = timers_.schedule_after(*inactivity_, [this, alive] {
    if (!*alive) return;
    inactivity_timer_.reset();
    count("inactivity.expired");
    h::event_spec e;
    e.name = "it/ito";
    send_notify(nullptr, *root_events_id_, e);
    arm_inactivity();  // §7.1.9: the event stays requested until replaced
  });
}

}  // namespace tandem::gateway::h248
