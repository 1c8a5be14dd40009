#include "gateway/mgcp/agent.hpp"

#include <random>

#include <fmt/format.h>

#include "common/log.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;
using m::detail::iequals;

agent::agent(agent_config config, const codecs::registry& codecs, media_control& media,
             agent_notifier& notifier, timer_service& timers, counter_set& counters,
             std::function<std::uint32_t()> random)
    : config_(std::move(config)), media_(media), notifier_(notifier), timers_(timers),
      counters_(counters), random_(std::move(random)) {
  if (!random_) random_ = [] { return std::random_device{}(); };
  std::vector<std::string> missing;
  caps_ = load_capabilities(codecs, config_.codecs, &missing);
  for (const auto& n : missing)
    log::get("mgcp")->warn("codec {} is configured but not built into this binary: not offered", n);
  for (const auto& text : config_.persistent_events)
    if (auto ev = m::parse_event_name(text)) persistent_.push_back(*ev);
    else log::get("mgcp")->warn("persistent event {} does not parse: ignored", text);

  for (const auto& s : config_.spans) {
    std::vector<unsigned> slots = s.bearer_slots;
    if (slots.empty()) {
      for (unsigned i = 1; i <= (s.t1 ? 23u : 31u); ++i)
        if (s.t1 || i != 16) slots.push_back(i);
    }
    for (unsigned slot : slots) {
      endpoint_address a{s.t1 ? endpoint_kind::t1 : endpoint_kind::e1, s.number, slot};
      endpoints_[a].address = a;
      idle_.insert(a);
    }
  }
  for (unsigned n = 1; n <= config_.rtp_endpoints; ++n) {
    endpoint_address a{endpoint_kind::rtp, 0, n};
    endpoints_[a].address = a;
    idle_.insert(a);
  }
  // Connection ids start at a random point so that ids of a previous run are not reused
  // (RFC 3435 §2.1.3: connection ids are unique within the endpoint).
  next_connection_ = (random_() & 0x0fffffffu) | 1u;
}

agent::~agent() {
  *alive_ = false;
  if (restart_timer_) timers_.cancel(*restart_timer_);
  for (auto& [a, e] : endpoints_) {
    if (e.notify.digit_timer) timers_.cancel(*e.notify.digit_timer);
    for (auto& s : e.notify.signals)
      if (s.timer) timers_.cancel(*s.timer);
  }
}

bool agent::is_allowed(const m::peer& from) const {
  if (config_.allowed_call_agents.empty()) return from.address == config_.call_agent.address;
  for (const auto& a : config_.allowed_call_agents)
    if (a.address == from.address && (a.port == 0 || a.port == from.port)) return true;
  return false;
}

void agent::count_rx(m::verb v) {
  counters_.get(fmt::format("rx.{}", m::detail::to_lower_copy(m::verb_text(v)))).add();
}

std::optional<m::response> agent::handle(const m::peer& from, const m::command& cmd) {
  if (!is_allowed(from)) {
    counters_.get("rx.refused_peer").add();
    log::get("mgcp")->warn("{} from {} refused: not an allowed call agent", m::verb_text(cmd.verb), from);
    return std::nullopt;
  }
  count_rx(cmd.verb);
  return dispatch(from, cmd);
}

std::optional<m::response> agent::handle_malformed(const m::peer& from, const m::parse_error& error) {
  if (!is_allowed(from)) {
    counters_.get("rx.refused_peer").add();
    return std::nullopt;
  }
  counters_.get("rx.malformed").add();
  if (!error.answerable()) return std::nullopt;
  if (error.code == m::return_code::unknown_command) counters_.get("fail.unknown_verb").add();
  else counters_.get(fmt::format("fail.parse_{}", m::to_int(error.code))).add();
  m::response r;
  r.code = error.code;
  r.id = *error.id;
  r.text = std::string(error.reason);
  return r;
}

m::response agent::dispatch(const m::peer&, const m::command& cmd) {
  // RFC 3435 §3.2.1: a profile (NCS, TGCP) is another protocol than plain MGCP 1.0.
  if (!cmd.version.profile.empty() || cmd.version.major != 1 || cmd.version.minor != 0)
    return reject(cmd, {failure::unsupported_version, "only MGCP 1.0 is supported"});
  if (auto ok = check_parameters(cmd); !ok) return reject(cmd, ok.error());
  switch (cmd.verb) {
    case m::verb::epcf: return epcf(cmd);
    case m::verb::crcx: return crcx(cmd);
    case m::verb::mdcx: return mdcx(cmd);
    case m::verb::dlcx: return dlcx(cmd);
    case m::verb::rqnt: return rqnt(cmd);
    case m::verb::auep: return auep(cmd);
    case m::verb::aucx: return aucx(cmd);
    // NTFY and RSIP go from gateways to call agents; MESG is not implemented (RFC 3435 §2.4:
    // 504 "unknown or unsupported command").
    case m::verb::ntfy:
    case m::verb::rsip:
    case m::verb::mesg: break;
  }
  return reject(cmd, {failure::unknown_verb, "unsupported command"});
}

