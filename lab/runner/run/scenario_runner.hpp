#pragma once
/// Runs scenarios against a lab: checks that each names nodes and media the lab has, then
/// steps its calls (one after another for repeats; scheduled by load_scheduler in load mode)
/// until every call finished. Progress lines go to `out`.
///
/// Threads: one owner (the runner's main thread).
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "lab/runner/driver/lab_driver.hpp"
#include "lab/runner/report/results.hpp"
#include "lab/runner/run/call_run.hpp"
#include "lab/runner/scenario/scenario.hpp"
#include "lab/runner/topology/lab_config.hpp"

namespace tandem::lab::runner {

/// Problems of a scenario against a lab (unknown node, media not in the lab), each as
/// "file:line: message"; empty when it fits.
[[nodiscard]] std::vector<std::string> check_against_lab(const scenario& s, const lab_config& lab);

struct run_options {
  /// Overrides the scenarios' own load line (command line --load N,R,C).
  std::optional<load_spec> load;
  media_tolerances tolerances;
  std::function<bool()> interrupted = [] { return false; };
};

[[nodiscard]] scenario_result run_scenario(const scenario& s, const lab_config& lab, lab_driver& driver,
                                           const run_options& options, std::ostream& out);

}  // namespace tandem::lab::runner
