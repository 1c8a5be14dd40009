#include "callagent/trunk_group.hpp"

#include <algorithm>

namespace tandem::callagent {

std::string_view to_string(circuit_state s) {
  switch (s) {
    case circuit_state::idle: return "idle";
    case circuit_state::busy: return "busy";
    case circuit_state::blocked: return "blocked";
  }
  return "?";
}

circuit_index circuit_table::add(const std::string& gateway, unsigned span, unsigned channel,
                                 std::string endpoint) {
  if (auto i = find(gateway, span, channel)) return *i;
  circuit c;
  c.gateway = gateway;
  c.span = span;
  c.channel = channel;
  c.endpoint = std::move(endpoint);
  circuits_.push_back(c);
  const circuit_index i = circuits_.size() - 1;
  by_key_[{gateway, span, channel}] = i;
  by_endpoint_[{gateway, circuits_[i].endpoint}] = i;
  return i;
}

std::optional<circuit_index> circuit_table::find(const std::string& gateway, unsigned span,
                                                 unsigned channel) const {
  auto it = by_key_.find({gateway, span, channel});
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<circuit_index> circuit_table::find_endpoint(const std::string& gateway,
                                                          const std::string& endpoint) const {
  auto it = by_endpoint_.find({gateway, endpoint});
  if (it == by_endpoint_.end()) return std::nullopt;
  return it->second;
}

bool circuit_table::seize(circuit_index i, call_ref owner) {
  circuit& c = circuits_.at(i);
  if (c.state != circuit_state::idle) return false;
  c.state = circuit_state::busy;
  c.owner = owner;
  ++c.uses;
  return true;
}

void circuit_table::free(circuit_index i, call_ref owner) {
  circuit& c = circuits_.at(i);
  if (c.state != circuit_state::busy || c.owner != owner) return;
  c.owner = call_ref{};
  c.state = c.available() ? circuit_state::idle : circuit_state::blocked;
}

void circuit_table::refresh(circuit& c) {
  if (c.state == circuit_state::busy) return;
  c.state = c.available() ? circuit_state::idle : circuit_state::blocked;
}

void circuit_table::set_gateway_up(const std::string& gateway, bool up) {
  for (auto& c : circuits_)
    if (c.gateway == gateway) {
      c.gateway_up = up;
      refresh(c);
    }
}

void circuit_table::set_link_up(const std::string& gateway, unsigned span, bool up) {
  for (auto& c : circuits_)
    if (c.gateway == gateway && c.span == span) {
      c.link_up = up;
      refresh(c);
    }
}

void circuit_table::set_present(circuit_index i, bool present) {
  circuit& c = circuits_.at(i);
  c.present = present;
  refresh(c);
}

void circuit_table::set_admin_blocked(circuit_index i, bool blocked) {
  circuit& c = circuits_.at(i);
  c.admin_blocked = blocked;
  refresh(c);
}

std::size_t circuit_table::count(circuit_state s) const {
  return static_cast<std::size_t>(
      std::count_if(circuits_.begin(), circuits_.end(), [&](const circuit& c) { return c.state == s; }));
}

std::size_t circuit_table::count(const std::string& gateway, circuit_state s) const {
  return static_cast<std::size_t>(std::count_if(circuits_.begin(), circuits_.end(), [&](const circuit& c) {
    return c.gateway == gateway && c.state == s;
  }));
}

std::optional<circuit_index> trunk_group::hunt(const circuit_table& circuits) {
  return hunt(circuits, {});
}

std::optional<circuit_index> trunk_group::hunt(const circuit_table& circuits,
                                               const std::vector<circuit_index>& excluded) {
  const std::size_t n = members_.size();
  auto usable = [&](std::size_t pos) {
    const circuit_index i = members_[pos];
    return circuits.at(i).state == circuit_state::idle &&
           std::find(excluded.begin(), excluded.end(), i) == excluded.end();
  };
  std::optional<std::size_t> pick;
  switch (method_) {
    case hunting::ascending:
      for (std::size_t p = 0; p < n && !pick; ++p)
        if (usable(p)) pick = p;
      break;
    case hunting::descending:
      for (std::size_t p = n; p > 0 && !pick; --p)
        if (usable(p - 1)) pick = p - 1;
      break;
    case hunting::round_robin:
      for (std::size_t k = 1; k <= n && !pick; ++k) {
        const std::size_t p = (last_ + k) % n;
        if (usable(p)) pick = p;
      }
      break;
    case hunting::least_used:
      for (std::size_t p = 0; p < n; ++p)
        if (usable(p) && (!pick || circuits.at(members_[p]).uses < circuits.at(members_[*pick]).uses))
          pick = p;
      break;
  }
  if (!pick) return std::nullopt;
  last_ = *pick;
  return members_[*pick];
}

std::string endpoint_local_name(const std::string& pattern, unsigned span, unsigned channel) {
  std::string out = pattern;
  auto put = [&out](std::string_view key, unsigned value) {
    for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key))
      out.replace(pos, key.size(), std::to_string(value));
  };
  put("{span}", span);
  put("{channel}", channel);
  return out;
}

}  // namespace tandem::callagent
