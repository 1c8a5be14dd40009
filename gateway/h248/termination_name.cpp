#include "gateway/h248/termination_name.hpp"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace tandem::gateway::h248 {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (l(a[i]) != l(b[i])) return false;
  }
  return true;
}

/// A decimal without a leading zero, 1..999999999.
std::optional<unsigned> number(std::string_view s) {
  if (s.empty() || s.size() > 9 || s.front() == '0') return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '/') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

std::string termination_address::name() const {
  return kind == termination_kind::tdm ? fmt::format("tdm/{}/{}", span, index) : fmt::format("rtp/{}", index);
}

std::optional<termination_address> parse_termination_name(std::string_view name) {
  const auto terms = split(name);
  if (terms.size() == 3 && iequals(terms[0], "tdm")) {
    auto span = number(terms[1]);
    auto slot = number(terms[2]);
    if (!span || !slot) return std::nullopt;
    return termination_address{termination_kind::tdm, *span, *slot};
  }
  if (terms.size() == 2 && iequals(terms[0], "rtp")) {
    auto n = number(terms[1]);
    if (!n) return std::nullopt;
    return termination_address{termination_kind::rtp, 0, *n};
  }
  return std::nullopt;
}

}  // namespace tandem::gateway::h248
