#pragma once
/// The `metrics` and `control` groups every daemon's configuration may carry, read with the
/// shared reader (common/config/reader.hpp) so that errors name the setting and its line:
///
///   metrics = { address = "127.0.0.1"; port = 9464; };        # absent: no metrics endpoint
///   control = { socket = "/run/tandem/mgw.ctl"; mode = "0660"; };  # absent: no control socket
///
/// Every setting is listed in docs/operations.md and docs/metrics.md.
#include <optional>
#include <string>
#include <string_view>

#include "common/config/reader.hpp"
#include "common/expected.hpp"
#include "ops/control/control_server.hpp"
#include "ops/metrics/http_server.hpp"

namespace tandem::ops {

struct ops_config {
  std::optional<metrics::http_server_config> metrics;
  std::optional<control::control_server_config> control;
};

/// Reads `metrics` and `control` from a daemon's root group. Errors are recorded in the
/// document (each with its path and line); the values then keep their defaults.
[[nodiscard]] ops_config read_ops_config(const config::node& root);

/// The same with the control group under another name (tandem-pstn already has a `control`
/// group for its JSON-lines interface; its operations socket is `ops_control`).
[[nodiscard]] ops_config read_ops_config(const config::node& root, std::string_view control_group);

/// The command-line form, for a daemon whose configuration file has no place for the groups:
///   --metrics ADDRESS:PORT   ("127.0.0.1:0", "[::1]:9464")
///   --control PATH           (absolute)
/// Applies one option and its value; an error says what is wrong with the value.
[[nodiscard]] expected<void, std::string> apply_ops_option(ops_config& config, std::string_view option,
                                                           std::string_view value);

/// Log levels from a command line (docs/logging.md): a default level, levels per subsystem, or
/// both, separated by commas: "info", "q931=debug", "warn,mgcp=debug,media=error". Nothing is
/// applied unless every item is valid; the error names the bad one.
[[nodiscard]] expected<void, std::string> apply_log_levels(std::string_view spec);

}  // namespace tandem::ops
