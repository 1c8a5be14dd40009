#pragma once
/// A repeat limiter for log lines on hot paths (docs/logging.md): N identical lines per
/// interval, then one "suppressed K" line. Implemented in common/log.cpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace tandem::log {

/// Lets at most `burst` identical lines through per `interval`, then holds the rest and counts
/// them; the first identical line after the interval (or report_expired()) gives the count
/// back so that one "suppressed K" line is written. Lines are identical when their text is.
/// Sans-I/O: time is given by the caller. Thread-safe (one mutex).
///
/// At most `max_keys` distinct lines are tracked; past that, expired entries are forgotten
/// and, if none has expired, a new line is let through untracked: never dropped silently.
class repeat_limiter {
 public:
  using clock = std::chrono::steady_clock;
  repeat_limiter(std::size_t burst, std::chrono::milliseconds interval, std::size_t max_keys = 1024);

  struct verdict {
    bool write = false;             ///< write this line
    std::uint64_t suppressed = 0;   ///< lines held since the last written one (write them as a count first)
    std::chrono::milliseconds over{0};  ///< the span those held lines came in
  };
  /// Decides for one line.
  verdict admit(std::string_view text, clock::time_point now);

  struct held {
    std::string text;
    std::uint64_t suppressed = 0;
    std::chrono::milliseconds over{0};
  };
  /// Lines whose interval has passed with lines held: their counts, once (a daemon calls it
  /// from a timer so that a burst that stopped is still reported).
  std::vector<held> report_expired(clock::time_point now);

  /// Lines held in all, since construction (tests, counters).
  [[nodiscard]] std::uint64_t total_suppressed() const;

 private:
  struct window {
    clock::time_point start;
    std::uint64_t seen = 0;
    std::uint64_t suppressed = 0;
  };
  std::size_t burst_;
  std::chrono::milliseconds interval_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::map<std::string, window, std::less<>> windows_;
  std::uint64_t total_suppressed_ = 0;
};

/// Writes "suppressed K identical lines in N ms: <text>" for a count the limiter gave back.
void write_suppressed(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view text,
                      std::uint64_t suppressed, std::chrono::milliseconds over);

/// Logs through a limiter: nothing is formatted when the level is off.
///   log::limited(*log_, limiter_, spdlog::level::warn, now, "span {}: frame rejected ({})", s, why);
template <class... Args>
void limited(spdlog::logger& logger, repeat_limiter& limiter, spdlog::level::level_enum level,
             repeat_limiter::clock::time_point now, fmt::format_string<Args...> format, Args&&... args) {
  if (!logger.should_log(level)) return;
  const std::string text = fmt::format(format, std::forward<Args>(args)...);
  const auto v = limiter.admit(text, now);
  if (v.suppressed > 0) write_suppressed(logger, level, text, v.suppressed, v.over);
  if (v.write) logger.log(level, "{}", text);
}

}  // namespace tandem::log
