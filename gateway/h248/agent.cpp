/// The H.248 agent: dispatch of transactions, actions and commands (H.248.1 §6, §8.2.2),
/// termination resolution with wildcards (§6.2.2), contexts.
#include "gateway/h248/agent.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/log.hpp"

namespace tandem::gateway::h248 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// PRI bearer slots when the span lists none (as the MGCP agent: E1 1-15, 17-31; T1 1-23).
std::vector<unsigned> bearer_slots(const mgcp::span_config& s) {
  if (!s.bearer_slots.empty()) return s.bearer_slots;
  std::vector<unsigned> out;
  if (s.t1) {
    for (unsigned i = 1; i <= 23; ++i) out.push_back(i);
  } else {
    for (unsigned i = 1; i <= 31; ++i)
      if (i != 16) out.push_back(i);
  }
  return out;
}

}  // namespace

agent::agent(agent_config config, const codecs::registry& codecs, mgcp::media_control& media,
             agent_notifier& notifier, timer_service& timers, counter_set& counters)
    : config_(std::move(config)), media_(media), notifier_(notifier), timers_(timers), counters_(counters) {
  std::vector<std::string> missing;
  caps_ = mgcp::load_capabilities(codecs, config_.codecs, &missing);
  for (const auto& m : missing) log::get("h248")->warn("codec {} is not in this build: left out", m);
  for (const auto& s : config_.spans) {
    for (unsigned slot : bearer_slots(s)) {
      termination t;
      t.address = {termination_kind::tdm, s.number, slot};
      t.endpoint = mgcp::endpoint_address{s.t1 ? mgcp::endpoint_kind::t1 : mgcp::endpoint_kind::e1, s.number, slot};
      t.echo_cancellation = config_.echo_cancellation_default;
      const auto key = t.address.name();
      by_endpoint_[*t.endpoint] = key;
      terminations_.emplace(key, std::move(t));
    }
  }
}

agent::~agent() {
  *alive_ = false;
  for (auto& [key, t] : terminations_) {
    for (auto& s : t.signals)
      if (s.timer) timers_.cancel(*s.timer);
    if (t.continuity_timer) timers_.cancel(*t.continuity_timer);
    if (t.digits && t.digits->timer) timers_.cancel(*t.digits->timer);
  }
  if (retry_timer_) timers_.cancel(*retry_timer_);
  if (inactivity_timer_) timers_.cancel(*inactivity_timer_);
}

bool agent::is_allowed(const h::peer& from) const {
  if (handoff_target_ && *handoff_target_ == from) return true;
  return std::any_of(config_.controllers.begin(), config_.controllers.end(), [&](const h::peer& c) {
    return c.address == from.address && (c.port == 0 || c.port == from.port);
  });
}

std::optional<h::peer> agent::controller() const {
  if (handoff_target_) return handoff_target_;
  if (config_.controllers.empty()) return std::nullopt;
  return config_.controllers[controller_index_ % config_.controllers.size()];
}

std::size_t agent::rtp_termination_count() const noexcept {
  return static_cast<std::size_t>(std::count_if(terminations_.begin(), terminations_.end(), [](const auto& kv) {
    return kv.second.address.kind == termination_kind::rtp;
  }));
}

std::optional<std::uint32_t> agent::context_of(std::string_view name) const {
  const auto* t = find(name);
  if (t == nullptr) return std::nullopt;
  return t->context;
}

void agent::count(std::string_view name) { counters_.get(name).add(); }

agent::termination* agent::find(std::string_view name) {
  auto it = terminations_.find(lower(name));
  return it == terminations_.end() ? nullptr : &it->second;
}

const agent::termination* agent::find(std::string_view name) const {
  auto it = terminations_.find(lower(name));
  return it == terminations_.end() ? nullptr : &it->second;
}

agent::context* agent::context_by_id(std::uint32_t id) {
  auto it = contexts_.find(id);
  return it == contexts_.end() ? nullptr : &it->second;
}

agent::result<std::uint32_t> agent::create_context() {
  if (contexts_.size() >= config_.max_contexts)
    return make_unexpected(error{h::error_code::no_context_ids_available, "no context ids available"});
  while (contexts_.contains(next_context_) || next_context_ == 0 || next_context_ > h::max_context_id)
    next_context_ = next_context_ >= h::max_context_id ? 1 : next_context_ + 1;
  const auto id = next_context_++;
  contexts_[id].id = id;
  count("contexts.created");
  return id;
}

void agent::remove_from_context(termination& t) {
  if (t.context == 0) return;
  const auto id = t.context;
  detach(t);
  if (auto* c = context_by_id(id)) std::erase(c->members, t.address.name());
  t.context = 0;
  // The RTP terminations left may lose their TDM host (sync_media detaches them).
  if (contexts_.contains(id)) (void)sync_media(id);
}

void agent::drop_context_if_empty(std::uint32_t id) {
  auto it = contexts_.find(id);
  if (it != contexts_.end() && it->second.members.empty()) {
    contexts_.erase(it);
    count("contexts.deleted");
  }
}

h::transaction_reply agent::handle(const h::peer& from, const h::transaction_request& request) {
  on_controller_activity(from);
  count("rx.requests");
  h::transaction_reply reply;
  reply.id = request.id;
  bool stop = false;
  for (const auto& action : request.actions) {
    run_action(action, reply.actions, stop);
    if (stop) break;
  }
  return reply;
}

