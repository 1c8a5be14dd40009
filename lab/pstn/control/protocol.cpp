#include "lab/pstn/control/protocol.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tandem::lab::pstn::control {

namespace {

using json = nlohmann::json;

/// A request's field problem, reported as the error text.
struct bad_request {
  std::string message;
};

/// Typed access to request fields; every mistake becomes a bad_request naming the field.
class fields {
 public:
  explicit fields(const json& j) : j_(j) {}

  [[nodiscard]] bool has(const char* name) const { return j_.contains(name); }

  [[nodiscard]] expected<std::uint64_t, bad_request> uint(const char* name, std::optional<std::uint64_t> fallback,
                                                          std::uint64_t max, std::uint64_t min = 0) const {
    if (!j_.contains(name)) {
      if (fallback) return *fallback;
      return make_unexpected(bad_request{fmt::format("\"{}\" is required", name)});
    }
    const auto& v = j_[name];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max || v.get<std::uint64_t>() < min)
      return make_unexpected(bad_request{fmt::format("\"{}\" must be an integer from {} to {}", name, min, max)});
    return v.get<std::uint64_t>();
  }
  [[nodiscard]] expected<std::int64_t, bad_request> int64(const char* name) const {
    const auto& v = j_[name];
    if (!v.is_number_integer()) return make_unexpected(bad_request{fmt::format("\"{}\" must be an integer", name)});
    return v.get<std::int64_t>();
  }
  [[nodiscard]] expected<double, bad_request> number(const char* name, double fallback, double min,
                                                     double max) const {
    if (!j_.contains(name)) return fallback;
    const auto& v = j_[name];
    if (!v.is_number() || v.get<double>() < min || v.get<double>() > max)
      return make_unexpected(bad_request{fmt::format("\"{}\" must be a number from {} to {}", name, min, max)});
    return v.get<double>();
  }
  [[nodiscard]] expected<std::string, bad_request> string(const char* name, std::optional<std::string> fallback) const {
    if (!j_.contains(name)) {
      if (fallback) return *fallback;
      return make_unexpected(bad_request{fmt::format("\"{}\" is required", name)});
    }
    const auto& v = j_[name];
    if (!v.is_string()) return make_unexpected(bad_request{fmt::format("\"{}\" must be a string", name)});
    return v.get<std::string>();
  }

 private:
  const json& j_;
};

json cause_json(isdn::cause c) {
  return {{"value", static_cast<int>(c)}, {"text", std::string(isdn::to_string(c))}};
}

json call_json(const call_record& c) {
  json events = json::array();
  for (const auto& e : c.events) {
    json ev = {{"name", e.name}, {"at_ms", std::round(e.at_ms * 10) / 10}};
    if (e.cause) ev["cause"] = cause_json(*e.cause);
    events.push_back(ev);
  }
  json j = {{"call", c.id.value()},
            {"span", c.span},
            {"channel", c.channel},
            {"direction", std::string(to_string(c.direction))},
            {"state", std::string(to_string(c.state))},
            {"called", c.called},
            {"calling", c.calling},
            {"events", events}};
  if (c.cause) j["cause"] = cause_json(*c.cause);
  return j;
}

json audio_json(const audio_report& r) {
  json tones = json::array();
  for (const auto& t : r.tones)
    tones.push_back({{"hz", std::round(t.frequency_hz)},
                     {"dbm0", std::round(t.level_dbm0 * 10) / 10},
                     {"start_ms", t.start_ms},
                     {"duration_ms", t.duration_ms}});
  json j = {{"digits", r.digits},
            {"tones", tones},
            {"recorded_ms", r.recorded_ms},
            {"recording_full", r.recording_full},
            {"playing", r.playing},
            {"play_start_us", r.play_start_us},
            {"marker_played", r.marker_played}};
  if (r.reference) {
    j["reference"] = {{"offset_samples", r.reference->offset_samples},
                      {"correlation", std::round(r.reference->correlation * 1000) / 1000},
                      {"snr_db", std::isfinite(r.reference->snr_db) ? json(std::round(r.reference->snr_db * 10) / 10)
                                                                     : json("inf")},
                      {"segmental_snr_db", std::round(r.reference->segmental_snr_db * 10) / 10},
                      {"slips", r.reference->slips},
                      {"max_slip_ms", static_cast<double>(r.reference->max_slip_samples) / 8.0}};
  }
  if (r.round_trip_ms) j["round_trip_ms"] = *r.round_trip_ms;
  if (r.one_way_ms) j["one_way_ms"] = std::round(*r.one_way_ms * 100) / 100;
  return j;
}

