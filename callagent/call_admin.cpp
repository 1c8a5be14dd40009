/// Administrative operations on the call agent (docs/ctl.md): busy-out of circuits, drain of a
/// gateway, release of one call, reload of the routing tables, and read-only views for the
/// control socket. Everything runs on the control-plane thread, like the rest of call_agent.
#include <algorithm>

#include <fmt/format.h>

#include "callagent/call_agent.hpp"

namespace tandem::callagent {

call_agent::admin_result call_agent::block_circuits(const std::string& gateway_name, unsigned span, unsigned channel,
                                                    bool block) {
  if (find_gateway(gateway_name) == nullptr)
    return {admin_status::unknown_object, fmt::format("no gateway {}", gateway_name)};
  std::vector<circuit_index> matched;
  for (circuit_index i = 0; i < circuits_.size(); ++i) {
    const circuit& c = circuits_.at(i);
    if (c.gateway == gateway_name && (span == 0 || c.span == span) && (channel == 0 || c.channel == channel))
      matched.push_back(i);
  }
  if (matched.empty()) {
    return {admin_status::unknown_object,
            fmt::format("gateway {} has no circuit {}/{}", gateway_name, span == 0 ? "*" : std::to_string(span),
                        channel == 0 ? "*" : std::to_string(channel))};
  }
  std::size_t busy = 0;
  for (circuit_index i : matched) {
    // The circuit stays seized by its call (circuit_table: busy stays busy while unavailable)
    // and becomes blocked when the call lets go of it.
    if (block) {
      admin_blocked_.insert(i);
      if (circuits_.at(i).state == circuit_state::busy) ++busy;
    } else {
      admin_blocked_.erase(i);
    }
    circuits_.set_admin_blocked(i, block);
  }
  counters_.get(block ? "admin.block" : "admin.unblock").add();
  log_->info("admin: {} {} circuit(s) of {}{}", block ? "blocked" : "unblocked", matched.size(), gateway_name,
             block && busy > 0 ? fmt::format(" ({} busy until their calls end)", busy) : "");
  return {admin_status::ok, fmt::format("{} circuit(s) {}{}", matched.size(), block ? "blocked" : "unblocked",
                                        block && busy > 0 ? fmt::format(", {} busy until their calls end", busy) : "")};
}

const std::set<circuit_index>& call_agent::admin_blocked() const { return admin_blocked_; }

call_agent::admin_result call_agent::drain_gateway(const std::string& name, bool drain) {
  gateway* gw = find_gateway(name);
  if (gw == nullptr) return {admin_status::unknown_object, fmt::format("no gateway {}", name)};
  if (drain) {
    if (gw->state == gateway_state::draining) return {admin_status::ok, fmt::format("gateway {} already draining", name)};
    if (gw->state != gateway_state::in_service || !gateway_transition(*gw, gateway_event::rsip_graceful))
      return {admin_status::conflict, fmt::format("gateway {} is {}: only a gateway in service can drain", name,
                                                  to_string(gw->state))};
    circuits_.set_gateway_up(name, false);
    counters_.get("admin.drain").add();
    log_->info("admin: gateway {} draining: no new calls", name);
    return {admin_status::ok, fmt::format("gateway {} draining", name)};
  }
  if (gw->state == gateway_state::in_service) return {admin_status::ok, fmt::format("gateway {} already in service", name)};
  if (gw->pending)
    return {admin_status::conflict, fmt::format("gateway {} drains on its own request (RSIP graceful)", name)};
  if (gw->state != gateway_state::draining || !gateway_transition(*gw, gateway_event::rsip_cancel_graceful))
    return {admin_status::conflict, fmt::format("gateway {} is {}, not draining", name, to_string(gw->state))};
  circuits_.set_gateway_up(name, true);
  counters_.get("admin.undrain").add();
  log_->info("admin: gateway {} back in service", name);
  return {admin_status::ok, fmt::format("gateway {} in service", name)};
}

call_agent::admin_result call_agent::release_call(call_ref id, cause why) {
  call* c = find(id);
  if (c == nullptr) return {admin_status::unknown_object, fmt::format("no call {}", id.value())};
  if (c->state == call_state::releasing)
    return {admin_status::conflict, fmt::format("call {} is already being released", id.value())};
  counters_.get("admin.release").add();
  log_->info("admin: releasing call {} ({}) with cause {}", id.value(), c->mgcp_call, to_int(why));
  clear_call(id, why, released_by::call_agent);
  return {admin_status::ok, fmt::format("call {} released with cause {}", id.value(), to_int(why))};
}

call_agent::admin_result call_agent::reload_routes(const ca_config& fresh) {
  ca_config candidate = config_;
  candidate.normalise = fresh.normalise;
  candidate.routes = fresh.routes;
  if (auto errors = validate(candidate); !errors.empty()) {
    std::string text;
    for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e.to_string();
    return {admin_status::bad_arguments, "routes not reloaded: " + text};
  }
  // Calls keep pointers to their route: the old table stays until no call uses it.
  retired_routes_.push_back(std::move(config_.routes));
  config_.routes = std::move(candidate.routes);
  config_.normalise = std::move(candidate.normalise);
  std::erase_if(retired_routes_, [this](const std::vector<route_config>& table) {
    return std::none_of(calls_.begin(), calls_.end(), [&table](const auto& entry) {
      const route_config* r = entry.second.route;
      return r != nullptr && !table.empty() && r >= table.data() && r < table.data() + table.size();
    });
  });
  counters_.get("admin.reload_routes").add();
  log_->info("admin: routes reloaded: {} route(s), {} normalisation rule(s); {} call(s) keep their old route",
             config_.routes.size(), config_.normalise.size(), calls_.size());
  return {admin_status::ok, fmt::format("{} route(s) and {} normalisation rule(s) loaded", config_.routes.size(),
                                        config_.normalise.size())};
}

const ca_config& call_agent::config() const { return config_; }
const std::map<std::string, gateway>& call_agent::gateways() const { return gateways_; }
const std::map<std::string, trunk_group>& call_agent::trunk_groups() const { return groups_; }
const std::map<call_ref, call>& call_agent::calls() const { return calls_; }
const counter_set& call_agent::mgcp_counters() const { return mgcp_.engine_counters(); }

}  // namespace tandem::callagent