namespace {

/// The parameters (besides K:, which the transaction layer owns) each verb takes from a call
/// agent, RFC 3435 §2.3.2-§2.3.11.
using code = m::parameter_code;
bool allowed(m::verb v, code c) {
  static constexpr code request_codes[] = {code::notified_entity, code::request_id, code::requested_events,
                                           code::signal_requests, code::digit_map, code::quarantine_handling,
                                           code::detect_events};
  const auto in_request = [&] {
    for (auto r : request_codes)
      if (r == c) return true;
    return false;
  };
  switch (v) {
    case m::verb::epcf: return c == code::bearer_information;
    case m::verb::crcx:
      return in_request() || c == code::call_id || c == code::local_connection_options ||
             c == code::connection_mode || c == code::second_endpoint_id;
    case m::verb::mdcx:
      return in_request() || c == code::call_id || c == code::connection_id ||
             c == code::local_connection_options || c == code::connection_mode;
    case m::verb::dlcx: return in_request() || c == code::call_id || c == code::connection_id;
    case m::verb::rqnt: return in_request();
    case m::verb::auep: return c == code::requested_info;
    case m::verb::aucx: return c == code::connection_id || c == code::requested_info;
    default: return true;
  }
}

}  // namespace

expected<void, rejection> agent::check_parameters(const m::command& cmd) const {
  const auto& p = cmd.params;
  std::vector<code> present;
  if (p.bearer) present.push_back(code::bearer_information);
  if (p.call) present.push_back(code::call_id);
  if (!p.connections.empty()) present.push_back(code::connection_id);
  if (p.notified) present.push_back(code::notified_entity);
  if (p.request) present.push_back(code::request_id);
  if (p.options) present.push_back(code::local_connection_options);
  if (p.mode) present.push_back(code::connection_mode);
  if (p.requested_events) present.push_back(code::requested_events);
  if (p.signal_requests) present.push_back(code::signal_requests);
  if (p.digits) present.push_back(code::digit_map);
  if (p.observed_events) present.push_back(code::observed_events);
  if (p.connection_stats) present.push_back(code::connection_parameters);
  if (p.reason) present.push_back(code::reason_code);
  if (!p.specific_endpoints.empty()) present.push_back(code::specific_endpoint_id);
  if (p.second_endpoint) present.push_back(code::second_endpoint_id);
  if (p.second_connection) present.push_back(code::second_connection_id);
  if (p.info) present.push_back(code::requested_info);
  if (p.quarantine) present.push_back(code::quarantine_handling);
  if (p.detect_events) present.push_back(code::detect_events);
  if (p.restart) present.push_back(code::restart_method);
  if (p.restart_delay_s) present.push_back(code::restart_delay);
  if (!p.capabilities.empty()) present.push_back(code::capabilities);
  if (p.event_states) present.push_back(code::event_states);
  if (p.packages) present.push_back(code::package_list);
  if (p.max_datagram) present.push_back(code::max_mgcp_datagram);
  for (auto c : present)
    if (!allowed(cmd.verb, c))
      return make_unexpected(rejection{failure::unexpected_parameter,
                                       fmt::format("{} not allowed in {}", m::code_text(c), m::verb_text(cmd.verb))});
  if (p.connections.size() > 1)
    return make_unexpected(rejection{failure::unexpected_parameter, "one I: only"});
  // Only CRCX and MDCX carry a RemoteConnectionDescriptor.
  if (!cmd.sessions.empty() && cmd.verb != m::verb::crcx && cmd.verb != m::verb::mdcx)
    return make_unexpected(rejection{failure::unexpected_parameter, "no session description expected"});
  return {};
}

