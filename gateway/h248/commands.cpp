/// Add, Modify, Subtract, Move (H.248.1 §7.2.1-§7.2.4) and the ServiceChange an MGC sends
/// (§7.2.8). Each validates the whole command before it changes anything.
#include <algorithm>

#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/h248/agent.hpp"

namespace tandem::gateway::h248 {

namespace {

bool is_prefix_choose(const h::termination_id& id, std::string_view prefix) {
  return id.is_choose() && id.name.size() > prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), id.name.begin(), [](char a, char b) {
           return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
         });
}

}  // namespace

agent::result<std::vector<h::command_reply>> agent::add(const h::command_request& cmd, std::uint32_t& ctx, bool choose) {
  if (ctx == 0 && !choose)
    return make_unexpected(error{h::error_code::unknown_action, "Add needs a context (an id or $), not the null context"});
  if (cmd.termination.is_root())
    return make_unexpected(error{h::error_code::command_not_allowed_on_termination, "ROOT cannot be added"});
  if (cmd.termination.is_all())
    return make_unexpected(error{h::error_code::incorrect_identifier, "Add takes one termination, not ALL"});
  if (ctx != 0) {
    if (const auto* c = context_by_id(ctx); c != nullptr && c->members.size() >= config_.max_terminations_per_context)
      return make_unexpected(error{h::error_code::max_terminations_in_context,
                                   fmt::format("context {} has its {} terminations", ctx, config_.max_terminations_per_context)});
  }

  // Which termination: a new RTP one, a free TDM one ($), or a named TDM one.
  termination fresh;
  termination* target = nullptr;
  bool create_rtp = false;
  if (is_prefix_choose(cmd.termination, "rtp/")) {
    if (rtp_termination_count() >= config_.max_rtp_terminations)
      return make_unexpected(error{h::error_code::out_of_termination_ids, "no RTP termination available"});
    create_rtp = true;
    fresh.address = {termination_kind::rtp, 0, 0};
    target = &fresh;
  } else if (cmd.termination.is_choose()) {
    for (auto& [key, t] : terminations_)
      if (t.address.kind == termination_kind::tdm && t.context == 0 && t.in_service && t.span_up &&
          cmd.termination.matches(key)) {
        target = &t;
        break;
      }
    if (target == nullptr)
      return make_unexpected(error{h::error_code::out_of_termination_ids, cmd.termination.name + ": none free"});
  } else {
    target = find(cmd.termination.name);
    if (target == nullptr)
      return make_unexpected(error{h::error_code::unknown_termination_id, cmd.termination.name + " is unknown"});
    if (target->address.kind == termination_kind::rtp)
      return make_unexpected(error{h::error_code::termination_already_in_context, target->address.name() +
                                                                                   " exists: RTP terminations are added with rtp/$"});
    if (target->context != 0)
      return make_unexpected(error{h::error_code::termination_already_in_context,
                                   fmt::format("{} is in context {}", target->address.name(), target->context)});
    if (!target->in_service || !target->span_up)
      return make_unexpected(error{h::error_code::service_unavailable, target->address.name() + " is out of service"});
  }
  if (!create_rtp && ctx != 0 && tdm_of(ctx) != nullptr)
    return make_unexpected(error{h::error_code::not_implemented,
                                 "two TDM terminations in one context (a hairpin) are not supported"});
  // An RTP termination's connection lives on the context's TDM timeslot (agent.hpp).
  if (create_rtp) {
    const bool has_tdm = ctx != 0 && tdm_of(ctx) != nullptr;
    if (!has_tdm)
      return make_unexpected(error{h::error_code::not_implemented,
                                   "an RTP termination needs a TDM termination in its context first"});
  }
  if (auto ok = check_descriptors(*target, cmd.descriptors, ctx); !ok) return make_unexpected(ok.error());
  if (create_rtp) {
    // Negotiate before anything exists: a codec mismatch leaves no state behind.
    termination probe = fresh;
    if (cmd.descriptors.media) {
      const auto& m = *cmd.descriptors.media;
      const h::stream_parms* p = m.single_stream ? &*m.single_stream : (m.streams.empty() ? nullptr : &m.streams.front().parms);
      if (p != nullptr) {
        probe.local_offer = p->local;
        if (p->remote && !p->remote->empty()) probe.remote_sdp = p->remote;
      }
    }
    if (auto n = negotiate(probe); !n) return make_unexpected(n.error());
  }

  // ---- validated: change state ----
  bool created_context = false;
  if (ctx == 0) {
    auto id = create_context();
    if (!id) return make_unexpected(id.error());
    ctx = *id;
    created_context = true;
  }
  if (create_rtp) {
    fresh.address.index = next_rtp_;
    while (terminations_.contains(termination_address{termination_kind::rtp, 0, fresh.address.index}.name()))
      ++fresh.address.index;
    next_rtp_ = fresh.address.index + 1 > 999'999'999 ? 1 : fresh.address.index + 1;
    const auto key = fresh.address.name();
    target = &terminations_.emplace(key, std::move(fresh)).first->second;
    count("rtp.created");
  }
  target->context = ctx;
  target->added = timers_.now();
  target->final_statistics = {};
  context_by_id(ctx)->members.push_back(target->address.name());

  h::command_reply reply;
  reply.kind = h::command_kind::add;
  reply.termination.name = target->address.name();
  auto applied = apply_descriptors(*target, cmd.descriptors, reply);
  if (applied) applied = sync_media(ctx);
  if (!applied) {
    // The media plane refused (no port): undo this Add.
    detach(*target);
    std::erase(context_by_id(ctx)->members, target->address.name());
    target->context = 0;
    if (target->address.kind == termination_kind::rtp) terminations_.erase(target->address.name());
    if (created_context) {
      drop_context_if_empty(ctx);
      ctx = 0;
    }
    return make_unexpected(applied.error());
  }
  if (target->address.kind == termination_kind::rtp) {
    h::stream_descriptor s;
    s.id = 1;
    s.parms.local = target->local_sdp;
    h::media_descriptor m;
    m.streams.push_back(std::move(s));
    reply.descriptors.media = std::move(m);
  }
  return std::vector<h::command_reply>{std::move(reply)};
}

