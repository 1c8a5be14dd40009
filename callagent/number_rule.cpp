#include "callagent/number_rule.hpp"

#include <charconv>

namespace tandem::callagent {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_dial_char(char c) { return is_digit(c) || c == '*' || c == '#'; }

/// Parses "[...]" starting at `pattern[i] == '['`; on success `set` holds the allowed digits
/// and `end` the offset after ']'.
std::optional<rule_error> parse_set(std::string_view pattern, std::size_t i, std::string& set,
                                    std::size_t& end) {
  std::size_t j = i + 1;
  set.clear();
  while (j < pattern.size() && pattern[j] != ']') {
    const char lo = pattern[j];
    if (lo == ',') { ++j; continue; }
    if (!is_dial_char(lo)) return rule_error{j, "expected a digit in [...]"};
    if (j + 2 < pattern.size() && pattern[j + 1] == '-') {
      const char hi = pattern[j + 2];
      if (!is_digit(lo) || !is_digit(hi) || hi < lo) return rule_error{j, "bad range in [...]"};
      for (char c = lo; c <= hi; ++c) set.push_back(c);
      j += 3;
    } else {
      set.push_back(lo);
      ++j;
    }
  }
  if (j >= pattern.size()) return rule_error{i, "unterminated ["};
  if (set.empty()) return rule_error{i, "empty [...]"};
  end = j + 1;
  return std::nullopt;
}

}  // namespace

std::optional<rule_error> check_pattern(std::string_view pattern) {
  if (pattern.empty()) return rule_error{0, "empty pattern"};
  for (std::size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '.' || c == '!') {
      if (i + 1 != pattern.size()) return rule_error{i, "'.' and '!' must end the pattern"};
      ++i;
    } else if (c == '[') {
      std::string set;
      std::size_t end = 0;
      if (auto e = parse_set(pattern, i, set, end)) return e;
      i = end;
    } else if (is_dial_char(c) || c == 'X' || c == 'Z' || c == 'N' || c == 'x' || c == 'z' ||
               c == 'n') {
      ++i;
    } else {
      return rule_error{i, "unexpected character in pattern"};
    }
  }
  return std::nullopt;
}

bool matches_pattern(std::string_view pattern, std::string_view number) {
  if (check_pattern(pattern)) return false;
  std::size_t n = 0;
  for (std::size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '.') return n < number.size();
    if (c == '!') return true;
    if (n >= number.size()) return false;
    const char d = number[n];
    if (c == '[') {
      std::string set;
      std::size_t end = 0;
      parse_set(pattern, i, set, end);
      if (set.find(d) == std::string::npos) return false;
      i = end;
    } else {
      bool ok = false;
      switch (c) {
        case 'X': case 'x': ok = is_digit(d); break;
        case 'Z': case 'z': ok = d >= '1' && d <= '9'; break;
        case 'N': case 'n': ok = d >= '2' && d <= '9'; break;
        default: ok = c == d; break;
      }
      if (!ok) return false;
      ++i;
    }
    ++n;
  }
  return n == number.size();
}

bool matches(match_kind kind, std::string_view match, std::string_view number) {
  if (kind == match_kind::prefix) return number.substr(0, match.size()) == match;
  return matches_pattern(match, number);
}

std::string edit_number(const number_edit& edit, std::string_view number) {
  std::string out = edit.prepend;
  if (edit.strip < number.size()) out.append(number.substr(edit.strip));
  return out;
}

bool is_dialable(std::string_view number) {
  // E.164 written with its international prefix ("+44...") is dialable too.
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  for (char c : number)
    if (!is_dial_char(c)) return false;
  return true;
}

expected<std::vector<unsigned>, rule_error> parse_channel_list(std::string_view text, unsigned max) {
  std::vector<unsigned> out;
  std::size_t pos = 0;
  if (text.empty()) return make_unexpected(rule_error{0, "empty channel list"});
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') { item.remove_prefix(1); ++pos; }
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto read = [&](std::string_view s, unsigned& v) {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      return ec == std::errc{} && p == s.data() + s.size() && v >= 1 && v <= max;
    };
    unsigned lo = 0;
    unsigned hi = 0;
    const std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!read(item, lo)) return make_unexpected(rule_error{pos, "expected a channel number in range"});
      hi = lo;
    } else if (!read(item.substr(0, dash), lo) || !read(item.substr(dash + 1), hi) || hi < lo) {
      return make_unexpected(rule_error{pos, "expected a range low-high of channel numbers"});
    }
    for (unsigned v = lo; v <= hi; ++v) {
      for (unsigned seen : out)
        if (seen == v) return make_unexpected(rule_error{pos, "channel listed twice"});
      out.push_back(v);
    }
    pos = comma + 1;
    if (comma == text.size()) break;
  }
  return out;
}

}  // namespace tandem::callagent
