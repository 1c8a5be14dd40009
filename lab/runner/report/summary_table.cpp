#include <cmath>

#include <fmt/format.h>

#include "lab/runner/report/writers.hpp"

namespace tandem::lab::runner {

namespace {

std::string ms(std::optional<double> v) { return v ? fmt::format("{:.0f} ms", *v) : std::string("-"); }

std::string figures(const scenario_result& s) {
  if (s.stats) {
    const auto& st = *s.stats;
    return fmt::format("ASR {:.0f}%  PDD p50/p95 {:.0f}/{:.0f} ms  delay p95 {}  SNR p5 {}", st.asr * 100, st.pdd_ms.p50,
                       st.pdd_ms.p95, st.one_way_ms.count ? fmt::format("{:.1f} ms", st.one_way_ms.p95) : "-",
                       st.snr_db.count ? fmt::format("{:.1f} dB", st.snr_db.min) : "-");
  }
  if (s.calls.empty()) return "";
  const auto& c = s.calls.front();
  std::string out = fmt::format("PDD {}", ms(c.pdd_ms));
  out += c.cause ? fmt::format("  cause {}", *c.cause) : std::string("");
  if (c.sip_status) out += fmt::format("  SIP {}", *c.sip_status);
  if (!c.codec.empty()) out += fmt::format("  codec {}", c.codec);
  if (!c.one_way_ms.empty()) out += fmt::format("  delay {:.1f} ms", c.one_way_ms.front());
  if (!c.snr_db.empty())
    out += std::isfinite(c.snr_db.front()) ? fmt::format("  SNR {:.1f} dB", c.snr_db.front()) : std::string("  SNR inf");
  return out;
}

}  // namespace

std::string summary_table(const run_report& r) {
  std::size_t width = 8;
  for (const auto& s : r.scenarios) width = std::max(width, s.name.size());
  width = std::min<std::size_t>(width, 48);
  std::string out = fmt::format("{:<{}}  {:>7}  {:<6}  {}\n", "scenario", width, "calls", "result", "figures");
  out += fmt::format("{:-<{}}  {:->7}  {:-<6}  {:-<40}\n", "", width, "", "", "");
  unsigned passed = 0;
  for (const auto& s : r.scenarios) {
    unsigned ok = 0;
    for (const auto& c : s.calls) ok += c.passed() ? 1 : 0;
    passed += s.passed() ? 1 : 0;
    out += fmt::format("{:<{}}  {:>7}  {:<6}  {}\n", s.name.substr(0, width), width,
                       fmt::format("{}/{}", ok, s.calls.size()), s.passed() ? "PASS" : "FAIL",
                       s.error.empty() ? figures(s) : s.error);
  }
  out += fmt::format("{} of {} scenarios passed\n", passed, r.scenarios.size());
  // The first failed step of each failed call, so that nobody has to open the JSON.
  std::string failures;
  for (const auto& s : r.scenarios) {
    std::size_t shown = 0;
    for (const auto& c : s.calls) {
      if (c.passed()) continue;
      if (++shown > 5) {
        failures += fmt::format("  {}: ... more failed calls in the JSON report\n", s.name);
        break;
      }
      auto f = c.failure();
      failures += fmt::format("  {}{} ({}:{}): {}\n", s.name, s.calls.size() > 1 ? fmt::format(" #{}", c.index) : "",
                              s.file, s.line, f.empty() ? "not completed" : f);
    }
    if (s.stats && !s.stats->failures.empty()) {
      failures += fmt::format("  {}: failures by reason:", s.name);
      for (const auto& [why, n] : s.stats->failures) failures += fmt::format(" {} x{};", why, n);
      failures += "\n";
    }
  }
  if (!failures.empty()) out += "\nFailures:\n" + failures;
  if (!r.error.empty()) out += "\nLab error: " + r.error + "\n";
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace tandem::lab::runner
