#include <fmt/format.h>

#include "lab/runner/report/writers.hpp"

namespace tandem::lab::runner {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 §2.2 forbids most control characters even when escaped: drop them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

namespace {

std::string steps_text(const call_result& c) {
  std::string out;
  for (const auto& s : c.steps)
    out += fmt::format("{:>4} {:<7} {}{}\n", s.line, to_string(s.outcome), s.statement,
                       s.detail.empty() ? std::string() : " -- " + s.detail);
  return out;
}

}  // namespace

std::string junit_report(const run_report& r) {
  unsigned tests = 0, failures = 0, errors = 0;
  std::string suites;
  for (const auto& s : r.scenarios) {
    unsigned st = 0, sf = 0, se = 0;
    double seconds = 0;
    std::string cases;
    const std::string classname = xml_escape(fmt::format("{}.{}", r.lab, s.name));
    if (!s.error.empty()) {
      ++st;
      ++se;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n      <error message=\"{}\"/>\n    </testcase>\n",
                           classname, xml_escape(s.name), xml_escape(s.error));
    }
    for (const auto& c : s.calls) {
      ++st;
      const double t = c.duration_ms / 1000.0;
      seconds += t;
      const auto name = s.calls.size() == 1 ? s.name : fmt::format("{} #{}", s.name, c.index);
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n", classname, xml_escape(name), t);
      if (!c.passed()) {
        ++sf;
        auto message = c.failure();
        if (message.empty()) message = "not completed";
        cases += fmt::format("      <failure message=\"{}\" type=\"check\">{}</failure>\n", xml_escape(message),
                             xml_escape(steps_text(c)));
      } else {
        cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(steps_text(c)));
      }
      cases += "    </testcase>\n";
    }
    tests += st;
    failures += sf;
    errors += se;
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\" "
                          "file=\"{}\">\n{}  </testsuite>\n",
                          xml_escape(s.name), st, sf, se, seconds, xml_escape(fmt::format("{}:{}", s.file, s.line)), cases);
  }
  if (!r.error.empty()) {
    ++tests;
    ++errors;
    suites += fmt::format("  <testsuite name=\"lab\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n"
                          "    <testcase classname=\"{}\" name=\"lab up\" time=\"0\">\n      <error message=\"{}\"/>\n"
                          "    </testcase>\n  </testsuite>\n",
                          xml_escape(r.lab), xml_escape(r.error));
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"tandem-lab {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n{}"
                     "</testsuites>\n",
                     xml_escape(r.lab), tests, failures, errors, r.elapsed_s, suites);
}

}  // namespace tandem::lab::runner
