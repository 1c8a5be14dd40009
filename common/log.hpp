#pragma once
/// Logging: one named spdlog logger per subsystem ("mgcp", "media", "tdm", "codec", "q931",
/// "sip", "ca", "lab", ...), created on first use with the default sink and level.
///
/// Every log line carries its context (endpoint, connection, call) in its text. Nothing on the
/// media path logs above debug.
#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

namespace tandem::log {

/// The logger of a subsystem. Thread-safe; cache the pointer in long-lived objects.
std::shared_ptr<spdlog::logger> get(std::string_view subsystem);

/// Level for every subsystem that has no level of its own, now and for those created later.
void set_default_level(spdlog::level::level_enum level);

/// Level of one subsystem.
void set_level(std::string_view subsystem, spdlog::level::level_enum level);

/// Parses "trace", "debug", "info", "warn", "error", "critical", "off".
bool parse_level(std::string_view text, spdlog::level::level_enum& level);

}  // namespace tandem::log