using result = expected<json, bad_request>;

template <class T>
result fail(const expected<T, std::string>& r) {
  return make_unexpected(bad_request{r.error()});
}

result do_call(exchange& ex, const fields& f) {
  auto span = f.uint("span", 0, 255);
  if (!span) return make_unexpected(span.error());
  auto called = f.string("called", std::nullopt);
  if (!called) return make_unexpected(called.error());
  auto calling = f.string("calling", std::string());
  if (!calling) return make_unexpected(calling.error());
  auto channel = f.uint("channel", 0, 31);
  if (!channel) return make_unexpected(channel.error());
  auto id = ex.place_call(static_cast<unsigned>(*span), *called, *calling, static_cast<unsigned>(*channel));
  if (!id) return fail(id);
  auto rec = ex.call(*id);
  return json{{"call", id->value()}, {"channel", rec ? rec->channel : 0}};
}

expected<call_id, bad_request> call_of(const fields& f) {
  auto id = f.uint("call", std::nullopt, std::numeric_limits<std::uint32_t>::max());
  if (!id) return make_unexpected(id.error());
  return call_id{static_cast<std::uint32_t>(*id)};
}

result do_play(exchange& ex, const fields& f, call_id id) {
  auto source = f.string("source", std::nullopt);
  if (!source) return make_unexpected(source.error());
  play_request p;
  auto ms = f.uint("ms", 0, 3'600'000);
  if (!ms) return make_unexpected(ms.error());
  p.duration_ms = static_cast<std::uint32_t>(*ms);
  if (*source == "tone") {
    p.kind = media::source_kind::tone;
    auto hz = f.number("hz", 1000.0, 50.0, 3900.0);
    if (!hz) return make_unexpected(hz.error());
    auto dbm0 = f.number("dbm0", -10.0, -60.0, 3.0);
    if (!dbm0) return make_unexpected(dbm0.error());
    p.tone_hz = *hz;
    p.tone_dbm0 = *dbm0;
  } else if (*source == "marker") {
    p.kind = media::source_kind::samples;
    p.media_name = "marker";
  } else if (*source == "file") {
    p.kind = media::source_kind::samples;
    auto name = f.string("name", std::nullopt);
    if (!name) return make_unexpected(name.error());
    p.media_name = *name;
  } else if (*source == "echo") {
    p.kind = media::source_kind::echo;
  } else if (*source == "silence") {
    p.kind = media::source_kind::silence;
  } else {
    return make_unexpected(bad_request{
        fmt::format("\"source\" must be \"tone\", \"marker\", \"file\", \"echo\" or \"silence\", not \"{}\"", *source)});
  }
  if (auto r = ex.play(id, p); !r) return fail(r);
  return json::object();
}

constexpr std::string_view known_commands[] = {"call", "answer", "hangup", "dtmf", "play",
                                               "info", "audio", "calls", "status", "shutdown"};

