#pragma once
/// Endpoint names and notified entities (RFC 3435 §2.1.1, §2.1.2, §3.2.1.3, Appendix E).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::mgcp {

/// The domain part: a host name or a bracketed IPv4/IPv6 literal, with an optional port
/// (`gw.example.net:2427`, `[192.168.1.1]`, `[2001:db8::1]:2427`).
struct domain_name {
  std::string host;  ///< as written, brackets included for literals
  std::optional<std::uint16_t> port;
  friend bool operator==(const domain_name&, const domain_name&) = default;
};

/// `local-name@domain`. The local name is hierarchical, terms separated by "/"
/// (`ds/e1-1/17`, `rtp/5`, `aaln/*`); a term may be the wildcard `*` (all of) or `$`
/// (any of), or a bracketed range (`[1-96]`, RFC 3435 Appendix E.5).
struct endpoint_name {
  std::string local;
  domain_name domain;

  /// The local name's terms ("ds", "e1-1", "17").
  std::vector<std::string_view> terms() const;
  /// True when any term is `*`, `$` or a range: the name designates more than one endpoint.
  bool has_wildcard() const;
  /// True when some term is `$` (RFC 3435 §2.1.2: "any of").
  bool is_any_of() const;
  /// True when some term is `*` or a range (RFC 3435 §2.1.2: "all of").
  bool is_all_of() const;
  friend bool operator==(const endpoint_name&, const endpoint_name&) = default;
};

/// NotifiedEntity (RFC 3435 §3.2.2, "N:"): `[local-name@]domain[:port]`.
struct notified_entity {
  std::string local;  ///< may be empty
  domain_name domain;
  friend bool operator==(const notified_entity&, const notified_entity&) = default;
};

inline constexpr std::size_t max_local_name_length = 255;
inline constexpr std::size_t max_domain_length = 255;

detail::value_result<domain_name> parse_domain_name(std::string_view text);
detail::value_result<endpoint_name> parse_endpoint_name(std::string_view text);
detail::value_result<notified_entity> parse_notified_entity(std::string_view text);

void append(std::string& out, const domain_name& d);
void append(std::string& out, const endpoint_name& e);
void append(std::string& out, const notified_entity& n);
std::string to_string(const endpoint_name& e);

}  // namespace tandem::mgcp
