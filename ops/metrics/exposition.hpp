#pragma once
/// Text exposition of metric families: the Prometheus text format 0.0.4 and OpenMetrics 1.0,
/// chosen from the scraper's Accept header.
///
/// Differences the renderer handles (OpenMetrics 1.0 spec; Prometheus "Exposition formats"):
/// - counters: 0.0.4 names the family "x_total" in # HELP/# TYPE; OpenMetrics names it "x" and
///   only the sample carries "_total";
/// - OpenMetrics ends with "# EOF";
/// - histograms: `x_bucket{le="..."}` (cumulative, ending with le="+Inf"), `x_sum`, `x_count`;
/// - escaping: HELP escapes '\' and newline; label values escape '\', '"' and newline.
///
/// Pure functions.
#include <string>
#include <string_view>
#include <vector>

#include "ops/metrics/sample.hpp"

namespace tandem::ops::metrics {

enum class exposition_format { prometheus_0_0_4, openmetrics_1_0 };

/// Content-Type of each format.
[[nodiscard]] std::string_view content_type(exposition_format f);

/// Picks the format from an Accept header: OpenMetrics when the header accepts
/// `application/openmetrics-text` with a q-value above 0 and not below that of any text/plain
/// range; otherwise 0.0.4 (also for an empty or unparsable header).
[[nodiscard]] exposition_format negotiate(std::string_view accept);

/// The whole exposition.
[[nodiscard]] std::string render(const std::vector<family>& families, exposition_format f);

/// A number as the formats write it: "+Inf", "-Inf", "NaN", integers without a fraction.
[[nodiscard]] std::string format_number(double v);
/// A bucket bound for `le`: like format_number, but always with a fraction or exponent
/// ("1.0", "0.005", "+Inf"), the canonical form OpenMetrics asks for.
[[nodiscard]] std::string format_bound(double v);

[[nodiscard]] std::string escape_label_value(std::string_view v);
[[nodiscard]] std::string escape_help(std::string_view v);

}  // namespace tandem::ops::metrics
