#pragma once
/// The gateway's endpoint local names (RFC 3435 §2.1.1, Appendix E; docs/endpoint-naming.md):
///   ds/e1-<span>/<timeslot>   a bearer timeslot of an E1 span (1-15, 17-31 by default)
///   ds/t1-<span>/<channel>    a bearer channel of a T1 span (1-23 by default)
///   rtp/<n>                   a virtual endpoint joining two or more RTP connections
/// Names are case-insensitive; numbers are decimal without leading zeros.
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::gateway::mgcp {

enum class endpoint_kind { e1, t1, rtp };

/// One concrete endpoint.
struct endpoint_address {
  endpoint_kind kind = endpoint_kind::rtp;
  unsigned span = 0;   ///< span number (0 for rtp)
  unsigned index = 0;  ///< timeslot, channel, or the n of rtp/n

  bool is_bearer() const { return kind != endpoint_kind::rtp; }
  /// "ds/e1-1/17", "rtp/3".
  std::string local_name() const;
  /// The terms of local_name(): {"ds", "e1-1", "17"}.
  std::vector<std::string> terms() const;
  friend auto operator<=>(const endpoint_address&, const endpoint_address&) = default;
};

/// Parses a concrete local name (no wildcards); nullopt when it is not of the grammar.
std::optional<endpoint_address> parse_local_name(std::string_view local);

/// A local name pattern (RFC 3435 §2.1.2): each term is literal, "*" (all of), "$" (any of)
/// or a bracketed list of numbers and ranges ("[1-15,17]"). A final "*" or "$" also covers
/// every deeper level ("*" alone names every endpoint, "ds/*" every timeslot).
class name_pattern {
 public:
  /// nullopt when a term is malformed (an unclosed range).
  static std::optional<name_pattern> parse(std::string_view local);
  bool matches(const endpoint_address& a) const;
  /// The lowest and highest addresses this pattern can match (in endpoint_address order), from
  /// its leading literal terms: "rtp/$" gives rtp/0 .. rtp/max, "ds/e1-2/*" ds/e1-2/0 ..
  /// ds/e1-2/max. Lets "any of" start its search where matches can be (agent::resolve).
  [[nodiscard]] std::pair<endpoint_address, endpoint_address> candidate_range() const;
  bool any_of() const { return any_of_; }
  bool all_of() const { return all_of_; }
  bool is_wildcard() const { return any_of_ || all_of_; }

 private:
  struct term {
    enum class kind { literal, wildcard, numbers } what = kind::literal;
    std::string text;                                 ///< literal, lower case
    std::vector<std::pair<unsigned, unsigned>> ranges;  ///< numbers
  };
  static bool term_matches(const term& t, std::string_view value);
  std::vector<term> terms_;
  bool any_of_ = false;
  bool all_of_ = false;
};

}  // namespace tandem::gateway::mgcp
