#include "lab/runner/topology/readiness.hpp"

#include <set>

#include <fmt/format.h>

namespace tandem::lab::runner {

std::vector<std::string> call_agent_pending(std::string_view log, const lab_config& lab) {
  std::vector<std::string> pending;
  if (!lab.call_agent) return pending;
  std::set<std::string> registered, in_service, links_up;
  std::size_t start = 0;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    const auto line = log.substr(start, end - start);
    start = end + 1;
    for (const auto& g : lab.gateways) {
      const auto tag = fmt::format("gateway {}: ", g.name);
      if (line.find(tag) != std::string_view::npos) {
        if (line.find(": RSIP ") != std::string_view::npos) registered.insert(g.name);
        if (line.find("-> in_service") != std::string_view::npos) in_service.insert(g.name);
        continue;
      }
      const auto q = fmt::format("q931 {} span ", g.name);
      const auto at = line.find(q);
      if (at == std::string_view::npos || line.find(": link up") == std::string_view::npos) continue;
      const auto number_at = at + q.size();
      const auto colon = line.find(':', number_at);
      if (colon != std::string_view::npos)
        links_up.insert(fmt::format("{} span {}", g.name, line.substr(number_at, colon - number_at)));
    }
  }
  const auto& ca = lab.call_agent->name;
  for (const auto& g : lab.gateways) {
    if (!registered.contains(g.name)) pending.push_back(fmt::format("{} not registered (no RSIP at {})", g.name, ca));
    else if (!in_service.contains(g.name)) pending.push_back(fmt::format("{} not in service at {}", g.name, ca));
    for (std::size_t i = 1; i <= lab.gateway_spans(g.name).size(); ++i)
      if (!links_up.contains(fmt::format("{} span {}", g.name, i)))
        pending.push_back(fmt::format("PRI link {} span {} down at {}", g.name, i, ca));
  }
  return pending;
}

}  // namespace tandem::lab::runner