expected<std::vector<endpoint*>, rejection> agent::resolve(const m::endpoint_name& name, wildcards allowed_kind,
                                                          const endpoint* exclude) {
  bool ours = iequals(name.domain.host, config_.domain);
  for (const auto& alias : config_.domain_aliases) ours = ours || iequals(name.domain.host, alias);
  if (!ours) return make_unexpected(rejection{failure::unknown_domain, "unknown domain"});
  const auto pattern = name_pattern::parse(name.local);
  if (!pattern) return make_unexpected(rejection{failure::unknown_endpoint, "endpoint unknown"});
  if (pattern->any_of() && allowed_kind != wildcards::any_of)
    return make_unexpected(rejection{failure::any_of_not_allowed, "\"$\" not allowed here"});
  if (pattern->all_of() && allowed_kind != wildcards::all_of)
    return make_unexpected(rejection{failure::all_of_not_allowed, "\"*\" not allowed here"});
  std::vector<endpoint*> out;
  if (!pattern->is_wildcard()) {
    const auto a = parse_local_name(name.local);
    if (!a) return make_unexpected(rejection{failure::unknown_endpoint, "endpoint unknown"});
    auto it = endpoints_.find(*a);
    if (it == endpoints_.end()) return make_unexpected(rejection{failure::unknown_endpoint, "endpoint unknown"});
    out.push_back(&it->second);
    return out;
  }
  if (pattern->any_of()) {
    // The free endpoints where the pattern can match, lowest first; the walk below (every
    // endpoint) only runs when none is free, to tell "none matches" from "none free".
    const auto [low, high] = pattern->candidate_range();
    for (auto it = idle_.lower_bound(low); it != idle_.end() && !(high < *it); ++it) {
      if (!pattern->matches(*it)) continue;
      auto& e = endpoints_.at(*it);
      if (&e == exclude) continue;
      out.push_back(&e);
      return out;
    }
  }
  bool any_match = false;
  for (auto& [a, e] : endpoints_) {
    if (!pattern->matches(a)) continue;
    any_match = true;
    // RFC 3435 §2.1.2 "any of": one endpoint that is free (in service, no connection).
    if (pattern->any_of() && (e.state != endpoint_state::idle || &e == exclude)) continue;
    out.push_back(&e);
    if (pattern->any_of()) break;
  }
  if (!any_match) return make_unexpected(rejection{failure::unknown_endpoint, "no endpoint matches"});
  if (out.empty()) return make_unexpected(rejection{failure::no_endpoint_available, "no endpoint available"});
  return out;
}

void agent::set_state(endpoint& e, endpoint_state s) {
  if (s == endpoint_state::idle) idle_.insert(e.address);
  else idle_.erase(e.address);
  e.state = s;
}

m::response agent::reject(const m::command& cmd, const rejection& why) {
  const auto reason = name(why.reason);
  counters_.get(fmt::format("fail.{}", reason)).add();
  counters_.get(fmt::format("{}.fail.{}", m::detail::to_lower_copy(m::verb_text(cmd.verb)), reason)).add();
  log::get("mgcp")->info("{} {} {}: {} ({})", m::verb_text(cmd.verb), cmd.id.value(), m::to_string(cmd.endpoint),
                         m::to_int(code_of(why.reason)), why.text);
  m::response r;
  r.code = code_of(why.reason);
  r.id = cmd.id;
  r.text = why.text;
  return r;
}

m::response agent::ok(const m::command& cmd, m::return_code c) {
  counters_.get(fmt::format("{}.ok", m::detail::to_lower_copy(m::verb_text(cmd.verb)))).add();
  m::response r;
  r.code = c;
  r.id = cmd.id;
  r.text = "OK";
  return r;
}

m::endpoint_name agent::name_of(const endpoint_address& a) const {
  m::endpoint_name n;
  n.local = a.local_name();
  n.domain.host = config_.domain;
  return n;
}

m::notified_entity agent::default_notified() const {
  m::notified_entity n;
  n.local = config_.call_agent_name;
  const auto& host = config_.call_agent.address;
  // An address literal is written in brackets (RFC 3435 §3.2.1.3); a host name as is.
  const bool literal = host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos;
  n.domain.host = literal ? fmt::format("[{}]", host) : host;
  n.domain.port = config_.call_agent.port;
  return n;
}

m::peer agent::peer_of(const std::optional<m::notified_entity>& n) const {
  if (!n) return config_.call_agent;
  std::string host = n->domain.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // RFC 3435 §3.2.2 NotifiedEntity: the default port of a call agent is 2727.
  return m::peer{host, n->domain.port.value_or(2727)};
}

m::connection_id agent::new_connection_id() {
  return m::connection_id{fmt::format("{:X}", next_connection_++)};
}

unsigned agent::max_connections(const endpoint& e) const {
  return e.address.is_bearer() ? config_.max_connections_bearer : config_.max_connections_rtp;
}

const endpoint* agent::find_endpoint(const endpoint_address& a) const {
  auto it = endpoints_.find(a);
  return it == endpoints_.end() ? nullptr : &it->second;
}

std::size_t agent::connection_count() const {
  std::size_t n = 0;
  for (const auto& [a, e] : endpoints_) n += e.connections.size();
  return n;
}

connection* endpoint::find(const m::connection_id& id) {
  for (auto& c : connections)
    if (iequals(c.id.value(), id.value())) return &c;
  return nullptr;
}

const connection* endpoint::find(const m::connection_id& id) const {
  for (const auto& c : connections)
    if (iequals(c.id.value(), id.value())) return &c;
  return nullptr;
}

}  // namespace tandem::gateway::mgcp
