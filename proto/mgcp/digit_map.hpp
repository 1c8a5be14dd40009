#pragma once
/// Digit maps (RFC 3435 §2.1.5, Appendix A "DigitMap").
#include <string>
#include <string_view>
#include <vector>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::mgcp {

/// A digit map: a list of digit strings, each validated against the grammar
///   DigitString = 1*(DigitPosition ["."]) ; DigitPosition = DigitMapLetter / "x" / "[" ... "]"
/// ("0T", "#xxxxxxx", "9011x.T", "[2-9]xxxxxx"). An empty list is the empty digit map ("D:").
struct digit_map {
  std::vector<std::string> patterns;
  friend bool operator==(const digit_map&, const digit_map&) = default;
};

/// Parses `5xxx` or `(0T|00T|#xxxxxxx)`; white space around items is allowed.
detail::value_result<digit_map> parse_digit_map(std::string_view text);

/// One pattern alone is written bare, several in parentheses separated by "|".
void append(std::string& out, const digit_map& map);

}  // namespace tandem::mgcp