agent::result<std::vector<h::command_reply>> agent::modify(const h::command_request& cmd, std::uint32_t ctx) {
  if (cmd.termination.is_choose())
    return make_unexpected(error{h::error_code::incorrect_identifier, "Modify does not take $"});
  if (cmd.termination.is_root()) {
    // ROOT carries the inactivity timer (H.248.14) and nothing else we set.
    if (cmd.descriptors.media || cmd.descriptors.signals)
      return make_unexpected(error{h::error_code::descriptor_not_legal, "ROOT takes only Events"});
    if (cmd.descriptors.events) {
      std::optional<std::chrono::milliseconds> mit;
      for (const auto& e : cmd.descriptors.events->events) {
        if (e.name != "it/ito" && e.name != "IT/ITO")
          return make_unexpected(error{h::error_code::cannot_detect_event, e.name + " is not an event of ROOT"});
        mit = std::chrono::milliseconds{0};
        for (const auto& p : e.parameters) {
          unsigned v = 0;
          if ((p.name == "mit" || p.name == "MIT") && !p.value.values.empty()) {
            try {
              v = static_cast<unsigned>(std::stoul(p.value.values.front()));
            } catch (...) {
              return make_unexpected(error{h::error_code::unknown_value, "it/ito mit must be a number"});
            }
            mit = std::chrono::milliseconds{v * 10ULL};  // H.248.14: units of 10 ms
          } else {
            return make_unexpected(error{h::error_code::unknown_parameter, "it/ito takes mit only"});
          }
        }
        if (mit->count() == 0) return make_unexpected(error{h::error_code::missing_parameter, "it/ito needs mit"});
      }
      root_events_id_ = cmd.descriptors.events->id;
      root_events_ = cmd.descriptors.events->events;
      inactivity_ = mit;
      arm_inactivity();
    }
    h::command_reply r;
    r.kind = h::command_kind::modify;
    r.termination.name = "ROOT";
    return std::vector<h::command_reply>{std::move(r)};
  }
  auto targets = resolve(cmd.termination, ctx, false);
  if (!targets) return make_unexpected(targets.error());
  for (auto* t : *targets)
    if (auto ok = check_descriptors(*t, cmd.descriptors, ctx); !ok) return make_unexpected(ok.error());
  std::vector<h::command_reply> out;
  for (auto* t : *targets) {
    h::command_reply r;
    r.kind = h::command_kind::modify;
    r.termination.name = t->address.name();
    if (auto ok = apply_descriptors(*t, cmd.descriptors, r); !ok) return make_unexpected(ok.error());
    if (ctx != 0)
      if (auto ok = sync_media(ctx); !ok) return make_unexpected(ok.error());
    if (t->address.kind == termination_kind::rtp && cmd.descriptors.media && t->host) {
      h::stream_descriptor s;
      s.id = 1;
      s.parms.local = t->local_sdp;
      h::media_descriptor m;
      m.streams.push_back(std::move(s));
      r.descriptors.media = std::move(m);
    }
    if (!cmd.wildcard_reply || out.empty()) out.push_back(std::move(r));
  }
  if (cmd.wildcard_reply && !out.empty()) out.front().termination = cmd.termination;
  return out;
}

