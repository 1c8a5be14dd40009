#pragma once
/// The three outputs of a run: a summary table for people, a JSON report for scripts, and
/// JUnit XML for CI systems (one testsuite per scenario, one testcase per call; a failed call
/// carries a <failure> with the failed step's line and what went wrong). Pure: text out.
#include <string>

#include "lab/runner/report/results.hpp"

namespace tandem::lab::runner {

/// A fixed-width table: scenario, calls, verdict, key figures; failures listed below it.
[[nodiscard]] std::string summary_table(const run_report& report);

/// The whole report as JSON (schema in docs/lab.md, "JSON report").
[[nodiscard]] std::string json_report(const run_report& report);

/// JUnit XML (the schema Jenkins, GitLab and GitHub test reporters read).
[[nodiscard]] std::string junit_report(const run_report& report);

/// Escapes text for XML character data and attribute values.
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace tandem::lab::runner
