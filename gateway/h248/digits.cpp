/// dd/ce, digit map completion (H.248.1 §7.1.14, Annex E.6.2): digits from the line are
/// collected against the map the event names, with the interdigit timers, and reported as
/// dd/ce{ds="<digits>", Meth=UM|PM|FM}. The matching is the MGCP agent's (the two grammars
/// share their core): H.248's E and F are * and #, its timer letters T, S and L all stand for
/// "a timer expired" (the matcher's T); Z (long duration) is not detected and is dropped.
#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/h248/agent.hpp"
#include "gateway/mgcp/digit_map_matcher.hpp"

namespace tandem::gateway::h248 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// The H.248 body in the matcher's letters; nullopt when it uses letters G-K (no DTMF key).
std::optional<std::string> matcher_text(std::string_view body) {
  std::string out;
  bool in_range = false;
  for (char c : body) {
    const char u = c >= 'a' && c <= 'z' && c != 'x' ? static_cast<char>(c - 'a' + 'A') : c;
    if (u == '[') in_range = true;
    if (u == ']') in_range = false;
    if (u == 'E') out += '*';
    else if (u == 'F') out += '#';
    else if (u == 'S' || u == 'L' || u == 'T') out += in_range ? std::string() : std::string("T");
    else if (u == 'Z') continue;
    else if (u >= 'G' && u <= 'K') return std::nullopt;
    else out += u;
  }
  return out;
}

const h::digit_map_value* value_of(const h::requested_event& ce, const std::optional<h::digit_map_descriptor>& dm,
                                   const std::optional<h::digit_map_descriptor>& stored) {
  if (ce.digit_map && ce.digit_map->value) return &*ce.digit_map->value;
  const auto name = ce.digit_map && ce.digit_map->name ? lower(*ce.digit_map->name) : std::string();
  for (const auto* d : {&dm, &stored})
    if (*d && (*d)->value && (name.empty() || ((*d)->name && lower(*(*d)->name) == name))) return &*(*d)->value;
  return nullptr;
}

}  // namespace

agent::result<tandem::mgcp::digit_map> agent::digit_map_for(const termination& t, const h::requested_event& ce,
                                                           const std::optional<h::digit_map_descriptor>& dm) const {
  const auto* v = value_of(ce, dm, t.digit_map);
  if (v == nullptr) return make_unexpected(error{h::error_code::digit_map_undefined, "dd/ce names no digit map defined here"});
  auto text = matcher_text(v->body);
  if (!text) return make_unexpected(error{h::error_code::unknown_value, "digit map letters G-K are not supported"});
  auto map = tandem::mgcp::parse_digit_map(*text);
  if (!map) return make_unexpected(error{h::error_code::unknown_value, "digit map: " + std::string(map.error().what)});
  return *map;
}

void agent::stop_collection(termination& t) {
  if (t.digits && t.digits->timer) timers_.cancel(*t.digits->timer);
  t.digits.reset();
}

void agent::start_collection(termination& t) {
  stop_collection(t);
  for (const auto& e : t.events) {
    if (lower(e.name) != "dd/ce") continue;
    auto map = digit_map_for(t, e, std::nullopt);
    if (!map) return;  // validated before: the map was defined in the same command
    digit_collection c;
    c.map = std::move(*map);
    if (const auto* v = value_of(e, std::nullopt, t.digit_map)) {
      // §7.1.14: the timers of the map are in seconds.
      if (v->short_timer) c.short_timer = std::chrono::seconds(*v->short_timer);
      if (v->long_timer) c.long_timer = std::chrono::seconds(*v->long_timer);
    }
    t.digits = std::move(c);
    count("digit_map.started");
    return;
  }
}

void agent::collect_digit(termination& t, char digit) {
  if (!t.digits) return;
  t.digits->dialed += digit;
  t.digits->reported += digit == '*' ? 'E' : digit == '#' ? 'F' : digit;
  evaluate_digits(t, false);
}

void agent::evaluate_digits(termination& t, bool timed_out) {
  auto& c = *t.digits;
  if (c.timer) timers_.cancel(*c.timer);
  c.timer.reset();
  const auto r = mgcp::match_digit_map(c.map, c.dialed);
  std::string_view method;
  if (r.full && !r.partial) method = "UM";                     // nothing longer can match
  else if (!r.full && !r.partial) method = "PM";               // the last digit matches nothing
  else if (timed_out) method = r.full ? "FM" : "PM";           // the interdigit timer ended it
  if (method.empty()) {
    // §7.1.14: the long timer while a full match could still grow, the short one otherwise.
    auto alive = alive_;
    c.timer = timers_.schedule_after(r.full ? c.long_timer : c.short_timer, [this, alive, key = t.address.name()] {
      if (*alive) on_digit_timer(key);
    });
    return;
  }
  h::event_spec ce;
  ce.name = "dd/ce";
  ce.parameters.push_back({"ds", {h::relation::equal, h::value_form::single, {"\"" + c.reported + "\""}}});
  ce.parameters.push_back({"Meth", {h::relation::equal, h::value_form::single, {std::string(method)}}});
  count(fmt::format("digit_map.{}", lower(method)));
  c.dialed.clear();
  c.reported.clear();
  report(t, ce);
}

void agent::on_digit_timer(std::string key) {
  auto* t = find(key);
  if (t == nullptr || !t->digits) return;
  auto& c = *t->digits;
  c.timer.reset();
  // A pattern that takes a timer position (T, S or L) completes with it: unambiguous.
  if (mgcp::match_digit_map(c.map, c.dialed + "T").full) {
    c.dialed += 'T';
    evaluate_digits(*t, false);
    if (t->digits && !t->digits->dialed.empty()) evaluate_digits(*t, true);
    return;
  }
  evaluate_digits(*t, true);
}

}  // namespace tandem::gateway::h248
