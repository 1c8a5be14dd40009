#pragma once
/// Where log lines go (docs/logging.md): every subsystem logger of common/log.hpp writes
/// through one shared sink, chosen by the daemon's configuration (its `log` group): stderr (the
/// default; the journal under systemd), a file opened for appending, or syslog(3). Changing the
/// sink applies to the loggers already created. Implemented in common/log.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/common.h>

#include "common/expected.hpp"

namespace tandem::log {

enum class sink_kind { stderr_stream, file, syslog };
[[nodiscard]] std::string_view to_string(sink_kind k);

/// Levels as written in a `levels` setting or on `--log-level`: a default level, levels per
/// subsystem, or both, separated by commas ("info", "q931=debug", "warn,mgcp=debug").
struct level_spec {
  std::optional<spdlog::level::level_enum> default_level;
  std::vector<std::pair<std::string, spdlog::level::level_enum>> subsystems;
};
/// Errors name the bad item. An empty text is an error.
[[nodiscard]] expected<level_spec, std::string> parse_levels(std::string_view text);
/// Applies a parsed spec (the default level first, then each subsystem).
void apply(const level_spec& spec);

/// A daemon's `log` group: `sink` ("stderr", "file", "syslog"), `path` (file), `ident`
/// (syslog; default the daemon's name), `levels` (level_spec text).
struct log_settings {
  sink_kind sink = sink_kind::stderr_stream;
  std::string path;   ///< file sink: absolute path, opened for appending (the umask sets the mode)
  std::string ident;  ///< syslog identity; "" = the program name
  level_spec levels;  ///< empty: the levels stay as they are (info by default)
};

/// Checks the text values of a `log` group. The error is {setting name, message}.
[[nodiscard]] expected<log_settings, std::pair<std::string, std::string>> parse_settings(
    std::string_view sink, std::string_view path, std::string_view ident, std::string_view levels);

/// Switches every logger to the sink and applies the levels. Errors: the file cannot be opened
/// (the text names it and the reason); the previous sink stays.
[[nodiscard]] expected<void, std::string> configure(const log_settings& settings);

/// Back to stderr (tests, and a daemon's last words after the file is gone).
void use_stderr();

}  // namespace tandem::log
