#pragma once
/// Commands every daemon offers: help, version, log level, counters (docs/ctl.md).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/counters.hpp"
#include "ops/control/command_registry.hpp"

namespace tandem::ops::control {

/// Every counter with its full name and value.
using counters_source = std::function<std::vector<std::pair<std::string, std::uint64_t>>()>;

struct builtin_context {
  std::string daemon;   ///< "tandem-mgw"
  std::string version;  ///< empty: the project version Tandem was built as
  counters_source counters;
};

/// A counters_source over these sets (which must outlive the registry).
[[nodiscard]] counters_source counters_of(std::vector<const counter_set*> sets);

/// Registers `help [command...]`, `version`, `log level <subsystem> <level>` and
/// `counters [prefix]`. `log level default <level>` sets the level of every subsystem without
/// a level of its own.
void add_builtin_commands(command_registry& registry, builtin_context context);

}  // namespace tandem::ops::control