result dispatch(exchange& ex, const std::string& cmd, const fields& f, bool& shutdown) {
  if (std::find(std::begin(known_commands), std::end(known_commands), cmd) == std::end(known_commands))
    return make_unexpected(bad_request{fmt::format(
        "unknown command \"{}\" (call, answer, hangup, dtmf, play, info, audio, calls, status, shutdown)", cmd)});
  if (cmd == "call") return do_call(ex, f);
  if (cmd == "status") {
    json spans = json::array();
    for (const auto& s : ex.spans())
      spans.push_back({{"span", s.number},
                       {"link_up", s.link_up},
                       {"loss_of_signal", tdm::any(s.alarms & tdm::alarm::loss_of_signal)},
                       {"remote_alarm", tdm::any(s.alarms & tdm::alarm::remote_alarm)},
                       {"framing", tdm::any(s.alarms & tdm::alarm::framing)},
                       {"calls", s.calls},
                       {"blocks_rx", s.stats.blocks_rx},
                       {"blocks_tx", s.stats.blocks_tx},
                       {"blocks_late", s.stats.blocks_late},
                       {"blocks_lost", s.stats.blocks_lost},
                       {"blocks_rejected", s.stats.blocks_rejected},
                       {"dchannel_rx", s.stats.dchannel_rx},
                       {"dchannel_tx", s.stats.dchannel_tx},
                       {"dchannel_dropped", s.dchannel_dropped}});
    return json{{"spans", spans}};
  }
  if (cmd == "calls") {
    json calls = json::array();
    for (const auto& c : ex.calls()) calls.push_back(call_json(c));
    return json{{"calls", calls}};
  }
  if (cmd == "shutdown") {
    shutdown = true;
    return json::object();
  }
  auto id = call_of(f);
  if (!id) return make_unexpected(id.error());
  if (cmd == "answer") {
    if (auto r = ex.answer(*id); !r) return fail(r);
    return json::object();
  }
  if (cmd == "hangup") {
    auto c = f.uint("cause", 16, 127, 1);  // Q.850: a 7-bit cause value, 0 is none
    if (!c) return make_unexpected(c.error());
    if (auto r = ex.hangup(*id, static_cast<isdn::cause>(*c)); !r) return fail(r);
    return json::object();
  }
  if (cmd == "dtmf") {
    auto digits = f.string("digits", std::nullopt);
    if (!digits) return make_unexpected(digits.error());
    play_request p;
    p.kind = media::source_kind::dtmf;
    p.digits = *digits;
    if (auto r = ex.play(*id, p); !r) return fail(r);
    return json::object();
  }
  if (cmd == "play") return do_play(ex, f, *id);
  if (cmd == "info") {
    auto c = ex.call(*id);
    if (!c) return fail(c);
    return call_json(*c);
  }
  if (cmd == "audio") {
    auto reference = f.string("reference", std::string());
    if (!reference) return make_unexpected(reference.error());
    std::optional<std::int64_t> sent_at;
    if (f.has("sent_at_us")) {
      auto s = f.int64("sent_at_us");
      if (!s) return make_unexpected(s.error());
      sent_at = *s;
    }
    auto save = f.string("save", std::string());
    if (!save) return make_unexpected(save.error());
    auto r = ex.audio(*id, *reference, sent_at, *save);
    if (!r) return fail(r);
    return audio_json(*r);
  }
  return make_unexpected(bad_request{fmt::format("command \"{}\" has no handler", cmd)});
}

std::string error_line(const json& id, std::string_view message) {
  json j = {{"ok", false}, {"error", message}};
  if (!id.is_null()) j["id"] = id;
  return j.dump();
}

}  // namespace

std::string protocol::handle(std::string_view line) {
  json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return error_line(nullptr, "malformed JSON");
  if (!request.is_object()) return error_line(nullptr, "a request is a JSON object");
  json id = request.contains("id") ? request["id"] : json(nullptr);
  if (!request.contains("cmd") || !request["cmd"].is_string())
    return error_line(id, "\"cmd\" (a string) is required");
  auto r = dispatch(exchange_, request["cmd"].get<std::string>(), fields(request), shutdown_);
  if (!r) return error_line(id, r.error().message);
  json out = std::move(*r);
  out["ok"] = true;
  if (!id.is_null()) out["id"] = id;
  return out.dump();
}

std::string protocol::call_event_line(const call_record& call, const call_event& event) {
  json j = {{"event", event.name}, {"call", call.id.value()}, {"span", call.span},
            {"channel", call.channel}, {"state", std::string(to_string(call.state))}};
  if (event.name == "setup") {
    j["direction"] = std::string(to_string(call.direction));
    j["called"] = call.called;
    j["calling"] = call.calling;
  }
  if (event.cause) j["cause"] = cause_json(*event.cause);
  return j.dump();
}

std::string protocol::span_event_line(unsigned span, std::string_view what, std::string_view detail) {
  json j = {{"event", what}, {"span", span}};
  if (!detail.empty()) j["detail"] = detail;
  return j.dump();
}

std::string protocol::line_too_long() {
  return error_line(nullptr, fmt::format("request longer than {} bytes", max_line));
}

}  // namespace tandem::lab::pstn::control
