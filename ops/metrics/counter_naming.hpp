#pragma once
/// How Tandem's dotted counter names (common/counters.hpp) become Prometheus metric names and
/// labels. The full scheme is in docs/metrics.md ("Naming scheme").
///
/// A counter's full name is "<set prefix>.<name>" ("mgcp_agent.rx.crcx",
/// "tdm.span1.rx.rejected.bad_magic"). Rules are tried in order; the first whose pattern
/// matches decides the family and the labels:
///
/// - a pattern is dot-separated segments; a segment is a literal ("rx"), a capture ("{verb}"),
///   or a literal prefix and a capture ("span{span}"); a last segment "{name*}" captures
///   every remaining segment (joined with '.');
/// - the family template is the family name without namespace and without `_total`; it may
///   use captures ("tdm_span_{what}"), which are then sanitized into the name; every capture
///   the template does not use becomes a label of that name;
/// - an empty family template means "default naming" (use it to exempt names from a broader
///   rule that follows).
///
/// With no matching rule the family is the full name with every character outside
/// [a-zA-Z0-9_] turned into '_', and no labels. The namespace ("tandem") is prepended to every
/// family: "mgcp.rx.crcx" -> "tandem_mgcp_rx_crcx_total".
///
/// Pure functions: no state, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/metrics/sample.hpp"

namespace tandem::ops::metrics {

/// One naming rule, e.g. {"mgcp_agent.rx.{verb}", "mgcp_agent_rx"}.
struct name_rule {
  std::string pattern;
  std::string family;
};

/// A counter placed in the exposition: family name (with namespace, without `_total`) and labels.
struct mapped_name {
  std::string family;
  label_set labels;
  std::string origin;  ///< the rule's pattern, or the full name when no rule matched (for HELP)
};

/// Maps one full dotted counter name with the rules, prefixing `ns` + '_' (no prefix if empty).
[[nodiscard]] mapped_name map_counter_name(std::string_view full_name,
                                           const std::vector<name_rule>& rules,
                                           std::string_view ns = "tandem");

/// Matches one rule; nullopt when the pattern does not match.
[[nodiscard]] std::optional<mapped_name> apply_rule(std::string_view full_name, const name_rule& rule);

/// Every character outside [a-zA-Z0-9_] becomes '_'; a leading digit gets a '_' before it.
[[nodiscard]] std::string sanitize_metric_name(std::string_view text);

/// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
[[nodiscard]] bool is_valid_metric_name(std::string_view name);
/// Whether `name` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
[[nodiscard]] bool is_valid_label_name(std::string_view name);

/// The rules for the counter sets that exist today (tdm spans, the gateway's MGCP agent);
/// listed with their families in docs/metrics.md. Daemons append their own.
[[nodiscard]] std::vector<name_rule> standard_rules();

}  // namespace tandem::ops::metrics
