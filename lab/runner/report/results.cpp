#include "lab/runner/report/results.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tandem::lab::runner {

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::passed: return "passed";
    case verdict::failed: return "failed";
    case verdict::skipped: return "skipped";
  }
  return "?";
}

bool call_result::passed() const {
  if (steps.empty()) return false;
  return std::none_of(steps.begin(), steps.end(), [](const step_result& s) { return s.outcome != verdict::passed; });
}

std::string call_result::failure() const {
  for (const auto& s : steps)
    if (s.outcome == verdict::failed) return fmt::format("line {}: {}: {}", s.line, s.statement, s.detail);
  return {};
}

distribution distribution_of(std::vector<double> v) {
  distribution d;
  d.count = v.size();
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p % of the samples at or below it.
  auto rank = [&](double p) {
    auto r = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(r, 1, v.size()) - 1];
  };
  d.min = v.front();
  d.max = v.back();
  d.p50 = rank(50);
  d.p90 = rank(90);
  d.p95 = rank(95);
  d.p99 = rank(99);
  return d;
}

load_stats compute_load_stats(const std::vector<call_result>& calls) {
  load_stats s;
  std::vector<double> pdd, delay, snr;
  for (const auto& c : calls) {
    ++s.attempted;
    if (c.answered) ++s.answered;
    if (c.pdd_ms) pdd.push_back(*c.pdd_ms);
    delay.insert(delay.end(), c.one_way_ms.begin(), c.one_way_ms.end());
    for (double x : c.snr_db)
      if (std::isfinite(x)) snr.push_back(x);
    if (c.passed()) continue;
    std::string reason;
    if (!c.answered && c.cause) reason = fmt::format("cause {} ({})", *c.cause, c.cause_text);
    else if (auto f = std::find_if(c.steps.begin(), c.steps.end(), [](const step_result& r) { return r.outcome == verdict::failed; });
             f != c.steps.end())
      reason = fmt::format("check failed at line {}", f->line);
    else
      reason = "not completed";
    ++s.failures[reason];
  }
  s.asr = s.attempted == 0 ? 0.0 : static_cast<double>(s.answered) / s.attempted;
  s.pdd_ms = distribution_of(pdd);
  s.one_way_ms = distribution_of(delay);
  s.snr_db = distribution_of(snr);
  return s;
}

bool scenario_result::passed() const {
  if (!error.empty() || calls.empty()) return false;
  return std::all_of(calls.begin(), calls.end(), [](const call_result& c) { return c.passed(); });
}

bool run_report::passed() const {
  if (!error.empty() || scenarios.empty()) return false;
  return std::all_of(scenarios.begin(), scenarios.end(), [](const scenario_result& s) { return s.passed(); });
}

}  // namespace tandem::lab::runner
