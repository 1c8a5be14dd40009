#pragma once
/// Splitting one scenario line into words, and reading the typed values the language uses
/// (durations, frequencies, levels, rates). Pure functions; errors are messages the parser
/// places at the word's column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "lab/runner/scenario/scenario.hpp"

namespace tandem::lab::runner::tokens {

/// One word of a line. `quoted`: it was written "like this" (the quotes are not in `text`).
struct word {
  std::string text;
  int column = 1;  ///< 1-based column of its first character (the quote, when quoted)
  bool quoted = false;
};

/// The words of a line up to a `#` that starts a word outside quotes (a comment). "->" is a
/// word of its own even without spaces around it. Error: a quote left open (with its column).
struct split_error {
  int column = 0;
  std::string message;
};
[[nodiscard]] expected<std::vector<word>, split_error> split(std::string_view line);

/// `500ms`, `2s`, `1.5s`, `1min`. Bounds: 1 ms to 1 hour.
[[nodiscard]] expected<milliseconds, std::string> duration(std::string_view text);
/// `1020Hz`, 50 to 3900 Hz (what a G.711 channel carries and the exchange plays).
[[nodiscard]] expected<double, std::string> frequency(std::string_view text);
/// `-10dBm0`, -60 to +3 dBm0.
[[nodiscard]] expected<double, std::string> level(std::string_view text);
/// `30dB`.
[[nodiscard]] expected<double, std::string> decibels(std::string_view text);
/// `5/s`: calls per second, above 0 and at most 1000.
[[nodiscard]] expected<double, std::string> rate(std::string_view text);
/// A decimal integer in [min, max].
[[nodiscard]] expected<long, std::string> integer(std::string_view text, long min, long max);
/// DTMF digits 0-9 * # A-D, 1 to 64 of them.
[[nodiscard]] expected<std::string, std::string> dtmf_digits(std::string_view text);
/// `A:1001`: a node name (letters, digits, - _) and a number (digits, * #).
[[nodiscard]] expected<party, std::string> parse_party(std::string_view text);

}  // namespace tandem::lab::runner::tokens