h::command_reply agent::subtract_one(termination& t, bool report_statistics) {
  stop_signals(t);
  if (t.continuity_timer) {
    timers_.cancel(*t.continuity_timer);
    t.continuity_timer.reset();
  }
  remove_from_context(t);  // detach() keeps the connection's last statistics
  h::command_reply r;
  r.kind = h::command_kind::subtract;
  r.termination.name = t.address.name();
  if (report_statistics) r.descriptors.statistics = statistics_of(t, t.final_statistics);
  stop_collection(t);
  t.events.clear();
  t.events_id.reset();
  t.digit_map.reset();
  t.mode = h::stream_mode::send_receive;
  t.echo_cancellation = config_.echo_cancellation_default;
  t.gain_db = 0;
  t.jitter_ms.reset();
  return r;
}

agent::result<std::vector<h::command_reply>> agent::subtract(const h::command_request& cmd, std::uint32_t ctx) {
  if (ctx == 0)
    return make_unexpected(error{h::error_code::unknown_action, "Subtract needs a context, not the null context"});
  if (cmd.termination.is_root() || cmd.termination.is_choose())
    return make_unexpected(error{h::error_code::incorrect_identifier, "Subtract takes a termination or ALL"});
  auto targets = resolve(cmd.termination, ctx, false);
  if (!targets) return make_unexpected(targets.error());
  for (auto* t : *targets)
    if (auto ok = check_descriptors(*t, cmd.descriptors, ctx); !ok) return make_unexpected(ok.error());
  // §7.2.3: Statistics are returned unless an empty Audit descriptor asks for nothing.
  const bool stats = !cmd.descriptors.audit || !cmd.descriptors.audit->items.empty();
  // RTP terminations go first so that their connections' statistics are theirs.
  std::stable_sort(targets->begin(), targets->end(), [](const termination* a, const termination* b) {
    return a->address.kind == termination_kind::rtp && b->address.kind != termination_kind::rtp;
  });
  std::vector<h::command_reply> out;
  std::vector<std::string> gone;
  for (auto* t : *targets) {
    out.push_back(subtract_one(*t, stats));
    if (t->address.kind == termination_kind::rtp) gone.push_back(t->address.name());
  }
  for (const auto& key : gone) {
    terminations_.erase(key);
    count("rtp.deleted");
  }
  if (cmd.wildcard_reply && out.size() > 1) {
    out.resize(1);
    out.front().termination = cmd.termination;
    out.front().descriptors.statistics.reset();
  }
  return out;
}

