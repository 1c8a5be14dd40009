/// What a command carries (H.248.1 §7.1): Media (TerminationState, LocalControl, Local,
/// Remote), Events, Signals, DigitMap. check_* validate without changing anything; apply_
/// descriptors then changes the termination.
#include <fmt/format.h>

#include "gateway/h248/agent.hpp"
#include "gateway/h248/packages.hpp"

namespace tandem::gateway::h248 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const h::stream_parms* stream_of(const h::media_descriptor& m) {
  if (m.single_stream) return &*m.single_stream;
  return m.streams.empty() ? nullptr : &m.streams.front().parms;
}

std::optional<std::string> single_value(const h::property& p) {
  if (p.value.rel != h::relation::equal || p.value.form != h::value_form::single || p.value.values.size() != 1)
    return std::nullopt;
  return p.value.values.front();
}

std::optional<int> integer(const std::string& s) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

agent::result<void> agent::check_descriptors(const termination& t, const h::descriptor_set& d, std::uint32_t) const {
  if (d.modem) return make_unexpected(error{h::error_code::unknown_descriptor, "Modem is not supported"});
  if (d.mux) return make_unexpected(error{h::error_code::unknown_descriptor, "Mux is not supported"});
  if (d.event_buffer) return make_unexpected(error{h::error_code::unknown_descriptor, "EventBuffer is not supported"});
  if (d.media)
    if (auto ok = check_media(t, *d.media); !ok) return ok;
  if (d.events)
    if (auto ok = check_events(t, *d.events, d.digit_map); !ok) return ok;
  if (d.signals)
    if (auto ok = check_signals(t, *d.signals); !ok) return ok;
  return {};
}

agent::result<void> agent::check_media(const termination& t, const h::media_descriptor& m) const {
  const bool rtp = t.address.kind == termination_kind::rtp;
  if (m.streams.size() > 1 || (!m.streams.empty() && m.streams.front().id != 1))
    return make_unexpected(error{h::error_code::not_implemented, "one stream (Stream=1) per termination"});
  if (m.termination_state) {
    if (m.termination_state->event_buffer_control == h::buffer_control::lock_step)
      return make_unexpected(error{h::error_code::not_implemented, "EventBufferControl LockStep is not supported"});
    if (!m.termination_state->properties.empty())
      return make_unexpected(error{h::error_code::unknown_property, m.termination_state->properties.front().name + " is not supported"});
  }
  const auto* p = stream_of(m);
  if (p == nullptr) return {};
  if (p->local_control) {
    const auto& lc = *p->local_control;
    if (lc.mode == h::stream_mode::loopback && rtp)
      return make_unexpected(error{h::error_code::unsupported_mode, "LoopBack is a TDM termination's mode"});
    for (const auto& prop : lc.properties) {
      switch (property_support(prop.name, rtp)) {
        case item_support::no_such_package:
          return make_unexpected(error{h::error_code::unknown_package, prop.name + ": package not supported"});
        case item_support::no_such_item:
          return make_unexpected(error{h::error_code::no_such_property, prop.name + ": no such property"});
        case item_support::unequipped:
          return make_unexpected(error{h::error_code::property_illegal_in_descriptor, prop.name + " is not a property of this termination"});
        case item_support::supported: break;
      }
      auto v = single_value(prop);
      if (!v) return make_unexpected(error{h::error_code::unknown_value, prop.name + " takes one value"});
      const auto n = split_name(prop.name)->second;
      if (n == "ec" && lower(*v) != "on" && lower(*v) != "off")
        return make_unexpected(error{h::error_code::unknown_value, "tdmc/ec is on or off"});
      if (n == "gain") {
        auto g = integer(*v);
        if (!g) return make_unexpected(error{h::error_code::unknown_value, "tdmc/gain is an integer (dB)"});
        // The media plane has no gain stage: only the neutral value can be honoured.
        if (*g != 0) return make_unexpected(error{h::error_code::unknown_value, "tdmc/gain: only 0 dB is supported"});
      }
      if (n == "jit" && !integer(*v)) return make_unexpected(error{h::error_code::unknown_value, "nt/jit is an integer (ms)"});
    }
  }
  if ((p->local || p->remote) && !rtp)
    return make_unexpected(error{h::error_code::descriptor_not_legal, "Local and Remote belong to RTP terminations"});
  if (rtp && (p->local || p->remote)) {
    termination probe = t;
    if (p->local) probe.local_offer = p->local;
    if (p->remote) probe.remote_sdp = p->remote->empty() ? std::nullopt : p->remote;
    if (auto n = negotiate(probe); !n) return make_unexpected(n.error());
  }
  return {};
}

