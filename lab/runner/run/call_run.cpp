#include "lab/runner/run/call_run.hpp"

#include <cmath>

#include <fmt/format.h>

namespace tandem::lab::runner {

using json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::string cause_words(const leg_event& e) {
  if (!e.cause) return "no cause";
  return e.cause_text.empty() ? fmt::format("cause {}", *e.cause) : fmt::format("cause {} ({})", *e.cause, e.cause_text);
}

/// "inf" (bit-exact path) or a number.
double snr_of(const json& reference) {
  const auto& v = reference["snr_db"];
  if (v.is_number()) return v.get<double>();
  return std::numeric_limits<double>::infinity();
}

}  // namespace

call_run::call_run(const scenario& s, unsigned index, lab_driver& driver, time_point now, media_tolerances tol)
    : scenario_(s), driver_(driver), tol_(tol), started_(now), step_started_(now) {
  result_.index = index;
  caller_ = {s.call().caller.node, s.call().caller.number, std::nullopt};
  callee_ = {s.call().callee.node, s.call().callee.number, std::nullopt};
  for (const auto& st : s.steps) result_.steps.push_back({st.line, st.text, verdict::skipped, "", 0});
}

double call_run::ms_since(time_point t, time_point now) const {
  return std::chrono::duration<double, std::milli>(now - t).count();
}

void call_run::resolve_callee() {
  if (callee_.id || !caller_.id) return;
  callee_.id = driver_.claim_incoming(callee_.node, callee_.number, caller_.number);
}

std::optional<call_run::outcome> call_run::need(const leg& l, time_point now) {
  if (l.id) return std::nullopt;
  if (now - step_started_ < tol_.leg_wait) return outcome{};
  return outcome{progress::failed, fmt::format("{} was never offered the call (no SETUP for {} within {} ms)", l.node,
                                               l.number, tol_.leg_wait.count())};
}

void call_run::step(time_point now) {
  resolve_callee();
  while (state_ == state::running) {
    if (next_ >= scenario_.steps.size()) {
      state_ = state::cleaning_up;
      cleanup_started_ = now;
      break;
    }
    auto o = run_step(scenario_.steps[next_].body, now);
    if (o.kind == progress::pending) return;
    finish_step(o.kind, std::move(o.detail), now);
    resolve_callee();
  }
  if (state_ == state::cleaning_up) cleanup(now);
}

void call_run::finish_step(progress p, std::string detail, time_point now) {
  auto& r = result_.steps[next_];
  r.outcome = p == progress::passed ? verdict::passed : verdict::failed;
  r.detail = std::move(detail);
  r.at_ms = ms_since(started_, now);
  ++next_;
  step_started_ = now;
  last_poll_ = {};
  silence_from_ms_.reset();
  if (p == progress::failed) {
    state_ = state::cleaning_up;
    cleanup_started_ = now;
  }
}

call_run::outcome call_run::run_step(const step_body& body, time_point now) {
  return std::visit([&](const auto& s) { return on(s, now); }, body);
}

call_run::outcome call_run::on(const call_step& s, time_point) {
  records_before_ = driver_.record_count();
  auto id = driver_.place_call(caller_.node, s.dialled(), s.caller.number);
  if (!id) return {progress::failed, id.error()};
  caller_.id = *id;
  const auto* l = driver_.leg(caller_.node, *id);
  if (l != nullptr && l->state == "invite_sent")
    return {progress::passed, fmt::format("INVITE for {} sent by {} (sipp call {})", s.dialled(), caller_.node, *id)};
  return {progress::passed, fmt::format("SETUP for {} sent by {} (call {}, B-channel {})", s.dialled(), caller_.node, *id,
                                        l ? l->channel : 0)};
}

call_run::outcome call_run::on(const answer_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  if (auto w = need(l, now)) return *w;
  auto r = driver_.request(l.node, "answer", {{"call", *l.id}});
  if (!r) return {progress::failed, r.error()};
  return {progress::passed, fmt::format("{} answered (CONNECT)", l.node)};
}

call_run::outcome call_run::on(const hangup_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  if (auto w = need(l, now)) return *w;
  auto r = driver_.request(l.node, "hangup", {{"call", *l.id}, {"cause", s.cause}});
  if (!r) return {progress::failed, r.error()};
  return {progress::passed, fmt::format("{} cleared with cause {}", l.node, s.cause)};
}

