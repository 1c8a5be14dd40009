/// AuditValue and AuditCapabilities (H.248.1 §7.2.5, §7.2.6): of ROOT (the root package's
/// properties, the packages), of one termination or of every termination a wildcard matches.
#include <algorithm>

#include <fmt/format.h>

#include "gateway/h248/agent.hpp"
#include "gateway/h248/packages.hpp"

namespace tandem::gateway::h248 {

namespace {

h::property prop(std::string name, std::string value) {
  return {std::move(name), {h::relation::equal, h::value_form::single, {std::move(value)}}};
}

bool wants(const h::command_request& cmd, h::audit_item item) {
  if (!cmd.descriptors.audit) return false;
  const auto& items = cmd.descriptors.audit->items;
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

h::command_reply agent::audit_root(const h::command_request& cmd, bool capabilities) const {
  h::command_reply r;
  r.kind = capabilities ? h::command_kind::audit_capabilities : h::command_kind::audit_value;
  r.termination.name = "ROOT";
  if (wants(cmd, h::audit_item::packages) || !cmd.descriptors.audit || cmd.descriptors.audit->items.empty()) {
    h::packages_descriptor p;
    p.items = implemented_packages();
    r.descriptors.packages = std::move(p);
  }
  if (wants(cmd, h::audit_item::media) || !cmd.descriptors.audit) {
    // E.2 root package properties, as TerminationState properties of ROOT.
    h::termination_state_descriptor ts;
    ts.properties.push_back(prop("root/maxNumberOfContexts", std::to_string(config_.max_contexts)));
    ts.properties.push_back(prop("root/maxTerminationsPerContext", std::to_string(config_.max_terminations_per_context)));
    ts.properties.push_back(prop("root/normalMGExecutionTime", "200"));
    ts.properties.push_back(prop("root/normalMGCExecutionTime", "200"));
    h::media_descriptor m;
    m.termination_state = std::move(ts);
    r.descriptors.media = std::move(m);
  }
  if (wants(cmd, h::audit_item::events)) {
    h::events_descriptor e;
    e.id = root_events_id_;
    if (root_events_id_) e.events = root_events_;
    r.descriptors.events = std::move(e);
  }
  return r;
}

h::command_reply agent::audit_one(const termination& t, const h::command_request& cmd, bool capabilities) const {
  h::command_reply r;
  r.kind = capabilities ? h::command_kind::audit_capabilities : h::command_kind::audit_value;
  r.termination.name = t.address.name();
  const bool rtp = t.address.kind == termination_kind::rtp;
  const bool all = !cmd.descriptors.audit;  // no Audit descriptor: the termination as a whole
  if (all || wants(cmd, h::audit_item::media)) {
    h::media_descriptor m;
    h::termination_state_descriptor ts;
    ts.service_states = t.in_service && t.span_up ? h::service_state::in_service : h::service_state::out_of_service;
    ts.event_buffer_control = h::buffer_control::off;
    m.termination_state = std::move(ts);
    h::stream_descriptor s;
    s.id = 1;
    h::local_control_descriptor lc;
    lc.mode = t.mode;
    if (!rtp) {
      lc.properties.push_back(prop("tdmc/ec", t.echo_cancellation ? "on" : "off"));
      lc.properties.push_back(prop("tdmc/gain", std::to_string(t.gain_db)));
    }
    if (t.jitter_ms) lc.properties.push_back(prop("nt/jit", std::to_string(*t.jitter_ms)));
    s.parms.local_control = std::move(lc);
    if (rtp && capabilities) {
      // Capabilities: every codec we can run, as one SDP whose formats we would accept.
      mgcp::negotiation_result every;
      for (const auto& c : caps_)
        every.codecs.push_back({c.encoding, c.static_payload_type.value_or(96), c.clock_rate, ""});
      if (config_.dtmf_relay) every.telephone_event_payload_type = config_.telephone_event_payload_type;
      every.ptime = config_.default_ptime;
      s.parms.local = mgcp::build_answer(every, mgcp::local_media{"0.0.0.0", 0}, tandem::mgcp::connection_mode_kind::sendrecv, 0, 0);
    } else if (rtp) {
      if (!t.local_sdp.empty()) s.parms.local = t.local_sdp;
      if (t.remote_sdp) s.parms.remote = *t.remote_sdp;
    }
    m.streams.push_back(std::move(s));
    r.descriptors.media = std::move(m);
  }
  if (all || wants(cmd, h::audit_item::events)) {
    h::events_descriptor e;
    if (capabilities) {
      e.id = h::request_id{false, 0};
      for (const auto& n : supported_events(rtp)) {
        h::requested_event ev;
        ev.name = n;
        e.events.push_back(std::move(ev));
      }
    } else {
      e.id = t.events_id;
      if (t.events_id) e.events = t.events;
    }
    r.descriptors.events = std::move(e);
  }
  if (all || wants(cmd, h::audit_item::signals)) {
    h::signals_descriptor s;
    if (capabilities) {
      for (const auto& n : supported_signals()) {
        h::signal_request sr;
        sr.name = n;
        s.items.emplace_back(std::move(sr));
      }
    } else {
      for (const auto& a : t.signals) {
        h::signal_request sr;
        sr.name = a.name;
        s.items.emplace_back(std::move(sr));
      }
    }
    r.descriptors.signals = std::move(s);
  }
  if (!capabilities && (all || wants(cmd, h::audit_item::digit_map)) && t.digit_map) r.descriptors.digit_map = t.digit_map;
  if (!capabilities && wants(cmd, h::audit_item::statistics)) {
    tandem::mgcp::connection_parameters p = t.final_statistics;
    if (rtp && t.host) p = media_.statistics({*t.host, connection_of(t)});
    r.descriptors.statistics = statistics_of(t, p);
  }
  if (all || wants(cmd, h::audit_item::packages)) {
    h::packages_descriptor p;
    p.items = implemented_packages();
    r.descriptors.packages = std::move(p);
  }
  return r;
}

agent::result<std::vector<h::command_reply>> agent::audit(const h::command_request& cmd, std::uint32_t ctx, bool capabilities) {
  if (cmd.termination.is_root()) return std::vector<h::command_reply>{audit_root(cmd, capabilities)};
  if (cmd.termination.is_choose()) return make_unexpected(error{h::error_code::incorrect_identifier, "audits do not take $"});
  // In the null context an audit names a termination wherever it is; the reply's action
  // carries the context asked for.
  auto targets = resolve(cmd.termination, ctx, ctx == 0 && !cmd.termination.is_all());
  if (!targets) return make_unexpected(targets.error());
  std::vector<h::command_reply> out;
  for (const auto* t : *targets) out.push_back(audit_one(*t, cmd, capabilities));
  return out;
}

}  // namespace tandem::gateway::h248
