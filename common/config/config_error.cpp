#include "common/config/config_error.hpp"

#include <fmt/format.h>

namespace tandem::config {

std::string config_error::to_string() const {
  std::string out = path.empty() ? message : fmt::format("{}: {}", path, message);
  if (line > 0) out += fmt::format(" (line {})", line);
  return out;
}

std::string to_string(const config_errors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.to_string();
  }
  return out;
}

}  // namespace tandem::config
