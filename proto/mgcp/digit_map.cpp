#include "proto/mgcp/digit_map.hpp"

namespace tandem::mgcp {

using detail::fail;

namespace {

/// DigitMapLetter: DIGIT / "#" / "*" / "A".."D" / "T" / "X" / ExtensionDigitMapLetter, where the
/// extension letters are the remaining upper/lower-case letters (RFC 3435 Appendix A).
bool is_letter(char c) { return detail::is_digit(c) || c == '#' || c == '*' || detail::is_alpha(c); }

detail::value_result<std::string> check_pattern(std::string_view p, std::size_t base) {
  if (p.empty()) return fail(return_code::protocol_error, base, "empty digit string in digit map");
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '.') {
      if (i == 0 || p[i - 1] == '.')
        return fail(return_code::protocol_error, base + i, "\".\" without a digit position");
      continue;
    }
    if (c == '[') {
      const std::size_t close = p.find(']', i);
      if (close == std::string_view::npos || close == i + 1)
        return fail(return_code::protocol_error, base + i, "bad range in digit map");
      for (std::size_t j = i + 1; j < close; ++j) {
        const char r = p[j];
        if (r == '-') {
          if (j == i + 1 || j + 1 == close || !detail::is_digit(p[j - 1]) || !detail::is_digit(p[j + 1]) ||
              p[j - 1] > p[j + 1])
            return fail(return_code::protocol_error, base + j, "bad digit range in digit map");
          continue;
        }
        if (!is_letter(r)) return fail(return_code::protocol_error, base + j, "bad character in digit map range");
      }
      i = close;
      continue;
    }
    if (!is_letter(c)) return fail(return_code::protocol_error, base + i, "bad character in digit map");
  }
  return std::string(p);
}

}  // namespace

detail::value_result<digit_map> parse_digit_map(std::string_view text) {
  digit_map map;
  std::size_t base = 0;
  text = detail::trim(text, &base);
  if (text.empty()) return map;
  if (text.front() != '(') {
    auto p = check_pattern(text, base);
    if (!p) return make_unexpected(p.error());
    map.patterns.push_back(std::move(*p));
    return map;
  }
  if (text.back() != ')') return fail(return_code::protocol_error, base + text.size(), "digit map without closing )");
  const std::string_view inner = text.substr(1, text.size() - 2);
  std::size_t start = 0;
  for (std::size_t i = 0; i <= inner.size(); ++i) {
    if (i < inner.size() && inner[i] != '|') continue;
    std::size_t off = base + 1 + start;
    auto p = check_pattern(detail::trim(inner.substr(start, i - start), &off), off);
    if (!p) return make_unexpected(p.error());
    map.patterns.push_back(std::move(*p));
    start = i + 1;
  }
  return map;
}

void append(std::string& out, const digit_map& map) {
  if (map.patterns.size() == 1) {
    out += map.patterns.front();
    return;
  }
  if (map.patterns.empty()) return;
  out += '(';
  for (std::size_t i = 0; i < map.patterns.size(); ++i) {
    if (i) out += '|';
    out += map.patterns[i];
  }
  out += ')';
}

}  // namespace tandem::mgcp