agent::result<void> agent::check_events(const termination& t, const h::events_descriptor& e,
                                        const std::optional<h::digit_map_descriptor>& dm) const {
  const bool rtp = t.address.kind == termination_kind::rtp;
  for (const auto& ev : e.events) {
    switch (event_support(ev.name, rtp, false)) {
      case item_support::no_such_package:
        return make_unexpected(error{h::error_code::unknown_package, ev.name + ": package not supported"});
      case item_support::no_such_item: return make_unexpected(error{h::error_code::no_such_event, ev.name + ": no such event"});
      case item_support::unequipped:
        return make_unexpected(error{h::error_code::cannot_detect_event, ev.name + " cannot be detected on " + t.address.name()});
      case item_support::supported: break;
    }
    if (ev.embedded_signals || ev.embedded)
      return make_unexpected(error{h::error_code::not_implemented, "embedded signals and events are not supported"});
    const bool ce = lower(ev.name) == "dd/ce";
    if (ev.digit_map && !ce) return make_unexpected(error{h::error_code::unknown_parameter, "DigitMap belongs to dd/ce"});
    if (ce)
      if (auto map = digit_map_for(t, ev, dm); !map) return make_unexpected(map.error());
  }
  return {};
}

agent::result<void> agent::check_signals(const termination& t, const h::signals_descriptor& s) const {
  std::vector<const h::signal_request*> all;
  int lists = 0;
  for (const auto& item : s.items) {
    if (const auto* list = std::get_if<h::signal_list>(&item)) {
      ++lists;
      for (const auto& sig : list->signals) {
        // A list advances when a signal ends: an on/off one never would.
        if (sig.type && *sig.type == h::signal_type::on_off)
          return make_unexpected(error{h::error_code::unknown_value, sig.name + ": on/off signals cannot be in a list"});
        all.push_back(&sig);
      }
    } else {
      all.push_back(&std::get<h::signal_request>(item));
    }
  }
  if (lists > 1) return make_unexpected(error{h::error_code::not_implemented, "one signal list per Signals descriptor"});
  for (const auto* one : all) {
    const auto& sig = *one;
    switch (signal_support(sig)) {
      case item_support::no_such_package:
        return make_unexpected(error{h::error_code::unknown_package, sig.name + ": package not supported"});
      case item_support::no_such_item: return make_unexpected(error{h::error_code::no_such_signal, sig.name + ": no such signal"});
      case item_support::unequipped:
        return make_unexpected(error{h::error_code::cannot_generate_signal, sig.name + " cannot be played"});
      case item_support::supported: break;
    }
    if (t.address.kind == termination_kind::rtp && split_name(sig.name)->first == "ct")
      return make_unexpected(error{h::error_code::cannot_generate_signal, "continuity signals play on TDM terminations"});
    if (t.address.kind == termination_kind::rtp && !t.host && t.context != 0)
      return make_unexpected(error{h::error_code::cannot_generate_signal, "the RTP termination has no media yet"});
  }
  return {};
}

agent::result<void> agent::apply_descriptors(termination& t, const h::descriptor_set& d, h::command_reply&) {
  if (d.media) {
    const auto& m = *d.media;
    if (m.termination_state && m.termination_state->service_states)
      t.in_service = *m.termination_state->service_states != h::service_state::out_of_service;
    if (const auto* p = stream_of(m)) {
      if (p->local_control) {
        if (p->local_control->mode) t.mode = *p->local_control->mode;
        for (const auto& prop : p->local_control->properties) {
          const auto n = split_name(prop.name)->second;
          const auto v = *single_value(prop);
          if (n == "ec") t.echo_cancellation = lower(v) == "on";
          else if (n == "gain") t.gain_db = *integer(v);
          else if (n == "jit") t.jitter_ms = integer(v);
        }
      }
      if (t.address.kind == termination_kind::rtp) {
        if (p->local) t.local_offer = p->local;
        if (p->remote) t.remote_sdp = p->remote->empty() ? std::nullopt : p->remote;
        if (auto n = negotiate(t); !n) return n;
      }
    }
  }
  if (d.digit_map) t.digit_map = d.digit_map;
  if (d.events) {
    t.events_id = d.events->id;
    t.events = d.events->events;
    start_collection(t);  // dd/ce requested: a new collection; otherwise none
  }
  if (d.signals) start_signals(t, *d.signals);
  return {};
}

}  // namespace tandem::gateway::h248
