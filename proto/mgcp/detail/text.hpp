#pragma once
/// Small text helpers shared by the MGCP value parsers (internal: not part of the API).
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "proto/mgcp/return_code.hpp"

namespace tandem::mgcp::detail {

constexpr bool is_wsp(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  return true;
}

inline std::string to_lower_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

inline std::string to_upper_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_upper(c);
  return out;
}

/// Trims SP and HTAB on both sides; `offset` (if given) grows by what was cut on the left.
inline std::string_view trim(std::string_view s, std::size_t* offset = nullptr) {
  std::size_t b = 0;
  while (b < s.size() && is_wsp(s[b])) ++b;
  std::size_t e = s.size();
  while (e > b && is_wsp(s[e - 1])) --e;
  if (offset) *offset += b;
  return s.substr(b, e - b);
}

inline bool all_of_hex(std::string_view s) {
  for (char c : s)
    if (!is_hex(c)) return false;
  return true;
}

/// Decimal digits only, no sign, fits T.
template <class T>
bool parse_decimal(std::string_view s, T& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

/// A failure inside one parameter value: the return code the agent answers, the byte offset
/// within the value, and a fixed description.
struct value_error {
  return_code code = return_code::protocol_error;
  std::size_t offset = 0;
  std::string_view what;
};

template <class T>
using value_result = expected<T, value_error>;

inline unexpected<value_error> fail(return_code code, std::size_t offset, std::string_view what) {
  return make_unexpected(value_error{code, offset, what});
}

/// Splits `s` at top-level commas (not inside parentheses, brackets or quoted strings),
/// calling f(item, offset_of_item) with each item trimmed. Returns false on unbalanced
/// nesting or an unterminated quote, with *bad_at set to the offending offset.
template <class F>
bool for_each_item(std::string_view s, char sep, F&& f, std::size_t* bad_at) {
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size()) {
      const char c = s[i];
      if (quoted) {
        if (c == '"') quoted = false;
        continue;
      }
      if (c == '"') { quoted = true; continue; }
      if (c == '(' || c == '[') { ++depth; continue; }
      if (c == ')' || c == ']') {
        if (--depth < 0) { *bad_at = i; return false; }
        continue;
      }
      if (c != sep || depth > 0) continue;
    } else if (quoted || depth != 0) {
      *bad_at = s.size();
      return false;
    }
    std::size_t off = start;
    std::string_view item = trim(s.substr(start, i - start), &off);
    if (!f(item, off)) return true;
    start = i + 1;
  }
  return true;
}

}  // namespace tandem::mgcp::detail
