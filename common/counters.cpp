#include "common/counters.hpp"

namespace tandem {

counter& counter_set::get(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = by_name_.find(name); it != by_name_.end()) return *it->second;
  counter& c = storage_.emplace_back();
  by_name_.emplace(std::string(name), &c);
  return c;
}

std::uint64_t counter_set::value(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? 0 : it->second->value();
}

std::vector<std::pair<std::string, std::uint64_t>> counter_set::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  out.reserve(by_name_.size());
  for (const auto& [name, c] : by_name_) out.emplace_back(prefix_ + "." + name, c->value());
  return out;
}

}  // namespace tandem
