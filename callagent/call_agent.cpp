#include "callagent/call_agent.hpp"
#include "callagent/link_port.hpp"
#include "proto/mgcp/detail/text.hpp"

#include <fmt/format.h>

namespace tandem::callagent {

std::string_view to_string(call_event e) {
  switch (e) {
    case call_event::far_alerting: return "far alerting";
    case call_event::far_answer: return "far answer";
    case call_event::clear: return "clear";
  }
  return "?";
}

std::optional<call_state> next_state(call_state from, call_event event) {
  switch (event) {
    case call_event::far_alerting:
      if (from == call_state::setting_up || from == call_state::ringing) return call_state::ringing;
      break;
    case call_event::far_answer:
      if (from == call_state::setting_up || from == call_state::ringing) return call_state::answered;
      break;
    case call_event::clear:
      if (from != call_state::releasing) return call_state::releasing;
      break;
  }
  return std::nullopt;
}

bool call_agent::call_transition(call& c, call_event event) {
  auto next = next_state(c.state, event);
  if (!next) {
    counters_.get("call.illegal_event").add();
    log_->warn("call {}: illegal event '{}' in state {}", c.mgcp_call, to_string(event), to_string(c.state));
    return false;
  }
  c.state = *next;
  return true;
}

std::string_view to_string(call_state s) {
  switch (s) {
    case call_state::setting_up: return "setting_up";
    case call_state::ringing: return "ringing";
    case call_state::answered: return "answered";
    case call_state::releasing: return "releasing";
  }
  return "?";
}

namespace {

/// RFC 3435 §3.5.1 (transaction ids stay unique across restarts of the entity): a call agent
/// started again must not reuse the ids gateways still remember (T-HIST), so unless told
/// otherwise it starts from a point taken from the wall clock.
mgcp::transaction_config first_ids_from_clock(mgcp::transaction_config c, const wall_clock& wall) {
  if (c.first_transaction_id != 1) return c;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wall().time_since_epoch()).count();
  c.first_transaction_id = 1 + static_cast<std::uint32_t>(static_cast<std::uint64_t>(secs) % 900'000'000u);
  return c;
}

}  // namespace

call_agent::call_agent(ca_config config, timer_service& timers, wall_clock wall, mgcp_transport& transport,
                       cdr_sink* cdr, counter_set& counters, mgcp::transaction_config mgcp_config)
    : config_(std::move(config)),
      timers_(timers),
      wall_(std::move(wall)),
      cdr_(cdr),
      counters_(counters),
      mgcp_(timers, counters, transport, first_ids_from_clock(mgcp_config, wall_)) {
  mgcp_.set_handler(this);
  for (const auto& g : config_.gateways) {
    gateway_config c = g;
    if (c.domain.empty()) c.domain = g.name;
    const std::string domain = c.domain;
    gateways_.emplace(g.name, gateway(std::move(c), mgcp_client(mgcp_, domain, mgcp::peer{g.address, g.port})));
  }
  for (const auto& t : config_.trunk_groups) {
    std::vector<circuit_index> members;
    const auto& pattern = gateways_.at(t.gateway).config.endpoint_pattern;
    for (const auto& s : t.spans)
      for (unsigned ch : s.channels)
        members.push_back(circuits_.add(t.gateway, s.span, ch, endpoint_local_name(pattern, s.span, ch)));
    groups_.emplace(t.name, trunk_group(t.name, t.gateway, t.hunting, std::move(members)));
  }
  // RFC 3435 §2.3.5: a CallId is unique; the start time keeps ids of a restarted agent apart.
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wall_().time_since_epoch()).count();
  next_call_ = (static_cast<std::uint64_t>(secs) & 0xFFFFFFu) << 24 | 1u;
}

call_agent::~call_agent() {
  if (sip_ != nullptr) sip_->set_handler(nullptr);
  for (auto& [key, port] : links_) port->link.set_handler(nullptr);
  for (auto& [name, gw] : gateways_) {
    if (gw.keepalive) timers_.cancel(*gw.keepalive);
    if (gw.pending) timers_.cancel(*gw.pending);
  }
  for (auto& [id, c] : calls_)
    if (c.no_answer) timers_.cancel(*c.no_answer);
}

bool call_agent::attach_link(const std::string& gateway_name, unsigned span, q931_link& link) {
  if (!gateways_.contains(gateway_name)) return false;
  auto port = std::make_unique<link_port>(*this, gateway_name, span, link);
  link.set_handler(port.get());
  links_[{gateway_name, span}] = std::move(port);
  return true;
}

void call_agent::start() {
  for (auto& [name, gw] : gateways_) {
    audit_gateway(name, false);
    schedule_keepalive(gw);
  }
}

