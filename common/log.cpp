#include "common/log.hpp"

#include <syslog.h>

#include <cerrno>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>

#include "common/log_limiter.hpp"
#include "common/log_sink.hpp"

namespace tandem::log {
namespace {

/// Timestamp, level, subsystem: for stderr and files.
constexpr const char* stream_pattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v";
/// syslog stamps time and priority itself (RFC 5424 header).
constexpr const char* syslog_pattern = "[%n] %v";

spdlog::sink_ptr make_stderr() {
  auto s = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  s->set_pattern(stream_pattern);
  return s;
}

struct registry {
  std::mutex mutex;
  spdlog::level::level_enum default_level = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum, std::less<>> explicit_levels;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
  /// Every logger writes here; the sink behind it is swapped by configure().
  std::shared_ptr<spdlog::sinks::dist_sink_mt> sink =
      std::make_shared<spdlog::sinks::dist_sink_mt>(std::vector<spdlog::sink_ptr>{make_stderr()});
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
  // The pattern lives on the sinks behind the shared one (each sink kind has its own).
  auto logger = std::make_shared<spdlog::logger>(std::string(subsystem), r.sink);
  // Every line reaches the file as it is written (tail -f, a crash loses nothing); stderr is
  // unbuffered anyway.
  logger->flush_on(spdlog::level::trace);
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

// ---- sinks and settings (common/log_sink.hpp) ---------------------------------------------

std::string_view to_string(sink_kind k) {
  switch (k) {
    case sink_kind::stderr_stream: return "stderr";
    case sink_kind::file: return "file";
    case sink_kind::syslog: return "syslog";
  }
  return "stderr";
}

expected<level_spec, std::string> parse_levels(std::string_view text) {
  level_spec spec;
  if (text.empty()) return make_unexpected(std::string("empty log level"));
  while (true) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    const auto eq = item.find('=');
    const auto subsystem = eq == std::string_view::npos ? std::string_view{} : item.substr(0, eq);
    const auto name = eq == std::string_view::npos ? item : item.substr(eq + 1);
    if (eq != std::string_view::npos && subsystem.empty())
      return make_unexpected("\"" + std::string(item) + "\": a subsystem name goes before '='");
    spdlog::level::level_enum level{};
    if (!parse_level(name, level))
      return make_unexpected("\"" + std::string(item) +
                             "\": unknown level (trace, debug, info, warn, error, critical, off)");
    if (subsystem.empty()) spec.default_level = level;
    else spec.subsystems.emplace_back(std::string(subsystem), level);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return spec;
}

void apply(const level_spec& spec) {
  if (spec.default_level) set_default_level(*spec.default_level);
  for (const auto& [subsystem, level] : spec.subsystems) set_level(subsystem, level);
}

expected<log_settings, std::pair<std::string, std::string>> parse_settings(std::string_view sink,
                                                                           std::string_view path,
                                                                           std::string_view ident,
                                                                           std::string_view levels) {
  using error = std::pair<std::string, std::string>;
  log_settings s;
  if (sink == "stderr") s.sink = sink_kind::stderr_stream;
  else if (sink == "file") s.sink = sink_kind::file;
  else if (sink == "syslog") s.sink = sink_kind::syslog;
  else return make_unexpected(error{"sink", "expected \"stderr\", \"file\" or \"syslog\""});
  if (s.sink == sink_kind::file && (path.empty() || path.front() != '/'))
    return make_unexpected(error{"path", "the file sink needs an absolute path"});
  if (s.sink != sink_kind::file && !path.empty())
    return make_unexpected(error{"path", "only the file sink takes a path"});
  if (s.sink != sink_kind::syslog && !ident.empty())
    return make_unexpected(error{"ident", "only the syslog sink takes an ident"});
  s.path = std::string(path);
  s.ident = std::string(ident);
  if (!levels.empty()) {
    auto spec = parse_levels(levels);
    if (!spec) return make_unexpected(error{"levels", spec.error()});
    s.levels = std::move(*spec);
  }
  return s;
}

expected<void, std::string> configure(const log_settings& settings) {
  auto& r = instance();
  spdlog::sink_ptr next;
  switch (settings.sink) {
    case sink_kind::stderr_stream: next = make_stderr(); break;
    case sink_kind::file:
      try {
        next = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.path, false);
      } catch (const spdlog::spdlog_ex& e) {
        return make_unexpected("cannot open log file " + settings.path + ": " + e.what());
      }
      next->set_pattern(stream_pattern);
      break;
    case sink_kind::syslog: {
      // LOG_DAEMON facility; the level maps to the syslog priority (error -> LOG_ERR, ...).
      // The sink keeps its copy of the identity for openlog(3).
      const std::string ident = settings.ident.empty() ? program_invocation_short_name : settings.ident;
      next = std::make_shared<spdlog::sinks::syslog_sink_mt>(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON, true);
      next->set_pattern(syslog_pattern);
      break;
    }
  }
  r.sink->set_sinks({std::move(next)});
  apply(settings.levels);
  return {};
}

void use_stderr() { instance().sink->set_sinks({make_stderr()}); }

// ---- repeat limiter (common/log_limiter.hpp) ---------------------------------------------

repeat_limiter::repeat_limiter(std::size_t burst, std::chrono::milliseconds interval, std::size_t max_keys)
    : burst_(std::max<std::size_t>(burst, 1)), interval_(interval), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

repeat_limiter::verdict repeat_limiter::admit(std::string_view text, clock::time_point now) {
  std::lock_guard lock(mutex_);
  verdict v;
  auto it = windows_.find(text);
  if (it != windows_.end() && now - it->second.start >= interval_) {
    // The interval is over: give back what was held, start a new one with this line.
    v.suppressed = it->second.suppressed;
    v.over = std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.start);
    it->second = window{now, 0, 0};
  }
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      std::erase_if(windows_, [&](const auto& w) {
        return now - w.second.start >= interval_ && w.second.suppressed == 0;
      });
    }
    if (windows_.size() >= max_keys_) {
      v.write = true;  // untracked, never dropped
      return v;
    }
    it = windows_.emplace(std::string(text), window{now, 0, 0}).first;
  }
  window& w = it->second;
  ++w.seen;
  if (w.seen <= burst_) {
    v.write = true;
  } else {
    ++w.suppressed;
    ++total_suppressed_;
  }
  return v;
}

std::vector<repeat_limiter::held> repeat_limiter::report_expired(clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<held> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const window& w = it->second;
    if (now - w.start < interval_) {
      ++it;
      continue;
    }
    if (w.suppressed > 0)
      out.push_back({it->first, w.suppressed, std::chrono::duration_cast<std::chrono::milliseconds>(now - w.start)});
    it = windows_.erase(it);  // a quiet line's window is over: forget it
  }
  return out;
}

std::uint64_t repeat_limiter::total_suppressed() const {
  std::lock_guard lock(mutex_);
  return total_suppressed_;
}

void write_suppressed(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view text,
                      std::uint64_t suppressed, std::chrono::milliseconds over) {
  logger.log(level, "suppressed {} identical line(s) in {} ms: {}", suppressed, over.count(), text);
}

}  // namespace tandem::log
