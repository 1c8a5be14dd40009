#pragma once
/// Routing: normalise the called number, then find the first route whose rule matches it and
/// apply the route's number edits (see docs/callagent.md, "Routing rules").
#include <optional>
#include <string>

#include "callagent/ca_config.hpp"

namespace tandem::callagent {

struct route_decision {
  const route_config* route = nullptr;
  std::string normalised;   ///< the called number after normalisation (what was matched)
  std::string called_out;   ///< called number to send out
  std::string calling_out;  ///< calling number to send out
};

/// The first normalisation rule that matches is applied (at most one).
[[nodiscard]] std::string normalise(const std::vector<normalise_rule>& rules, const std::string& called);

/// nullopt when no route matches (the caller clears with cause 1, unallocated number).
[[nodiscard]] std::optional<route_decision> find_route(const ca_config& config, const std::string& calling,
                                                       const std::string& called);

}  // namespace tandem::callagent
