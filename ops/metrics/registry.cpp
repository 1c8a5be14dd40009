#include "ops/metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tandem::ops::metrics {

registry::registry(std::string ns) : ns_(std::move(ns)) {
  if (!ns_.empty() && !is_valid_metric_name(ns_)) throw std::invalid_argument("bad metrics namespace: " + ns_);
}

void registry::adopt(const counter_set& set, std::vector<name_rule> rules) {
  auto standard = standard_rules();
  rules.insert(rules.end(), standard.begin(), standard.end());
  std::lock_guard lock(mutex_);
  for (auto& a : sets_) {
    if (a.set == &set) {
      a.rules = std::move(rules);
      return;
    }
  }
  sets_.push_back({&set, std::move(rules)});
}

void registry::forget(const counter_set& set) {
  std::lock_guard lock(mutex_);
  std::erase_if(sets_, [&](const adopted_set& a) { return a.set == &set; });
}

void registry::describe(std::string family, std::string help) {
  std::lock_guard lock(mutex_);
  help_[std::move(family)] = std::move(help);
}

void registry::check_labels(const label_set& labels) {
  for (const auto& [name, value] : labels)
    if (!is_valid_label_name(name)) throw std::invalid_argument("bad label name: " + name);
}

registry::family_entry& registry::entry_for(std::string_view family, metric_type type,
                                            std::string_view help) {
  if (!is_valid_metric_name(family)) throw std::invalid_argument("bad metric name: " + std::string(family));
  auto it = families_.find(family);
  if (it == families_.end()) {
    it = families_.emplace(std::string(family), family_entry{type, std::string(help), {}, {}, {}, {}}).first;
  } else if (it->second.type != type) {
    throw std::invalid_argument("metric family registered with another type: " + std::string(family));
  }
  return it->second;
}

gauge& registry::gauge_of(std::string_view family, std::string_view help, label_set labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& e = entry_for(family, metric_type::gauge, help);
  if (e.callback) throw std::invalid_argument("gauge family already has a callback: " + std::string(family));
  for (auto& [l, g] : e.gauges)
    if (l == labels) return *g;
  gauge& g = gauges_.emplace_back();
  e.gauges.emplace_back(std::move(labels), &g);
  return g;
}

void registry::gauge_family(std::string_view family, std::string_view help, gauge_callback callback) {
  std::lock_guard lock(mutex_);
  auto& e = entry_for(family, metric_type::gauge, help);
  if (!e.gauges.empty() || e.callback)
    throw std::invalid_argument("gauge family already registered: " + std::string(family));
  e.callback = std::move(callback);
}

void registry::counter_family(std::string_view family, std::string_view help, gauge_callback callback) {
  std::lock_guard lock(mutex_);
  auto& e = entry_for(family, metric_type::counter, help);
  if (e.callback) throw std::invalid_argument("counter family already registered: " + std::string(family));
  e.callback = std::move(callback);
}

histogram& registry::histogram_of(std::string_view family, std::string_view help,
                                  std::span<const double> upper_bounds, label_set labels) {
  check_labels(labels);
  for (const auto& [name, value] : labels)
    if (name == "le") throw std::invalid_argument("histogram label 'le' is reserved");
  if (upper_bounds.empty()) throw std::invalid_argument("histogram without buckets: " + std::string(family));
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && upper_bounds[i] <= upper_bounds[i - 1]))
      throw std::invalid_argument("histogram buckets must be finite and ascending: " + std::string(family));
  }
  std::lock_guard lock(mutex_);
  auto& e = entry_for(family, metric_type::histogram, help);
  if (e.bounds.empty()) e.bounds.assign(upper_bounds.begin(), upper_bounds.end());
  for (auto& [l, h] : e.histograms)
    if (l == labels) return *h;
  histogram& h = histograms_.emplace_back(std::span<const double>(e.bounds));
  e.histograms.emplace_back(std::move(labels), &h);
  return h;
}

std::vector<family> registry::collect() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, family, std::less<>> out;

  for (const auto& [name, e] : families_) {
    family f{name, e.help, e.type, {}, {}};
    for (const auto& [labels, g] : e.gauges) f.samples.push_back({labels, g->value()});
    for (const auto& [labels, h] : e.histograms) {
      auto s = h->snapshot();
      s.labels = labels;
      f.histograms.push_back(std::move(s));
    }
    if (e.callback) f.samples = e.callback();
    out.emplace(name, std::move(f));
  }

  for (const auto& a : sets_) {
    for (const auto& [full_name, value] : a.set->snapshot()) {
      auto m = map_counter_name(full_name, a.rules, ns_);
      auto it = out.find(m.family);
      if (it == out.end()) {
        auto help = help_.find(m.family);
        it = out.emplace(m.family, family{m.family,
                                          help != help_.end() ? help->second : "Tandem counter " + m.origin,
                                          metric_type::counter, {}, {}})
                 .first;
      }
      // A counter whose name collides with a gauge or histogram family is left out rather
      // than rendered as an invalid exposition; docs/metrics.md tells how to avoid it.
      if (it->second.type != metric_type::counter) continue;
      auto& samples = it->second.samples;
      auto same = std::find_if(samples.begin(), samples.end(), [&](const sample& s) { return s.labels == m.labels; });
      // Two names mapped onto one series (e.g. two sets with one prefix): their sum is the count.
      if (same != samples.end()) same->value = std::get<std::uint64_t>(same->value) + value;
      else samples.push_back({std::move(m.labels), value});
    }
  }

  std::vector<family> result;
  result.reserve(out.size());
  for (auto& [name, f] : out) result.push_back(std::move(f));
  return result;
}

}  // namespace tandem::ops::metrics