call_run::outcome call_run::on(const wait_step& s, time_point now) {
  if (now - step_started_ < s.duration) return {};
  return {progress::passed, ""};
}

call_run::outcome call_run::on(const expect_signal_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  const double waited = ms_since(step_started_, now);
  auto timeout = [&](std::string what) -> outcome {
    if (now - step_started_ < s.within) return {};
    return {progress::failed, fmt::format("{} within {} ms", what, s.within.count())};
  };
  if (!l.id) return timeout(fmt::format("{} was never offered the call", l.node));
  if (s.signal == signal_kind::setup) return {progress::passed, fmt::format("after {:.0f} ms", waited)};
  const leg_record* rec = driver_.leg(l.node, *l.id);
  if (rec == nullptr) return timeout("no event for the leg");
  const auto* release = rec->find("release");
  auto check_cause = [&](const leg_event& e, std::optional<int> want, std::string_view what) -> outcome {
    if (want && e.cause != want)
      return {progress::failed, fmt::format("{} with {}, expected cause {}", what, cause_words(e), *want)};
    return {progress::passed, fmt::format("{} with {} after {:.0f} ms", what, cause_words(e), waited)};
  };
  switch (s.signal) {
    case signal_kind::released:
    case signal_kind::busy:
      if (release == nullptr) return timeout("not released");
      return check_cause(*release, s.signal == signal_kind::busy ? std::optional<int>(17) : s.cause, "released");
    case signal_kind::disconnected: {
      const auto* d = rec->find("disconnect");
      if (d == nullptr) d = release;  // RELEASE without DISCONNECT (Q.931 §5.3.2 exceptions)
      if (d == nullptr) return timeout("no DISCONNECT");
      return check_cause(*d, s.cause, "disconnected");
    }
    default:
      break;
  }
  const char* name = s.signal == signal_kind::proceeding ? "proceeding"
                     : s.signal == signal_kind::alerting ? "alerting"
                                                         : "connect";
  bool seen = rec->find(name) != nullptr;
  // The called exchange alerts without an event of its own: its state says it.
  if (!seen && s.signal == signal_kind::alerting && s.leg == leg_role::callee)
    seen = rec->state == "alerting" || rec->state == "active" || rec->find("connect") != nullptr;
  if (seen) return {progress::passed, fmt::format("after {:.0f} ms", waited)};
  if (release != nullptr)
    return {progress::failed, fmt::format("released with {} instead of {}", cause_words(*release), to_string(s.signal))};
  return timeout(fmt::format("no {}", to_string(s.signal)));
}

call_run::outcome call_run::on(const play_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  if (auto w = need(l, now)) return *w;
  json f = {{"call", *l.id}};
  std::string cmd = "play";
  switch (s.kind) {
    case media_kind::tone:
      f.update({{"source", "tone"}, {"hz", s.tone_hz}, {"dbm0", s.level_dbm0}, {"ms", s.duration.count()}});
      break;
    case media_kind::dtmf:
      cmd = "dtmf";
      f["digits"] = s.digits;
      break;
    case media_kind::marker: f["source"] = "marker"; break;
    case media_kind::file: f.update({{"source", "file"}, {"name", s.media_name}, {"ms", s.duration.count()}}); break;
    case media_kind::silence: f["source"] = "silence"; break;
    case media_kind::echo: f["source"] = "echo"; break;
  }
  auto r = driver_.request(l.node, cmd, f);
  if (!r) return {progress::failed, r.error()};
  return {progress::passed, ""};
}

