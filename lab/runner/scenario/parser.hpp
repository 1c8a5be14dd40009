#pragma once
/// The scenario language parser: text in, scenarios or every error found out. Sans-I/O apart
/// from parse_scenario_file(), which only reads the file. It never logs or throws; each error
/// carries the file, the line and the column of the offending word.
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "lab/runner/scenario/scenario.hpp"

namespace tandem::lab::runner {

/// One problem in a scenario file.
struct parse_error {
  std::string file;
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based; 0 when the error is about the whole line
  std::string message;

  /// "calls.scn:3:8: expected a duration such as 500ms or 2s, not \"2 seconds\"".
  [[nodiscard]] std::string to_string() const;
};

using parse_errors = std::vector<parse_error>;

/// Every error on its own line.
[[nodiscard]] std::string to_string(const parse_errors& errors);

/// Parses scenario text. `file` names the source in errors and in the scenarios.
[[nodiscard]] expected<std::vector<scenario>, parse_errors> parse_scenarios(std::string_view text,
                                                                          const std::string& file);

/// Reads and parses a file (an unreadable file is one error at line 0).
[[nodiscard]] expected<std::vector<scenario>, parse_errors> parse_scenario_file(const std::string& file);

}  // namespace tandem::lab::runner
