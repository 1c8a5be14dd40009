#include "ops/metrics/exposition.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace tandem::ops::metrics {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/// q-value of one media range ("text/plain;version=0.0.4;q=0.5"); 1 when absent, -1 if bad.
double q_value(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    auto p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      const std::string text(p.substr(2));
      char* end = nullptr;
      const double q = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || q < 0 || q > 1) return -1;
      return q;
    }
  }
  return 1;
}

void write_labels(std::string& out, const label_set& labels, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out.push_back(',');
    first = false;
    fmt::format_to(std::back_inserter(out), "{}=\"{}\"", name, escape_label_value(value));
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}=\"{}\"", extra_name, extra_value);
  }
  out.push_back('}');
}

std::string value_text(const std::variant<std::uint64_t, double>& v) {
  if (std::holds_alternative<std::uint64_t>(v)) return std::to_string(std::get<std::uint64_t>(v));
  return format_number(std::get<double>(v));
}

std::string_view type_name(metric_type t) {
  switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
  }
  return "unknown";
}

}  // namespace

std::string_view content_type(exposition_format f) {
  return f == exposition_format::openmetrics_1_0 ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                                 : "text/plain; version=0.0.4; charset=utf-8";
}

exposition_format negotiate(std::string_view accept) {
  double best_openmetrics = 0;
  double best_text = 0;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const auto range = trim(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semi = range.find(';');
    const auto type = trim(range.substr(0, semi));
    const double q = q_value(semi == std::string_view::npos ? std::string_view{} : range.substr(semi + 1));
    if (q < 0) continue;
    if (iequals(type, "application/openmetrics-text")) best_openmetrics = std::max(best_openmetrics, q);
    else if (iequals(type, "text/plain") || iequals(type, "text/*") || type == "*/*")
      best_text = std::max(best_text, q);
  }
  return best_openmetrics > 0 && best_openmetrics >= best_text ? exposition_format::openmetrics_1_0
                                                              : exposition_format::prometheus_0_0_4;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);  // shortest text that reads back to the same double
}

std::string format_bound(double v) {
  auto s = format_number(v);
  if (std::isfinite(v) && s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string render(const std::vector<family>& families, exposition_format f) {
  const bool om = f == exposition_format::openmetrics_1_0;
  std::string out;
  for (const auto& fam : families) {
    const bool counter = fam.type == metric_type::counter;
    // 0.0.4 describes counters under their sample name; OpenMetrics under the family name.
    const std::string described = counter && !om ? fam.name + "_total" : fam.name;
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n", described, escape_help(fam.help));
    fmt::format_to(std::back_inserter(out), "# TYPE {} {}\n", described, type_name(fam.type));
    for (const auto& s : fam.samples) {
      out += counter ? fam.name + "_total" : fam.name;
      write_labels(out, s.labels);
      fmt::format_to(std::back_inserter(out), " {}\n", value_text(s.value));
    }
    for (const auto& h : fam.histograms) {
      for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
        out += fam.name + "_bucket";
        write_labels(out, h.labels, "le", format_bound(h.upper_bounds[i]));
        fmt::format_to(std::back_inserter(out), " {}\n", h.cumulative[i]);
      }
      out += fam.name + "_bucket";
      write_labels(out, h.labels, "le", "+Inf");
      fmt::format_to(std::back_inserter(out), " {}\n", h.count);
      out += fam.name + "_sum";
      write_labels(out, h.labels);
      fmt::format_to(std::back_inserter(out), " {}\n", format_number(h.sum));
      out += fam.name + "_count";
      write_labels(out, h.labels);
      fmt::format_to(std::back_inserter(out), " {}\n", h.count);
    }
  }
  if (om) out += "# EOF\n";
  return out;
}

}  // namespace tandem::ops::metrics