call_run::outcome call_run::on(const expect_media_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  if (!l.id) {
    if (now - step_started_ < s.within) return {};
    return {progress::failed, fmt::format("{} was never offered the call", l.node)};
  }
  if (s.kind == hear_kind::silence) return hears_silence(s, now);
  if (last_poll_ != time_point{} && now - last_poll_ < tol_.poll && now - step_started_ < s.within) return {};
  last_poll_ = now;
  if (s.kind == hear_kind::marker || s.kind == hear_kind::file) return hears_reference(s, now);
  auto audio = driver_.request(l.node, "audio", {{"call", *l.id}});
  if (!audio) return {progress::failed, audio.error()};
  const double waited = ms_since(step_started_, now);
  std::string seen;
  if (s.kind == hear_kind::tone) {
    for (const auto& t : (*audio)["tones"]) {
      const double hz = t.value("hz", 0.0), dbm0 = t.value("dbm0", 0.0), dur = t.value("duration_ms", 0.0);
      seen += fmt::format("{}{:.0f} Hz {:.1f} dBm0 {:.0f} ms", seen.empty() ? "" : ", ", hz, dbm0, dur);
      if (std::abs(hz - s.tone_hz) > tol_.tone_hz || dur < tol_.tone_min_ms) continue;
      if (s.level_dbm0 && std::abs(dbm0 - *s.level_dbm0) > tol_.tone_db) continue;
      return {progress::passed, fmt::format("{:.0f} Hz at {:.1f} dBm0 heard after {:.0f} ms", hz, dbm0, waited)};
    }
  } else {
    auto digits = (*audio).value("digits", "");
    seen = digits.empty() ? "no digits" : fmt::format("digits \"{}\"", digits);
    if (digits.find(s.digits) != std::string::npos)
      return {progress::passed, fmt::format("\"{}\" received after {:.0f} ms", s.digits, waited)};
  }
  if (now - step_started_ < s.within) return {};
  // The exchange analyses what it recorded since CONNECT, up to its record_seconds.
  const bool full = (*audio).value("recording_full", false);
  return {progress::failed, fmt::format("not heard within {} ms (heard: {}){}", s.within.count(), seen.empty() ? "nothing" : seen,
                                        full ? "; the exchange's recording is full: raise record_seconds of the exchange"
                                             : "")};
}

call_run::outcome call_run::on(const expect_status_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  const leg_record* rec = l.id ? driver_.leg(l.node, *l.id) : nullptr;
  if (rec == nullptr || !rec->sip_status) {
    if (now - step_started_ < s.within) return {};
    return {progress::failed, fmt::format("no final response at {} within {} ms", l.node, s.within.count())};
  }
  if (*rec->sip_status != s.status)
    return {progress::failed, fmt::format("{} got SIP {}, expected {}", l.node, *rec->sip_status, s.status)};
  return {progress::passed, fmt::format("SIP {} after {:.0f} ms", *rec->sip_status, ms_since(step_started_, now))};
}

call_run::outcome call_run::on(const expect_record_step& s, time_point now) {
  if (!driver_.has_records()) return {progress::failed, "this lab has no call agent writing call records"};
  const auto& call = scenario_.call();
  auto record = driver_.take_record(records_before_, call.dialled(), call.caller.number);
  if (!record) {
    if (now - step_started_ < s.within) return {};
    return {progress::failed, fmt::format("no call record for {} from {} within {} ms (written once both legs are "
                                          "released)",
                                          call.dialled(), call.caller.number, s.within.count())};
  }
  auto field = [&record](std::string_view name) {
    auto it = record->find(name);
    return it == record->end() ? std::string() : it->second;
  };
  result_.codec = field("codec");
  const auto got = fmt::format("record {}: route \"{}\", codec \"{}\", cause {}, released by {}", field("record"),
                               field("route"), field("codec"), field("cause"), field("released_by"));
  if (s.codec && field("codec") != *s.codec) return {progress::failed, fmt::format("{}: expected codec {}", got, *s.codec)};
  if (s.cause && field("cause") != std::to_string(*s.cause))
    return {progress::failed, fmt::format("{}: expected cause {}", got, *s.cause)};
  if (s.route && field("route") != *s.route) return {progress::failed, fmt::format("{}: expected route {}", got, *s.route)};
  return {progress::passed, got};
}

call_run::outcome call_run::hears_reference(const expect_media_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  auto& sender = leg_of(s.leg == leg_role::caller ? leg_role::callee : leg_role::caller);
  const std::string reference = s.kind == hear_kind::marker ? "marker" : s.media_name;
  json f = {{"call", *l.id}, {"reference", reference}};
  // The sender's play start on the host's steady clock gives the one-way delay (both ends run
  // on this host).
  if (sender.id) {
    auto sent = driver_.request(sender.node, "audio", {{"call", *sender.id}});
    if (sent && (*sent).value("play_start_us", std::int64_t{0}) != 0) f["sent_at_us"] = (*sent)["play_start_us"];
  }
  auto audio = driver_.request(l.node, "audio", f);
  if (!audio) return {progress::failed, audio.error()};
  const auto& a = *audio;
  const bool found = a.contains("reference") && (!f.contains("sent_at_us") || a.contains("one_way_ms"));
  if (!found) {
    if (now - step_started_ < s.within) return {};
    return {progress::failed, fmt::format("{} not found in what {} heard within {} ms", reference, l.node, s.within.count())};
  }
  const double snr = snr_of(a["reference"]);
  std::optional<double> delay;
  if (a.contains("one_way_ms")) delay = a["one_way_ms"].get<double>();
  if (delay) result_.one_way_ms.push_back(*delay);
  result_.snr_db.push_back(snr);
  auto figures = fmt::format("one-way delay {}, SNR {} dB, correlation {:.3f}",
                             delay ? fmt::format("{:.1f} ms", *delay) : std::string("unknown"),
                             std::isfinite(snr) ? fmt::format("{:.1f}", snr) : std::string("inf (bit-exact)"),
                             a["reference"].value("correlation", 0.0));
  if (s.delay_below && (!delay || *delay >= static_cast<double>(s.delay_below->count())))
    return {progress::failed, fmt::format("{}: delay not below {} ms", figures, s.delay_below->count())};
  if (s.snr_above_db && !(snr > *s.snr_above_db))
    return {progress::failed, fmt::format("{}: SNR not above {} dB", figures, *s.snr_above_db)};
  return {progress::passed, figures};
}

