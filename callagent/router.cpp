#include "callagent/router.hpp"

#include "callagent/number_rule.hpp"

namespace tandem::callagent {

std::string normalise(const std::vector<normalise_rule>& rules, const std::string& called) {
  for (const auto& r : rules)
    if (matches(r.kind, r.match, called)) return edit_number(r.edit, called);
  return called;
}

std::optional<route_decision> find_route(const ca_config& config, const std::string& calling,
                                         const std::string& called) {
  route_decision d;
  d.normalised = normalise(config.normalise, called);
  for (const auto& r : config.routes) {
    if (!matches(r.kind, r.match, d.normalised)) continue;
    d.route = &r;
    d.called_out = edit_number(r.called, d.normalised);
    d.calling_out = edit_number(r.calling, calling);
    return d;
  }
  return std::nullopt;
}

}  // namespace tandem::callagent
