#include <cmath>

#include <nlohmann/json.hpp>

#include "lab/runner/report/writers.hpp"

namespace tandem::lab::runner {

namespace {

using json = nlohmann::json;

/// JSON has no infinity: a bit-exact SNR is written as the string "inf".
json number(double v) {
  if (std::isfinite(v)) return std::round(v * 100) / 100;
  return v > 0 ? json("inf") : json("-inf");
}

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

json dist(const distribution& d) {
  return {{"count", d.count}, {"min", number(d.min)}, {"p50", number(d.p50)}, {"p90", number(d.p90)},
          {"p95", number(d.p95)}, {"p99", number(d.p99)}, {"max", number(d.max)}};
}

json call_json(const call_result& c) {
  json steps = json::array();
  for (const auto& s : c.steps)
    steps.push_back({{"line", s.line}, {"statement", s.statement}, {"result", std::string(to_string(s.outcome))},
                     {"detail", s.detail}, {"at_ms", number(s.at_ms)}});
  json j = {{"index", c.index},       {"passed", c.passed()},          {"answered", c.answered},
            {"steps", steps},         {"one_way_ms", numbers(c.one_way_ms)}, {"snr_db", numbers(c.snr_db)},
            {"duration_ms", number(c.duration_ms)},
            {"codec", c.codec},
            {"sip_status", c.sip_status ? json(*c.sip_status) : json(nullptr)}};
  j["pdd_ms"] = c.pdd_ms ? number(*c.pdd_ms) : json(nullptr);
  j["cause"] = c.cause ? json{{"value", *c.cause}, {"text", c.cause_text}} : json(nullptr);
  if (!c.passed()) j["failure"] = c.failure();
  return j;
}

}  // namespace

std::string json_report(const run_report& r) {
  json scenarios = json::array();
  for (const auto& s : r.scenarios) {
    json calls = json::array();
    for (const auto& c : s.calls) calls.push_back(call_json(c));
    json j = {{"name", s.name}, {"file", s.file}, {"line", s.line}, {"passed", s.passed()},
              {"load", s.load}, {"calls", calls}};
    if (!s.error.empty()) j["error"] = s.error;
    if (s.stats) {
      const auto& st = *s.stats;
      json failures = json::object();
      for (const auto& [why, n] : st.failures) failures[why] = n;
      j["load_stats"] = {{"calls", st.calls},
                         {"rate_per_s", st.rate_per_s},
                         {"max_concurrent", st.max_concurrent},
                         {"attempted", st.attempted},
                         {"answered", st.answered},
                         {"asr", number(st.asr)},
                         {"pdd_ms", dist(st.pdd_ms)},
                         {"one_way_ms", dist(st.one_way_ms)},
                         {"snr_db", dist(st.snr_db)},
                         {"peak_concurrent", st.peak_concurrent},
                         {"elapsed_s", number(st.elapsed_s)},
                         {"failures", failures}};
    }
    scenarios.push_back(j);
  }
  json out = {{"tool", "tandem-lab"},     {"lab", r.lab},          {"lab_file", r.lab_file},
              {"run_dir", r.run_dir},     {"started_at", r.started_at}, {"elapsed_s", number(r.elapsed_s)},
              {"passed", r.passed()},     {"scenarios", scenarios}, {"notes", r.notes}};
  if (!r.error.empty()) out["error"] = r.error;
  return out.dump(2) + "\n";
}

}  // namespace tandem::lab::runner
