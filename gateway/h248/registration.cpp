/// ServiceChange toward the controllers (H.248.1 §7.2.8, §11.2 registration, §11.4 MG
/// failures, §11.5 MGC failures and failover): the state machine of agent.hpp.
#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/h248/agent.hpp"

namespace tandem::gateway::h248 {

namespace {

std::string_view method_name(h::service_change_method m) {
  switch (m) {
    case h::service_change_method::failover: return "Failover";
    case h::service_change_method::forced: return "Forced";
    case h::service_change_method::graceful: return "Graceful";
    case h::service_change_method::restart: return "Restart";
    case h::service_change_method::disconnected: return "Disconnected";
    case h::service_change_method::handoff: return "Handoff";
    case h::service_change_method::extension: return "extension";
  }
  return "?";
}

bool failed(const h::transaction_reply& r) {
  if (r.error) return true;
  for (const auto& a : r.actions) {
    if (a.error) return true;
    for (const auto& c : a.commands)
      if (c.descriptors.error) return true;
  }
  return false;
}

}  // namespace

void agent::start() {
  if (config_.controllers.empty()) {
    log::get("h248")->warn("no H.248 controller configured: not registering");
    return;
  }
  register_with(0, h::service_change_method::restart, "\"901 Cold Boot\"");
}

void agent::send_service_change(const std::string& target, h::service_change_method method, std::string reason,
                                std::optional<std::uint32_t> delay) {
  auto to = controller();
  if (!to) return;
  h::service_change_descriptor sc;
  sc.method = method;
  sc.reason = std::move(reason);
  sc.delay = delay;
  if (target == "ROOT") {
    sc.version = config_.version;
    if (!config_.profile.empty()) sc.profile = config_.profile;
  }
  h::command_request c;
  c.kind = h::command_kind::service_change;
  c.termination.name = target;
  c.descriptors.service_change = std::move(sc);
  h::action_request a;
  a.context = h::context_id::null();
  a.commands.push_back(std::move(c));
  std::vector<h::action_request> actions;
  actions.push_back(std::move(a));
  auto id = notifier_.send_request(*to, std::move(actions));
  if (!id) {
    count("service_change.send_failed");
    return;
  }
  outgoing_[id->value()] = "ServiceChange";
  count(fmt::format("tx.service_change.{}", method_name(method)));
  log::get("h248")->info("ServiceChange {} {} to {}:{}", target, method_name(method), to->address, to->port);
  if (target == "ROOT" && (method == h::service_change_method::restart || method == h::service_change_method::failover ||
                                method == h::service_change_method::disconnected || method == h::service_change_method::handoff))
    registration_ = *id;
}

void agent::register_with(std::size_t index, h::service_change_method method, std::string reason) {
  if (retry_timer_) {
    timers_.cancel(*retry_timer_);
    retry_timer_.reset();
  }
  controller_index_ = index;
  state_ = agent_state::registering;
  send_service_change("ROOT", method, std::move(reason));
  if (!registration_) next_controller(false);
}

void agent::next_controller(bool lost) {
  handoff_target_.reset();
  registration_.reset();
  const auto n = config_.controllers.size();
  if (n == 0) return;
  if (lost) log::get("h248")->warn("controller {} lost", config_.controllers[controller_index_ % n].address);
  ++failed_in_a_row_;
  if (failed_in_a_row_ >= n) {
    // §11.5: none answered: wait, then start again from the primary.
    failed_in_a_row_ = 0;
    state_ = agent_state::waiting;
    count("registration.all_failed");
    auto alive = alive_;
    retry_timer_ = timers_.schedule_after(config_.retry_after_all_failed, [this, alive] {
      if (!*alive) return;
      retry_timer_.reset();
      if (ever_registered_)
        register_with(0, h::service_change_method::disconnected, "\"900 Service Restored\"");
      else
        register_with(0, h::service_change_method::restart, "\"901 Cold Boot\"");
    });
    return;
  }
  const auto next = (controller_index_ + 1) % n;
  if (ever_registered_)
    register_with(next, h::service_change_method::failover, "\"909 MGC Impending Failure\"");
  else
    register_with(next, h::service_change_method::restart, "\"901 Cold Boot\"");
}

void agent::on_reply(const h::peer& from, const h::transaction_reply& reply) {
  auto it = outgoing_.find(reply.id.value());
  if (it == outgoing_.end()) {
    count("rx.unknown_reply");
    return;
  }
  const auto what = it->second;
  outgoing_.erase(it);
  if (!registration_ || *registration_ != reply.id) {
    if (failed(reply)) {
      count("rx.rejected");
      log::get("h248")->warn("{} rejected by {}:{}", what, from.address, from.port);
    }
    return;
  }
  registration_.reset();
  if (failed(reply)) {
    count("registration.refused");
    log::get("h248")->warn("registration refused by {}:{}", from.address, from.port);
    next_controller(false);
    return;
  }
  // §11.2: the reply may name another MGC to register with (MgcIdToTry).
  for (const auto& a : reply.actions)
    for (const auto& c : a.commands)
      if (c.descriptors.service_change && c.descriptors.service_change->mgc_id &&
          c.descriptors.service_change->mgc_id->kind == h::mid_kind::ipv4) {
        const auto& mid = *c.descriptors.service_change->mgc_id;
        handoff_target_ = h::peer{mid.name, mid.port.value_or(2944)};
        count("registration.redirected");
        send_service_change("ROOT", h::service_change_method::handoff, "\"903 MGC Directed Change\"");
        return;
      }
  state_ = agent_state::in_service;
  ever_registered_ = true;
  failed_in_a_row_ = 0;
  count("registration.accepted");
  log::get("h248")->info("registered with {}:{}", from.address, from.port);
}

void agent::on_transaction_failed(const h::peer& to, h::transaction_id id) {
  auto it = outgoing_.find(id.value());
  if (it == outgoing_.end()) return;
  outgoing_.erase(it);
  count("tx.failed");
  if (registration_ && *registration_ == id) {
    log::get("h248")->warn("no answer to ServiceChange from {}:{}", to.address, to.port);
    next_controller(false);
    return;
  }
  if (state_ == agent_state::in_service) {
    count("controller.lost");
    next_controller(true);
  }
}

void agent::set_span_in_service(unsigned span, bool in_service) {
  bool any = false;
  for (auto& [key, t] : terminations_)
    if (t.address.kind == termination_kind::tdm && t.address.span == span) {
      any = true;
      t.span_up = in_service;
      if (!in_service) stop_signals(t);
    }
  if (!any) return;
  count(in_service ? "spans.restored" : "spans.down");
  if (state_ != agent_state::in_service) return;
  if (in_service)
    send_service_change(fmt::format("tdm/{}/*", span), h::service_change_method::restart, "\"900 Service Restored\"");
  else
    send_service_change(fmt::format("tdm/{}/*", span), h::service_change_method::forced, "\"904 Termination malfunctioning\"");
}

void agent::shut_down(bool graceful, std::chrono::seconds delay) {
  if (state_ != agent_state::in_service) return;
  if (graceful)
    send_service_change("ROOT", h::service_change_method::graceful, "\"905 Termination taken out of service\"",
                        static_cast<std::uint32_t>(delay.count()));
  else
    send_service_change("ROOT", h::service_change_method::forced, "\"905 Termination taken out of service\"");
}

}  // namespace tandem::gateway::h248