agent::result<std::vector<h::command_reply>> agent::move(const h::command_request& cmd, std::uint32_t& ctx, bool choose) {
  if (ctx == 0 && !choose)
    return make_unexpected(error{h::error_code::unknown_action, "Move needs a context (an id or $)"});
  if (cmd.termination.is_root() || cmd.termination.is_choose() || cmd.termination.is_all())
    return make_unexpected(error{h::error_code::incorrect_identifier, "Move takes one named termination"});
  auto* t = find(cmd.termination.name);
  if (t == nullptr) return make_unexpected(error{h::error_code::unknown_termination_id, cmd.termination.name + " is unknown"});
  if (t->context == 0)
    return make_unexpected(error{h::error_code::termination_not_in_context, t->address.name() + " is in no context: use Add"});
  if (t->context == ctx)
    return make_unexpected(error{h::error_code::termination_already_in_context, t->address.name() + " is already in this context"});
  if (ctx != 0)
    if (const auto* c = context_by_id(ctx); c->members.size() >= config_.max_terminations_per_context)
      return make_unexpected(error{h::error_code::max_terminations_in_context, "the context is full"});
  if (auto ok = check_descriptors(*t, cmd.descriptors, ctx); !ok) return make_unexpected(ok.error());

  if (ctx == 0) {
    auto id = create_context();
    if (!id) return make_unexpected(id.error());
    ctx = *id;
  }
  const auto from = t->context;
  remove_from_context(*t);
  drop_context_if_empty(from);
  t->context = ctx;
  context_by_id(ctx)->members.push_back(t->address.name());
  h::command_reply r;
  r.kind = h::command_kind::move;
  r.termination.name = t->address.name();
  if (auto ok = apply_descriptors(*t, cmd.descriptors, r); !ok) return make_unexpected(ok.error());
  if (auto ok = sync_media(ctx); !ok) return make_unexpected(ok.error());
  if (t->address.kind == termination_kind::rtp && t->host) {
    h::stream_descriptor s;
    s.id = 1;
    s.parms.local = t->local_sdp;
    h::media_descriptor m;
    m.streams.push_back(std::move(s));
    r.descriptors.media = std::move(m);
  }
  count("moves");
  return std::vector<h::command_reply>{std::move(r)};
}

agent::result<std::vector<h::command_reply>> agent::service_change_from_mgc(const h::command_request& cmd, std::uint32_t ctx) {
  const auto& sc = cmd.descriptors.service_change;
  if (!sc || !sc->method)
    return make_unexpected(error{h::error_code::syntax_error_in_command, "ServiceChange needs Services with a Method"});
  h::command_reply r;
  r.kind = h::command_kind::service_change;
  r.termination = cmd.termination;
  if (cmd.termination.is_root()) {
    // §11.5: Handoff tells the MG to register with MgcIdToTry.
    if (*sc->method == h::service_change_method::handoff) {
      if (!sc->mgc_id || sc->mgc_id->kind != h::mid_kind::ipv4)
        return make_unexpected(error{h::error_code::required_information_missing, "Handoff needs MgcIdToTry as [IPv4]:port"});
      handoff_target_ = h::peer{sc->mgc_id->name, sc->mgc_id->port.value_or(2944)};
      count("handoffs");
      auto alive = alive_;
      timers_.schedule_after(std::chrono::milliseconds{0}, [this, alive] {
        if (*alive) register_with(controller_index_, h::service_change_method::handoff, "\"903 MGC Directed Change\"");
      });
      return std::vector<h::command_reply>{std::move(r)};
    }
    return make_unexpected(error{h::error_code::not_implemented, "ROOT takes only Handoff from the MGC"});
  }
  auto targets = resolve(cmd.termination, ctx, ctx == 0);
  if (!targets) return make_unexpected(targets.error());
  const bool up = *sc->method == h::service_change_method::restart;
  const bool down = *sc->method == h::service_change_method::forced || *sc->method == h::service_change_method::graceful;
  if (!up && !down) return make_unexpected(error{h::error_code::not_implemented, "terminations take Restart, Forced or Graceful"});
  for (auto* t : *targets) {
    if (t->address.kind != termination_kind::tdm)
      return make_unexpected(error{h::error_code::command_not_allowed_on_termination, "ServiceChange applies to TDM terminations"});
  }
  for (auto* t : *targets) t->in_service = up;
  count(up ? "terminations.restored" : "terminations.taken_out");
  return std::vector<h::command_reply>{std::move(r)};
}

}  // namespace tandem::gateway::h248
