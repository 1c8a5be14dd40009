#include "proto/mgcp/endpoint_name.hpp"

#include <fmt/format.h>

namespace tandem::mgcp {

using detail::fail;
using detail::is_alnum;
using detail::is_digit;
using detail::is_hex;

namespace {

constexpr return_code bad = return_code::protocol_error;

/// RFC 3435 §3.2.1.3: a domain name per RFC 821 (letters, digits, "-", "."), or an IP
/// literal in brackets, then ":port".
detail::value_result<domain_name> parse_domain(std::string_view text, std::size_t base) {
  domain_name d;
  std::string_view host = text;
  std::size_t port_at = std::string_view::npos;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return fail(bad, base, "unterminated [ in domain");
    const std::string_view lit = text.substr(1, close - 1);
    if (lit.empty()) return fail(bad, base, "empty IP literal in domain");
    for (char c : lit)
      if (!is_hex(c) && c != '.' && c != ':')
        return fail(bad, base + 1, "bad character in IP literal");
    host = text.substr(0, close + 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return fail(bad, base + close + 1, "junk after ]");
      port_at = close + 2;
    }
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port_at = colon + 1;
    }
    if (host.empty()) return fail(bad, base, "empty domain");
    for (std::size_t i = 0; i < host.size(); ++i) {
      const char c = host[i];
      if (!is_alnum(c) && c != '-' && c != '.' && c != '_')
        return fail(bad, base + i, "bad character in domain name");
    }
  }
  if (host.size() > max_domain_length) return fail(bad, base, "domain name too long");
  d.host = std::string(host);
  if (port_at != std::string_view::npos) {
    std::uint16_t port = 0;
    if (!detail::parse_decimal(text.substr(port_at), port) || port == 0)
      return fail(bad, base + port_at, "bad port in domain");
    d.port = port;
  }
  return d;
}

bool is_local_char(char c) {
  // RFC 3435 §3.2.1.3: any printable character other than "@" and white space; we also
  // refuse the characters that would confuse the line grammar.
  return c > 0x20 && c < 0x7f && c != '@';
}

}  // namespace

detail::value_result<domain_name> parse_domain_name(std::string_view text) {
  return parse_domain(text, 0);
}

detail::value_result<endpoint_name> parse_endpoint_name(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return fail(bad, 0, "endpoint name without @domain");
  const std::string_view local = text.substr(0, at);
  if (local.empty()) return fail(bad, 0, "empty local name");
  if (local.size() > max_local_name_length) return fail(bad, 0, "local name too long");
  int depth = 0;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (!is_local_char(c)) return fail(bad, i, "bad character in local name");
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) return fail(bad, i, "unbalanced ] in local name");
    if (c == '/' && (i == 0 || local[i - 1] == '/' || i + 1 == local.size()))
      return fail(bad, i, "empty term in local name");
  }
  if (depth != 0) return fail(bad, 0, "unbalanced [ in local name");
  auto domain = parse_domain(text.substr(at + 1), at + 1);
  if (!domain) return make_unexpected(domain.error());
  return endpoint_name{std::string(local), std::move(*domain)};
}

detail::value_result<notified_entity> parse_notified_entity(std::string_view text) {
  notified_entity n;
  std::string_view rest = text;
  std::size_t base = 0;
  const std::size_t at = text.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view local = text.substr(0, at);
    if (local.empty()) return fail(bad, 0, "empty local name before @");
    for (std::size_t i = 0; i < local.size(); ++i)
      if (!is_local_char(local[i])) return fail(bad, i, "bad character in notified entity");
    n.local = std::string(local);
    rest = text.substr(at + 1);
    base = at + 1;
  }
  auto domain = parse_domain(rest, base);
  if (!domain) return make_unexpected(domain.error());
  n.domain = std::move(*domain);
  return n;
}

std::vector<std::string_view> endpoint_name::terms() const {
  std::vector<std::string_view> out;
  std::string_view s = local;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool endpoint_name::is_any_of() const {
  for (auto t : terms())
    if (t == "$") return true;
  return false;
}

bool endpoint_name::is_all_of() const {
  for (auto t : terms())
    if (t == "*" || (!t.empty() && t.front() == '[')) return true;
  return false;
}

bool endpoint_name::has_wildcard() const { return is_any_of() || is_all_of(); }

void append(std::string& out, const domain_name& d) {
  out += d.host;
  if (d.port) fmt::format_to(std::back_inserter(out), ":{}", *d.port);
}

void append(std::string& out, const endpoint_name& e) {
  out += e.local;
  out += '@';
  append(out, e.domain);
}

void append(std::string& out, const notified_entity& n) {
  if (!n.local.empty()) {
    out += n.local;
    out += '@';
  }
  append(out, n.domain);
}

std::string to_string(const endpoint_name& e) {
  std::string s;
  append(s, e);
  return s;
}

}  // namespace tandem::mgcp
