#pragma once
/// Number matching and manipulation for routing and normalisation.
///
/// Pattern syntax (whole-number match, the dial-plan notation telecom engineers know):
///   0-9 * #   that character
///   X         any digit 0-9
///   Z         any digit 1-9
///   N         any digit 2-9
///   [1-5,7]   one digit from the set (ranges and single digits, comma separated)
///   .         one or more further characters (last in the pattern only)
///   !         zero or more further characters (last in the pattern only)
/// A prefix rule matches any number that starts with its digits.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/ca_config.hpp"

namespace tandem::callagent {

/// Why a pattern or a number list did not parse: the offset and a fixed reason.
struct rule_error {
  std::size_t position = 0;
  std::string_view reason;
};

/// Checks a pattern; the matcher treats a bad pattern as matching nothing.
std::optional<rule_error> check_pattern(std::string_view pattern);

/// True when `number` matches `pattern` as a whole.
bool matches_pattern(std::string_view pattern, std::string_view number);

/// True when `number` matches the rule (prefix or pattern).
bool matches(match_kind kind, std::string_view match, std::string_view number);

/// Strips then prepends (a strip longer than the number leaves only the prepend).
std::string edit_number(const number_edit& edit, std::string_view number);

/// True when every character is 0-9, * or #, after an optional leading "+".
bool is_dialable(std::string_view number);

/// Parses a channel list "1-15,17-31" (ranges inclusive, values 1..max).
expected<std::vector<unsigned>, rule_error> parse_channel_list(std::string_view text, unsigned max);

}  // namespace tandem::callagent