std::optional<gateway_state> call_agent::state_of(const std::string& name) const {
  auto it = gateways_.find(name);
  if (it == gateways_.end()) return std::nullopt;
  return it->second.state;
}

const call* call_agent::find_call(call_ref id) const {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : &it->second;
}

std::vector<call_ref> call_agent::call_ids() const {
  std::vector<call_ref> out;
  for (const auto& [id, c] : calls_) out.push_back(id);
  return out;
}

call* call_agent::find(call_ref id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : &it->second;
}

std::optional<call_agent::leg_key> call_agent::find_leg(const link_port& port, q931_call_ref ref) {
  auto it = refs_.find({port.gateway, port.span, ref.value()});
  if (it == refs_.end()) return std::nullopt;
  return it->second;
}

call_agent::link_port* call_agent::port_of(const std::string& gateway_name, unsigned span) {
  auto it = links_.find({gateway_name, span});
  return it == links_.end() ? nullptr : it->second.get();
}

gateway* call_agent::find_gateway(const std::string& name) {
  auto it = gateways_.find(name);
  return it == gateways_.end() ? nullptr : &it->second;
}

void call_agent::leg_event_on(call& c, std::size_t leg, leg_event event) {
  pri_leg& l = c.legs[leg];
  auto next = next_state(l.state, event);
  if (!next) {
    counters_.get("leg.illegal_event").add();
    log_->warn("call {} leg {} ({}@{}): illegal event '{}' in state {}", c.mgcp_call, leg, l.endpoint, l.gateway,
               to_string(event), to_string(l.state));
    return;
  }
  log_->debug("call {} leg {} ({}@{}): {} -> {} on {}", c.mgcp_call, leg, l.endpoint, l.gateway, to_string(l.state),
              to_string(*next), to_string(event));
  l.state = *next;
}

bool call_agent::is_current(const call& c, std::size_t leg) const {
  return leg == 0 || (c.term && *c.term == leg);
}

mgcp::endpoint_name call_agent::endpoint_of(const std::string& gateway_name, const std::string& local) const {
  auto it = gateways_.find(gateway_name);
  if (it != gateways_.end()) return it->second.client.endpoint(local);
  mgcp::endpoint_name e;
  e.local = local;
  e.domain.host = gateway_name;
  return e;
}

void call_agent::send_mgcp(const std::string& gateway_name, mgcp::command command, mgcp_callback done) {
  gateway* gw = find_gateway(gateway_name);
  if (gw == nullptr) {
    done(make_unexpected(mgcp_failure::not_sent));
    return;
  }
  counters_.get(fmt::format("mgcp.tx.{}", mgcp::detail::to_lower_copy(mgcp::verb_text(command.verb)))).add();
  gw->client.send(std::move(command), std::move(done));
}

mgcp::command call_agent::connection_command(mgcp::verb v, const call& c, const pri_leg& leg) const {
  mgcp::command cmd;
  cmd.verb = v;
  cmd.endpoint = endpoint_of(leg.gateway, leg.endpoint);
  cmd.params.call = c.mgcp_call;
  if (v != mgcp::verb::crcx) cmd.params.connections.push_back(leg.connection_id);
  return cmd;
}

void call_agent::modify_connection(call& c, std::size_t leg, mgcp::connection_mode_kind mode, bool with_remote,
                                   std::function<void(call&)> then) {
  pri_leg& l = c.legs[leg];
  if (l.connection != connection_state::active) return;
  mgcp::command cmd = connection_command(mgcp::verb::mdcx, c, l);
  cmd.params.mode = mgcp::connection_mode{mode, {}};
  l.mode = mode;
  if (with_remote) {
    // The remote descriptor of a leg is the local one of the other side (RFC 3435 §2.3.6).
    const std::size_t other = leg == 0 ? c.term.value_or(0) : 0;
    if (other != leg && !c.legs[other].local_sdp.empty()) cmd.sessions.push_back(c.legs[other].local_sdp);
  }
  const call_ref id = c.id;
  send_mgcp(l.gateway, std::move(cmd), [this, id, leg, then = std::move(then)](const mgcp_result& r) {
    if (r && mgcp::is_success(r->code)) {
      call* cc = find(id);
      if (then && cc != nullptr && cc->state != call_state::releasing) then(*cc);
      return;
    }
    call* cc = find(id);
    if (cc == nullptr || cc->state == call_state::releasing) return;
    counters_.get("bearer.mdcx_failed").add();
    log_->warn("call {} leg {}: MDCX failed ({})", cc->mgcp_call, leg,
               r ? fmt::format("{}", mgcp::to_int(r->code)) : std::string(to_string(r.error())));
    clear_call(id, r ? cause::temporary_failure : cause::network_out_of_order, released_by::call_agent);
  });
}

}  // namespace tandem::callagent
