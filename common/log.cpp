#include "common/log.hpp"

#include <map>
#include <mutex>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tandem::log {
namespace {

struct registry {
  std::mutex mutex;
  spdlog::level::level_enum default_level = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum, std::less<>> explicit_levels;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
  spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
};

registry& instance() {
  static registry r;
  return r;
}

}  // namespace

std::shared_ptr<spdlog::logger> get(std::string_view subsystem) {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  if (auto it = r.loggers.find(subsystem); it != r.loggers.end()) return it->second;
  auto logger = std::make_shared<spdlog::logger>(std::string(subsystem), r.sink);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  auto level = r.explicit_levels.find(subsystem);
  logger->set_level(level != r.explicit_levels.end() ? level->second : r.default_level);
  r.loggers.emplace(std::string(subsystem), logger);
  return logger;
}

void set_default_level(spdlog::level::level_enum level) {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  r.default_level = level;
  for (auto& [name, logger] : r.loggers)
    if (!r.explicit_levels.contains(name)) logger->set_level(level);
}

void set_level(std::string_view subsystem, spdlog::level::level_enum level) {
  auto& r = instance();
  std::lock_guard lock(r.mutex);
  r.explicit_levels[std::string(subsystem)] = level;
  if (auto it = r.loggers.find(subsystem); it != r.loggers.end()) it->second->set_level(level);
}

bool parse_level(std::string_view text, spdlog::level::level_enum& level) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> names[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
      {"off", spdlog::level::off}};
  for (const auto& [name, value] : names) {
    if (name == text) {
      level = value;
      return true;
    }
  }
  return false;
}

}  // namespace tandem::log
