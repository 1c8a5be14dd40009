#include "lab/runner/scenario/tokens.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace tandem::lab::runner::tokens {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/// A decimal number (optional sign, optional fraction) at the start of `text`, followed by
/// exactly `unit`. nullopt when the shape does not match.
std::optional<double> number_with_unit(std::string_view text, std::string_view unit) {
  if (text.size() <= unit.size() || text.substr(text.size() - unit.size()) != unit) return std::nullopt;
  auto digits = text.substr(0, text.size() - unit.size());
  std::size_t i = 0;
  if (i < digits.size() && (digits[i] == '-' || digits[i] == '+')) ++i;
  bool seen_digit = false;
  bool seen_dot = false;
  for (; i < digits.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(digits[i])) != 0) {
      seen_digit = true;
    } else if (digits[i] == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  // std::from_chars for double is in GCC 12's libstdc++; it rejects a leading '+'.
  if (digits.front() == '+') digits.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

expected<std::vector<word>, split_error> split(std::string_view line) {
  std::vector<word> out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (is_space(line[i])) {
      ++i;
      continue;
    }
    const int column = static_cast<int>(i) + 1;
    if (line[i] == '#') break;  // a comment runs to the end of the line
    if (line[i] == '"') {
      auto close = line.find('"', i + 1);
      if (close == std::string_view::npos)
        return make_unexpected(split_error{column, "this quote is never closed"});
      out.push_back({std::string(line.substr(i + 1, close - i - 1)), column, true});
      i = close + 1;
      continue;
    }
    if (line.substr(i, 2) == "->") {
      out.push_back({"->", column, false});
      i += 2;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && !is_space(line[end]) && line[end] != '"' && line.substr(end, 2) != "->") ++end;
    out.push_back({std::string(line.substr(i, end - i)), column, false});
    i = end;
  }
  return out;
}

expected<milliseconds, std::string> duration(std::string_view text) {
  auto bad = [&] {
    return make_unexpected(fmt::format("expected a duration such as 500ms, 2s or 1min, not \"{}\"", text));
  };
  std::optional<double> ms;
  if (auto v = number_with_unit(text, "ms")) ms = *v;
  else if (auto m = number_with_unit(text, "min")) ms = *m * 60'000;
  else if (auto s = number_with_unit(text, "s")) ms = *s * 1000;
  if (!ms) return bad();
  if (*ms < 1 || *ms > 3'600'000)
    return make_unexpected(fmt::format("duration {} is out of range (1ms to 60min)", text));
  return milliseconds{static_cast<long>(std::lround(*ms))};
}

expected<double, std::string> frequency(std::string_view text) {
  auto v = number_with_unit(text, "Hz");
  if (!v) return make_unexpected(fmt::format("expected a frequency such as 1020Hz, not \"{}\"", text));
  if (*v < 50 || *v > 3900)
    return make_unexpected(fmt::format("frequency {} is out of range (50Hz to 3900Hz)", text));
  return *v;
}

expected<double, std::string> level(std::string_view text) {
  auto v = number_with_unit(text, "dBm0");
  if (!v) return make_unexpected(fmt::format("expected a level such as -10dBm0, not \"{}\"", text));
  if (*v < -60 || *v > 3) return make_unexpected(fmt::format("level {} is out of range (-60dBm0 to 3dBm0)", text));
  return *v;
}

expected<double, std::string> decibels(std::string_view text) {
  auto v = number_with_unit(text, "dB");
  if (!v) return make_unexpected(fmt::format("expected a ratio in dB such as 30dB, not \"{}\"", text));
  if (*v < -100 || *v > 200) return make_unexpected(fmt::format("{} is out of range (-100dB to 200dB)", text));
  return *v;
}

expected<double, std::string> rate(std::string_view text) {
  auto v = number_with_unit(text, "/s");
  if (!v) return make_unexpected(fmt::format("expected a call rate such as 5/s, not \"{}\"", text));
  if (*v <= 0 || *v > 1000) return make_unexpected(fmt::format("rate {} is out of range (above 0 up to 1000/s)", text));
  return *v;
}

expected<long, std::string> integer(std::string_view text, long min, long max) {
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty())
    return make_unexpected(fmt::format("expected a whole number, not \"{}\"", text));
  if (value < min || value > max)
    return make_unexpected(fmt::format("{} is out of range ({} to {})", value, min, max));
  return value;
}

expected<std::string, std::string> dtmf_digits(std::string_view text) {
  if (text.empty() || text.size() > 64) return make_unexpected(std::string("expected 1 to 64 DTMF digits"));
  for (char c : text)
    if (std::string_view("0123456789*#ABCD").find(c) == std::string_view::npos)
      return make_unexpected(fmt::format("'{}' is not a DTMF digit (0-9 * # A-D)", c));
  return std::string(text);
}

expected<party, std::string> parse_party(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return make_unexpected(fmt::format("expected NODE:NUMBER such as A:1001, not \"{}\"", text));
  party p{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  for (char c : p.node)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_')
      return make_unexpected(fmt::format("node name \"{}\" may hold letters, digits, - and _ only", p.node));
  if (p.number.find_first_not_of("0123456789*#") != std::string::npos)
    return make_unexpected(fmt::format("number \"{}\" may hold digits, * and # only", p.number));
  return p;
}

}  // namespace tandem::lab::runner::tokens
