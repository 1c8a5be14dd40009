#pragma once
/// What a run produced: per call, the verdict of every step; per scenario, its calls and (in
/// load mode) the statistics; per run, the scenarios and remarks. The report writers (summary
/// table, JSON, JUnit XML) read only these structs.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tandem::lab::runner {

enum class verdict { passed, failed, skipped };

[[nodiscard]] std::string_view to_string(verdict v);

/// One step of one call.
struct step_result {
  int line = 0;
  std::string statement;
  verdict outcome = verdict::skipped;
  std::string detail;  ///< what was seen (passed) or what went wrong (failed)
  double at_ms = 0;    ///< when the step ended, from the start of the call
};

/// One call (one repetition, or one call of a load run).
struct call_result {
  unsigned index = 0;  ///< 1-based
  std::vector<step_result> steps;
  bool answered = false;
  /// Post-dial delay: SETUP sent to ALERTING (or CONNECT when there was no ALERTING).
  std::optional<double> pdd_ms;
  /// The caller's clearing cause (Q.850).
  std::optional<int> cause;
  std::string cause_text;
  std::vector<double> one_way_ms;  ///< marker / file delays measured in this call
  std::vector<double> snr_db;      ///< and their SNR
  std::string codec;               ///< from the call agent's record, when a step read it
  std::optional<int> sip_status;   ///< a SIP caller's final response (RFC 3261 §21)
  double duration_ms = 0;

  [[nodiscard]] bool passed() const;
  /// The first failed step's line and detail, or empty.
  [[nodiscard]] std::string failure() const;
};

/// Percentiles of a sample set (nearest rank).
struct distribution {
  std::size_t count = 0;
  double min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};

[[nodiscard]] distribution distribution_of(std::vector<double> samples);

/// Load-mode figures of a scenario.
struct load_stats {
  unsigned calls = 0;
  double rate_per_s = 0;
  unsigned max_concurrent = 0;
  unsigned attempted = 0;
  unsigned answered = 0;
  double asr = 0;  ///< answer-seizure ratio: answered / attempted (ITU-T E.411)
  distribution pdd_ms;
  distribution one_way_ms;
  distribution snr_db;
  unsigned peak_concurrent = 0;
  double elapsed_s = 0;
  /// Failed calls by reason: "cause 17 (user busy)", "check failed at line 7", ...
  std::map<std::string, unsigned> failures;
};

[[nodiscard]] load_stats compute_load_stats(const std::vector<call_result>& calls);

struct scenario_result {
  std::string name;
  std::string file;
  int line = 0;
  bool load = false;
  std::vector<call_result> calls;
  std::optional<load_stats> stats;
  /// A scenario that could not run at all (unknown node, lab down), with why.
  std::string error;

  [[nodiscard]] bool passed() const;
};

struct run_report {
  std::string lab;
  std::string lab_file;
  std::string run_dir;
  std::string started_at;  ///< ISO 8601, local time
  double elapsed_s = 0;
  std::vector<scenario_result> scenarios;
  std::vector<std::string> notes;
  /// The lab did not come up (or failed while running), with why.
  std::string error;

  [[nodiscard]] bool passed() const;
};

}  // namespace tandem::lab::runner
