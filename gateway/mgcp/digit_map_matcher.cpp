#include "gateway/mgcp/digit_map_matcher.hpp"

#include <bitset>

namespace tandem::gateway::mgcp {

namespace {

constexpr char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

/// One position of a pattern: the characters it takes, and whether "." follows.
struct position {
  std::bitset<128> accepts;
  bool repeat = false;
};

std::vector<position> compile(std::string_view pattern) {
  std::vector<position> out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '.') {
      if (!out.empty()) out.back().repeat = true;
      continue;
    }
    position p;
    if (c == 'x' || c == 'X') {
      for (char d = '0'; d <= '9'; ++d) p.accepts.set(static_cast<unsigned char>(d));
    } else if (c == '[') {
      const std::size_t close = pattern.find(']', i);
      const std::string_view body = pattern.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1);
      for (std::size_t k = 0; k < body.size(); ++k) {
        if (k + 2 < body.size() && body[k + 1] == '-') {
          for (char d = body[k]; d <= body[k + 2]; ++d) p.accepts.set(static_cast<unsigned char>(upper(d)));
          k += 2;
        } else if (body[k] == 'x' || body[k] == 'X') {
          for (char d = '0'; d <= '9'; ++d) p.accepts.set(static_cast<unsigned char>(d));
        } else {
          p.accepts.set(static_cast<unsigned char>(upper(body[k])));
        }
      }
      i = close == std::string_view::npos ? pattern.size() : close;
    } else {
      p.accepts.set(static_cast<unsigned char>(upper(c)));
    }
    out.push_back(p);
  }
  return out;
}

/// Adds the states reachable without input: a repeated position may be skipped.
std::vector<bool> closure(const std::vector<position>& ps, std::vector<bool> states) {
  for (std::size_t i = 0; i < ps.size(); ++i)
    if (states[i] && ps[i].repeat) states[i + 1] = true;
  return states;
}

}  // namespace

digit_map_match match_digit_map(const tandem::mgcp::digit_map& map, std::string_view dialed) {
  digit_map_match result;
  for (const auto& pattern : map.patterns) {
    const auto ps = compile(pattern);
    std::vector<bool> states(ps.size() + 1, false);
    states[0] = true;
    states = closure(ps, states);
    for (char raw : dialed) {
      const auto c = static_cast<unsigned char>(upper(raw));
      std::vector<bool> next(ps.size() + 1, false);
      for (std::size_t i = 0; i < ps.size(); ++i) {
        if (!states[i] || c >= 128 || !ps[i].accepts.test(c)) continue;
        next[ps[i].repeat ? i : i + 1] = true;
      }
      states = closure(ps, next);
    }
    if (states[ps.size()]) result.full = true;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      if (!states[i]) continue;
      result.partial = true;
      if (ps[i].accepts.test('T')) result.timer_next = true;
    }
  }
  return result;
}

}  // namespace tandem::gateway::mgcp
