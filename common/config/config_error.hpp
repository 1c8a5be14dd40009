#pragma once
/// Errors found while loading a configuration file: each names the setting by its path
/// ("spans.[1].type") and the line it sits on, so an operator can go straight to it.
#include <string>
#include <vector>

namespace tandem::config {

/// One problem in a configuration file.
struct config_error {
  std::string path;  ///< setting path as libconfig writes it ("spans.[1].type"); empty: the file
  int line = 0;      ///< 1-based line in the file; 0 when unknown
  std::string message;

  /// "spans.[1].type: expected \"e1\" or \"t1\" (line 12)".
  [[nodiscard]] std::string to_string() const;
};

using config_errors = std::vector<config_error>;

/// Every error on its own line.
[[nodiscard]] std::string to_string(const config_errors& errors);

}  // namespace tandem::config