void agent::run_action(const h::action_request& action, std::vector<h::action_reply>& out, bool& stop) {
  // §6.1.3 topology: only the default (every pair bothway) is carried by the media plane.
  for (const auto& triple : action.properties.topology)
    if (triple.direction != h::topology_direction::bothway) {
      h::action_reply r;
      r.context = action.context;
      r.error = error{h::error_code::topology_not_supported, "only bothway topology is supported"};
      out.push_back(std::move(r));
      stop = true;
      count("fail.topology");
      return;
    }

  // ALL names existing contexts: nothing can be added to or moved into every one of them.
  if (action.context.kind == h::context_kind::all)
    for (const auto& cmd : action.commands)
      if (cmd.kind == h::command_kind::add || cmd.kind == h::command_kind::move) {
        h::action_reply r;
        r.context = action.context;
        r.error = error{h::error_code::unknown_action, "Add and Move need one context, not ALL"};
        out.push_back(std::move(r));
        stop = true;
        count("fail.all_context_add");
        return;
      }

  std::vector<std::uint32_t> targets;
  bool choose = false;
  switch (action.context.kind) {
    case h::context_kind::null_context: targets.push_back(0); break;
    case h::context_kind::choose: targets.push_back(0); choose = true; break;
    case h::context_kind::specific:
      if (!contexts_.contains(action.context.value)) {
        h::action_reply r;
        r.context = action.context;
        r.error = error{h::error_code::unknown_context_id, fmt::format("context {} is unknown", action.context.value)};
        out.push_back(std::move(r));
        stop = true;
        count("fail.unknown_context");
        return;
      }
      targets.push_back(action.context.value);
      break;
    case h::context_kind::all:
      for (const auto& [id, c] : contexts_) targets.push_back(id);
      break;
  }

  for (std::uint32_t target : targets) {
    h::action_reply r;
    std::uint32_t ctx = target;
    for (const auto& cmd : action.commands) {
      auto done = execute(cmd, ctx, choose && ctx == 0);
      if (!done) {
        count(fmt::format("fail.{}", h::to_int(done.error().code)));
        log::get("h248")->info("{} refused: {} {}", h::command_name(cmd.kind), h::to_int(done.error().code),
                               done.error().text);
        if (cmd.optional) continue;  // §8.2.2: an optional command's failure does not end the transaction
        r.error = std::move(done.error());
        stop = true;
        break;
      }
      for (auto& c : *done) r.commands.push_back(std::move(c));
    }
    if (action.context.kind == h::context_kind::choose) {
      r.context = ctx != 0 ? h::context_id::of(ctx) : h::context_id::choose();
    } else if (action.context.kind == h::context_kind::all) {
      r.context = h::context_id::of(ctx);
    } else {
      r.context = action.context;
    }
    if (ctx != 0) drop_context_if_empty(ctx);
    out.push_back(std::move(r));
    if (stop) return;
  }
  if (targets.empty()) {
    // ALL with no context: nothing matched.
    h::action_reply r;
    r.context = action.context;
    r.error = error{h::error_code::no_termination_matched_wildcard, "no context exists"};
    out.push_back(std::move(r));
    stop = true;
  }
}

agent::result<std::vector<h::command_reply>> agent::execute(const h::command_request& cmd, std::uint32_t& ctx,
                                                           bool choose) {
  count(fmt::format("rx.{}", lower(h::command_name(cmd.kind))));
  const bool creates = cmd.kind == h::command_kind::add || cmd.kind == h::command_kind::move;
  // §6.1.1: a CHOOSE context comes into being by Add or Move; until then nothing names it.
  if (choose && ctx == 0 && !creates)
    return make_unexpected(error{h::error_code::unknown_action, fmt::format("{} in a context not yet created ($)",
                                                                            h::command_name(cmd.kind))});
  switch (cmd.kind) {
    case h::command_kind::add: return add(cmd, ctx, choose);
    case h::command_kind::modify: return modify(cmd, ctx);
    case h::command_kind::subtract: return subtract(cmd, ctx);
    case h::command_kind::move: return move(cmd, ctx, choose);
    case h::command_kind::audit_value: return audit(cmd, ctx, false);
    case h::command_kind::audit_capabilities: return audit(cmd, ctx, true);
    case h::command_kind::service_change: return service_change_from_mgc(cmd, ctx);
    case h::command_kind::notify:
      // §7.2.7: Notify goes from the MG to the MGC only.
      return make_unexpected(error{h::error_code::unknown_command, "Notify is sent by the MG, not to it"});
  }
  return make_unexpected(error{h::error_code::unknown_command, "unknown command"});
}

agent::result<std::vector<agent::termination*>> agent::resolve(const h::termination_id& id, std::uint32_t ctx,
                                                              bool any_context) {
  std::vector<termination*> out;
  if (!id.is_all() && !id.is_choose()) {
    auto* t = find(id.name);
    if (t == nullptr) return make_unexpected(error{h::error_code::unknown_termination_id, id.name + " is unknown"});
    if (!any_context && t->context != ctx)
      return make_unexpected(error{h::error_code::termination_not_in_context,
                                   fmt::format("{} is not in context {}", id.name, ctx == 0 ? std::string("-") : std::to_string(ctx))});
    out.push_back(t);
    return out;
  }
  // ALL: every termination matching, in this context (the null context: terminations outside
  // any). A bare `*` in the null context would name every idle timeslot: allowed for audits.
  for (auto& [key, t] : terminations_)
    if ((any_context || t.context == ctx) && (id.name == "*" || id.matches(key))) out.push_back(&t);
  if (out.empty())
    return make_unexpected(error{h::error_code::no_termination_matched_wildcard, id.name + " matches no termination"});
  return out;
}

}  // namespace tandem::gateway::h248
