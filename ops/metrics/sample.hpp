#pragma once
/// The plain data a scrape is made of: metric families with their samples, as the registry
/// collects them and the exposition renders them. No behaviour here, so tests can build
/// families by hand and compare the rendered text.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tandem::ops::metrics {

/// Label pairs of one sample, e.g. {{"verb", "crcx"}, {"span", "1"}}. Order is kept as given.
using label_set = std::vector<std::pair<std::string, std::string>>;

/// The three metric types Tandem exposes (OpenMetrics 1.0 §"Metric types"; Prometheus 0.0.4).
enum class metric_type { counter, gauge, histogram };

/// One counter or gauge value. Counters stay integers so that values above 2^53 render exactly.
struct sample {
  label_set labels;
  std::variant<std::uint64_t, double> value;
};

/// One histogram child: cumulative bucket counts for each upper bound; the +Inf bucket is
/// `count`.
struct histogram_sample {
  label_set labels;
  std::vector<double> upper_bounds;      ///< ascending, without +Inf
  std::vector<std::uint64_t> cumulative; ///< same size as upper_bounds
  double sum = 0;
  std::uint64_t count = 0;
};

/// One metric family. `name` carries no `_total` suffix (the renderer adds it to counters).
struct family {
  std::string name;
  std::string help;
  metric_type type = metric_type::gauge;
  std::vector<sample> samples;              ///< counters and gauges
  std::vector<histogram_sample> histograms; ///< histograms
};

}  // namespace tandem::ops::metrics
