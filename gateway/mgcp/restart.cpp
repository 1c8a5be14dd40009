/// RestartInProgress (RFC 3435 §2.3.12, §4.4.6): on start, on span alarms, and the
/// disconnected procedure; and the responses to the commands the gateway sends.
#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/mgcp/agent.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;

void agent::start() {
  if (restart_timer_) return;
  // RFC 3435 §4.4.6: wait a random time before the first RSIP so that a whole site of
  // gateways coming back from a power cut does not flood the call agent.
  std::chrono::milliseconds wait{0};
  if (config_.max_restart_wait.count() > 0)
    wait = std::chrono::milliseconds(random_() % (static_cast<std::uint32_t>(config_.max_restart_wait.count()) + 1));
  std::weak_ptr<bool> alive = alive_;
  restart_timer_ = timers_.schedule_after(wait, [this, alive] {
    if (auto live = alive.lock(); live && *live) restart_due();
  });
}

void agent::restart_due() {
  restart_timer_.reset();
  for (auto& [a, e] : endpoints_) {
    e.last_restart = m::restart_method{config_.restart_method, {}};
    e.last_restart_delay_s = static_cast<std::uint32_t>(config_.restart_delay.count());
  }
  send_rsip(config_.restart_method, static_cast<std::uint32_t>(config_.restart_delay.count()), "*");
}

void agent::send_rsip(m::restart_method_kind method, std::uint32_t delay_s, const std::string& local) {
  m::command cmd;
  cmd.verb = m::verb::rsip;
  cmd.id = m::transaction_id{0};
  cmd.endpoint.local = local;
  cmd.endpoint.domain.host = config_.domain;
  cmd.params.restart = m::restart_method{method, {}};
  // RFC 3435 §2.3.12: RD: only means something for graceful and restart.
  if (delay_s > 0 && (method == m::restart_method_kind::graceful || method == m::restart_method_kind::restart))
    cmd.params.restart_delay_s = delay_s;
  if (state_ != agent_state::in_service || local == "*") state_ = agent_state::restarting;
  counters_.get("tx.rsip").add();
  std::string method_text;
  m::append(method_text, m::restart_method{method, {}});
  log::get("mgcp")->info("RSIP {}@{} RM: {} to {}", local, config_.domain, method_text, config_.call_agent);
  const auto txid = notifier_.send_command(config_.call_agent, cmd);
  outgoing_[txid.value()] = outgoing{m::verb::rsip, std::nullopt};
}

void agent::on_disconnected_procedure_due(const m::peer& p) {
  if (p != config_.call_agent) return;
  counters_.get("disconnected_procedures").add();
  state_ = agent_state::disconnected;
  send_rsip(m::restart_method_kind::disconnected, 0, "*");
}

void agent::on_response(const m::peer& from, const m::response& r) {
  auto it = outgoing_.find(r.id.value());
  if (it == outgoing_.end()) {
    counters_.get("rx.unexpected_response").add();
    return;
  }
  const outgoing o = it->second;
  outgoing_.erase(it);
  const bool success = m::is_success(r.code);
  counters_.get(fmt::format("{}.{}", m::detail::to_lower_copy(m::verb_text(o.verb)),
                            success ? "answered" : "refused")).add();
  switch (o.verb) {
    case m::verb::rsip:
      if (success) {
        state_ = agent_state::in_service;
        // RFC 3435 §4.4.6: the answer may hand us to another call agent.
        if (r.params.notified) config_.call_agent = peer_of(r.params.notified);
      }
      break;
    case m::verb::ntfy: {
      if (!o.endpoint) break;
      auto e = endpoints_.find(*o.endpoint);
      if (e == endpoints_.end()) break;
      auto& n = e->second.notify;
      if (n.pending_ntfy != r.id || n.state != notification_state::notifying) {
        // A new request arrived before this answer: the answer changes nothing (counted).
        counters_.get("ntfy.answer_after_new_request").add();
        break;
      }
      n.pending_ntfy.reset();
      // RFC 3435 §4.4.1: "loop" keeps the request armed and replays the quarantine; "step"
      // (the default) waits for the next request.
      if (n.quarantine.mode == m::quarantine_mode::loop) {
        n.state = notification_state::armed;
        auto quarantined = std::move(n.quarantined);
        n.quarantined.clear();
        for (const auto& ev : quarantined) process_event(e->second, ev, true);
      } else {
        n.state = notification_state::awaiting_request;
      }
      break;
    }
    default: break;
  }
  (void)from;
}

void agent::on_transaction_failed(const m::peer&, m::transaction_id id) {
  auto it = outgoing_.find(id.value());
  if (it == outgoing_.end()) return;
  counters_.get(fmt::format("{}.failed", m::detail::to_lower_copy(m::verb_text(it->second.verb)))).add();
  if (it->second.verb == m::verb::rsip) state_ = agent_state::disconnected;
  if (it->second.verb == m::verb::ntfy && it->second.endpoint) {
    auto e = endpoints_.find(*it->second.endpoint);
    if (e != endpoints_.end() && e->second.notify.pending_ntfy == id) {
      e->second.notify.pending_ntfy.reset();
      e->second.notify.state = notification_state::awaiting_request;
    }
  }
  outgoing_.erase(it);
}

void agent::set_span_in_service(unsigned span, bool in_service) {
  std::optional<endpoint_kind> kind;
  for (auto& [a, e] : endpoints_) {
    if (!a.is_bearer() || a.span != span) continue;
    kind = a.kind;
    if (!in_service) {
      if (e.state == endpoint_state::out_of_service) continue;
      // RFC 3435 §2.3.12 forced restart: connections are gone, no DLCX is sent for them.
      while (!e.connections.empty()) drop_connection(e, e.connections.front().id);
      stop_signals(e);
      set_state(e, endpoint_state::out_of_service);
      e.last_restart = m::restart_method{m::restart_method_kind::forced, {}};
      e.last_reason = m::reason_code{905, "facility failure"};
      counters_.get("endpoints.out_of_service").add();
    } else if (e.state == endpoint_state::out_of_service) {
      set_state(e, endpoint_state::idle);
      e.last_restart = m::restart_method{m::restart_method_kind::restart, {}};
      e.last_reason = m::reason_code{};
    }
  }
  if (!kind) return;
  const auto local = fmt::format("ds/{}-{}/*", *kind == endpoint_kind::t1 ? "t1" : "e1", span);
  send_rsip(in_service ? m::restart_method_kind::restart : m::restart_method_kind::forced, 0, local);
}

}  // namespace tandem::gateway::mgcp
