#pragma once
/// The metrics registry of one daemon: what /metrics shows.
///
/// - counters: the components keep their own `counter_set`s (common/counters.hpp); the
///   registry adopts them by reference and maps their dotted names with naming rules
///   (ops/metrics/counter_naming.hpp) at each scrape;
/// - gauges: owned by the registry (set/add), or callbacks sampled at scrape time;
/// - histograms: fixed buckets, observed lock-free from any thread.
///
/// Registration (adopt, gauge, histogram, ...) happens at start-up or on the control thread;
/// a name that is not a valid metric name, a bad label name, bad buckets, or a family already
/// registered with another type throws std::invalid_argument (a programming error, found at
/// start-up). collect() may run on any thread; it takes the registry's mutex, never held by
/// observe()/add()/set(). Callback gauges run inside collect(), on the scraping thread: they
/// must be cheap and thread-safe with respect to what they read.
///
/// An adopted counter_set must outlive the registry or be forgotten first.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/counters.hpp"
#include "ops/metrics/counter_naming.hpp"
#include "ops/metrics/gauge.hpp"
#include "ops/metrics/histogram.hpp"
#include "ops/metrics/sample.hpp"

namespace tandem::ops::metrics {

class registry {
 public:
  /// `ns` is prepended to the names of adopted counters ("tandem" -> "tandem_mgcp_rx_crcx").
  /// Gauges and histograms are registered with their full names.
  explicit registry(std::string ns = "tandem");
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// Adopts a component's counters; `rules` come before standard_rules().
  void adopt(const counter_set& set, std::vector<name_rule> rules = {});
  /// Stops rendering that set (call before it is destroyed).
  void forget(const counter_set& set);

  /// HELP text for a family (used for counter families, whose names come from rules).
  void describe(std::string family, std::string help);

  /// The gauge of that family and labels, created at 0 on first use.
  gauge& gauge_of(std::string_view family, std::string_view help, label_set labels = {});

  /// A gauge family whose samples are computed at each scrape (e.g. endpoints by state).
  using gauge_callback = std::function<std::vector<sample>()>;
  void gauge_family(std::string_view family, std::string_view help, gauge_callback callback);

  /// A counter family whose values are read at each scrape, for cumulative counts another
  /// component keeps (a span's block statistics). `family` without `_total`; the samples should
  /// hold std::uint64_t values that never go down.
  void counter_family(std::string_view family, std::string_view help, gauge_callback callback);

  /// The histogram of that family and labels. Every child of a family has the family's buckets
  /// (the first registration decides them).
  histogram& histogram_of(std::string_view family, std::string_view help,
                          std::span<const double> upper_bounds, label_set labels = {});

  /// Everything, sorted by family name; samples in registration order.
  [[nodiscard]] std::vector<family> collect() const;

 private:
  struct adopted_set {
    const counter_set* set;
    std::vector<name_rule> rules;
  };
  struct family_entry {
    metric_type type;
    std::string help;
    std::vector<std::pair<label_set, gauge*>> gauges;
    std::vector<std::pair<label_set, histogram*>> histograms;
    std::vector<double> bounds;
    gauge_callback callback;
  };

  family_entry& entry_for(std::string_view family, metric_type type, std::string_view help);
  static void check_labels(const label_set& labels);

  std::string ns_;
  mutable std::mutex mutex_;
  std::vector<adopted_set> sets_;
  std::map<std::string, std::string, std::less<>> help_;
  std::map<std::string, family_entry, std::less<>> families_;
  std::deque<gauge> gauges_;
  std::deque<histogram> histograms_;
};

}  // namespace tandem::ops::metrics
