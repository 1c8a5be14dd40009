#pragma once
/// `tandem-ca --dump-config`: the effective configuration (defaults filled in) in the syntax
/// of the configuration file, so that it can be loaded again.
#include <string>

#include "callagent/ca_config.hpp"

namespace tandem::callagent::app {

[[nodiscard]] std::string dump_config(const ca_config& config);

}  // namespace tandem::callagent::app
