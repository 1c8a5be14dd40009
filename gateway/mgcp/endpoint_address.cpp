#include "gateway/mgcp/endpoint_address.hpp"

#include <array>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace {

using tandem::mgcp::detail::iequals;
using tandem::mgcp::detail::to_lower_copy;

/// Decimal, 1..9999, no sign and no leading zero (one spelling per endpoint).
std::optional<unsigned> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 4 || s.front() == '0') return std::nullopt;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

std::string endpoint_address::local_name() const {
  switch (kind) {
    case endpoint_kind::e1: return fmt::format("ds/e1-{}/{}", span, index);
    case endpoint_kind::t1: return fmt::format("ds/t1-{}/{}", span, index);
    case endpoint_kind::rtp: break;
  }
  return fmt::format("rtp/{}", index);
}

std::vector<std::string> endpoint_address::terms() const {
  switch (kind) {
    case endpoint_kind::e1: return {"ds", fmt::format("e1-{}", span), std::to_string(index)};
    case endpoint_kind::t1: return {"ds", fmt::format("t1-{}", span), std::to_string(index)};
    case endpoint_kind::rtp: break;
  }
  return {"rtp", std::to_string(index)};
}

std::optional<endpoint_address> parse_local_name(std::string_view local) {
  const auto t = split(local);
  if (t.size() == 2 && iequals(t[0], "rtp")) {
    const auto n = parse_number(t[1]);
    if (!n) return std::nullopt;
    return endpoint_address{endpoint_kind::rtp, 0, *n};
  }
  if (t.size() != 3 || !iequals(t[0], "ds") || t[1].size() < 4 || t[1][2] != '-') return std::nullopt;
  endpoint_kind kind;
  if (iequals(t[1].substr(0, 2), "e1")) kind = endpoint_kind::e1;
  else if (iequals(t[1].substr(0, 2), "t1")) kind = endpoint_kind::t1;
  else return std::nullopt;
  const auto span = parse_number(t[1].substr(3));
  const auto slot = parse_number(t[2]);
  if (!span || !slot) return std::nullopt;
  return endpoint_address{kind, *span, *slot};
}

std::optional<name_pattern> name_pattern::parse(std::string_view local) {
  name_pattern p;
  for (std::string_view raw : split(local)) {
    term t;
    if (raw == "*" || raw == "$") {
      t.what = term::kind::wildcard;
      (raw == "*" ? p.all_of_ : p.any_of_) = true;
    } else if (!raw.empty() && raw.front() == '[') {
      // RFC 3435 Appendix E.5: "[1-15,17]" names several endpoints, an "all of" form.
      if (raw.size() < 3 || raw.back() != ']') return std::nullopt;
      t.what = term::kind::numbers;
      std::string_view body = raw.substr(1, raw.size() - 2);
      while (!body.empty()) {
        const std::size_t comma = body.find(',');
        std::string_view item = body.substr(0, comma);
        body = comma == std::string_view::npos ? std::string_view{} : body.substr(comma + 1);
        const std::size_t dash = item.find('-');
        const auto lo = parse_number(item.substr(0, dash));
        const auto hi = dash == std::string_view::npos ? lo : parse_number(item.substr(dash + 1));
        if (!lo || !hi || *lo > *hi) return std::nullopt;
        t.ranges.emplace_back(*lo, *hi);
      }
      p.all_of_ = true;
    } else {
      if (raw.empty()) return std::nullopt;
      t.text = to_lower_copy(raw);
    }
    p.terms_.push_back(std::move(t));
  }
  return p;
}

bool name_pattern::term_matches(const term& t, std::string_view value) {
  switch (t.what) {
    case term::kind::wildcard: return true;
    case term::kind::literal: return iequals(t.text, value);
    case term::kind::numbers: {
      const auto n = parse_number(value);
      if (!n) return false;
      for (const auto& [lo, hi] : t.ranges)
        if (*n >= lo && *n <= hi) return true;
      return false;
    }
  }
  return false;
}

bool name_pattern::matches(const endpoint_address& a) const {
  // The terms of a.local_name(), written into stack buffers (no allocation: "any of" and
  // "all of" resolution call this once per endpoint).
  std::array<char, 16> kind_buf{}, slot_buf{}, index_buf{};
  auto number = [](std::array<char, 16>& buf, std::size_t at, unsigned n) {
    const auto r = std::to_chars(buf.data() + at, buf.data() + buf.size(), n);
    return std::string_view(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
  };
  std::array<std::string_view, 3> names{};
  std::size_t count = 0;
  if (a.kind == endpoint_kind::rtp) {
    names[0] = "rtp";
    names[1] = number(index_buf, 0, a.index);
    count = 2;
  } else {
    kind_buf[0] = a.kind == endpoint_kind::e1 ? 'e' : 't';
    kind_buf[1] = '1';
    kind_buf[2] = '-';
    names[0] = "ds";
    names[1] = number(kind_buf, 3, a.span);
    names[2] = number(slot_buf, 0, a.index);
    count = 3;
  }
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (i >= count) return false;
    const bool last = i + 1 == terms_.size();
    if (last && terms_[i].what == term::kind::wildcard) return true;  // covers deeper levels
    if (!term_matches(terms_[i], names[i])) return false;
  }
  return terms_.size() == count;
}

std::pair<endpoint_address, endpoint_address> name_pattern::candidate_range() const {
  constexpr unsigned top = std::numeric_limits<unsigned>::max();
  const endpoint_address first{endpoint_kind::e1, 0, 0}, last{endpoint_kind::rtp, top, top};
  auto literal = [&](std::size_t i) -> std::string_view {
    return i < terms_.size() && terms_[i].what == term::kind::literal ? std::string_view(terms_[i].text)
                                                                       : std::string_view{};
  };
  if (literal(0) == "rtp") return {{endpoint_kind::rtp, 0, 0}, last};
  if (literal(0) != "ds") return {first, last};
  const auto t = literal(1);
  if (t.size() < 4 || t[2] != '-' || (t.substr(0, 2) != "e1" && t.substr(0, 2) != "t1"))
    return {first, {endpoint_kind::t1, top, top}};
  const auto kind = t[0] == 'e' ? endpoint_kind::e1 : endpoint_kind::t1;
  const auto span = parse_number(t.substr(3));
  if (!span) return {first, last};
  return {{kind, *span, 0}, {kind, *span, top}};
}

}  // namespace tandem::gateway::mgcp