call_run::outcome call_run::hears_silence(const expect_media_step& s, time_point now) {
  auto& l = leg_of(s.leg);
  if (!silence_from_ms_) {
    auto audio = driver_.request(l.node, "audio", {{"call", *l.id}});
    if (!audio) return {progress::failed, audio.error()};
    silence_from_ms_ = (*audio).value("recorded_ms", 0.0);
    silence_digits_ = (*audio).value("digits", "").size();
    return {};
  }
  if (now - step_started_ < s.within) return {};
  auto audio = driver_.request(l.node, "audio", {{"call", *l.id}});
  if (!audio) return {progress::failed, audio.error()};
  const auto digits = (*audio).value("digits", "");
  if (digits.size() > silence_digits_)
    return {progress::failed, fmt::format("DTMF \"{}\" heard", digits.substr(silence_digits_))};
  for (const auto& t : (*audio)["tones"]) {
    const double end = t.value("start_ms", 0.0) + t.value("duration_ms", 0.0);
    if (end > *silence_from_ms_)
      return {progress::failed, fmt::format("a {:.0f} Hz tone at {:.1f} dBm0 heard", t.value("hz", 0.0), t.value("dbm0", 0.0))};
  }
  return {progress::passed, fmt::format("no tone and no DTMF for {} ms", s.within.count())};
}

void call_run::cleanup(time_point now) {
  resolve_callee();
  auto released = [&](const leg& l) {
    if (!l.id) return true;
    const auto* r = driver_.leg(l.node, *l.id);
    return r != nullptr && r->find("release") != nullptr;
  };
  if (!hangups_sent_) {
    hangups_sent_ = true;
    for (auto* l : {&caller_, &callee_})
      if (l->id && !released(*l)) {
        const auto* r = driver_.leg(l->node, *l->id);
        if (r == nullptr || r->find("disconnect") == nullptr)
          (void)driver_.request(l->node, "hangup", {{"call", *l->id}, {"cause", 16}});
      }
  }
  const bool callee_pending = caller_.id && !callee_.id && now - cleanup_started_ < milliseconds{500};
  if ((released(caller_) && released(callee_) && !callee_pending) || now - cleanup_started_ >= tol_.cleanup) {
    collect_metrics();
    result_.duration_ms = ms_since(started_, now);
    for (auto* l : {&caller_, &callee_})
      if (l->id) driver_.forget(l->node, *l->id);
    state_ = state::finished;
  }
}

void call_run::collect_metrics() {
  if (!caller_.id) return;
  const auto* rec = driver_.leg(caller_.node, *caller_.id);
  if (rec == nullptr) return;
  result_.answered = rec->find("connect") != nullptr;
  result_.sip_status = rec->sip_status;
  if (const auto* rel = rec->find("release"); rel != nullptr && rel->cause) {
    result_.cause = rel->cause;
    result_.cause_text = rel->cause_text;
  }
  // Post-dial delay from the caller's own timestamps (ms since its SETUP).
  auto info = driver_.request(caller_.node, "info", {{"call", *caller_.id}});
  if (!info) return;
  for (const char* name : {"alerting", "connect"})
    for (const auto& e : (*info)["events"])
      if (e.value("name", "") == name && !result_.pdd_ms) result_.pdd_ms = e.value("at_ms", 0.0);
}

}  // namespace tandem::lab::runner
