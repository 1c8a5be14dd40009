#include "gateway/app/engine_media_control.hpp"

#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/mgcp/packages.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::app {

namespace m = tandem::mgcp;
using mgcp::connection_key;

namespace {

media::connection_mode mode_of(m::connection_mode_kind k) {
  switch (k) {
    case m::connection_mode_kind::sendonly: return media::connection_mode::sendonly;
    case m::connection_mode_kind::recvonly: return media::connection_mode::recvonly;
    case m::connection_mode_kind::sendrecv: return media::connection_mode::sendrecv;
    case m::connection_mode_kind::confrnce: return media::connection_mode::confrnce;
    case m::connection_mode_kind::loopback: return media::connection_mode::loopback;
    case m::connection_mode_kind::conttest: return media::connection_mode::conttest;
    case m::connection_mode_kind::netwloop: return media::connection_mode::netwloop;
    case m::connection_mode_kind::netwtest: return media::connection_mode::netwtest;
    default: return media::connection_mode::inactive;
  }
}

mgcp::media_error error_of(media::media_error e) {
  switch (e) {
    case media::media_error::no_port:
    case media::media_error::bind_failed:
    case media::media_error::too_many_connections:
    case media::media_error::queue_full: return mgcp::media_error::no_resources;
    default: return mgcp::media_error::refused;
  }
}

m::connection_parameters parameters_of(const media::connection_statistics& s) {
  m::connection_parameters p;
  p.packets_sent = s.packets_sent;
  p.octets_sent = s.octets_sent;
  p.packets_received = s.packets_received;
  p.octets_received = s.octets_received;
  p.packets_lost = s.packets_lost;
  p.jitter_ms = s.jitter_ms;
  p.latency_ms = s.latency_ms;
  return p;
}

/// The tone of an RFC 3660 signal (none: not one the media plane plays).
media::signal_tone tone_of(const m::event_name& n) {
  using media::signal_tone;
  using m::detail::iequals;
  const auto& p = n.package;
  const auto& e = n.event;
  const bool any = p.empty();
  if (any || iequals(p, "G")) {
    if (iequals(e, "rt") || iequals(e, "rbk")) return signal_tone::ringback;
    if (iequals(e, "cf")) return signal_tone::confirmation;
    if (iequals(e, "cg")) return signal_tone::congestion;
    if (iequals(e, "it")) return signal_tone::intercept;
    if (iequals(e, "pt")) return signal_tone::preemption;
  }
  if ((any || iequals(p, "D")) && e.size() == 1 && std::string_view("0123456789*#ABCDabcd").find(e[0]) != std::string_view::npos)
    return signal_tone::dtmf;
  if (any || iequals(p, "T") || iequals(p, "R")) {
    if (iequals(e, "co1")) return signal_tone::continuity;
    if (iequals(e, "co2")) return signal_tone::continuity_go;
  }
  if (any || iequals(p, "T")) {
    if (iequals(e, "bz")) return signal_tone::busy;
    if (iequals(e, "ro")) return signal_tone::reorder;
    if (iequals(e, "lb")) return signal_tone::loopback;
    if (iequals(e, "qt")) return signal_tone::quiet;
    if (iequals(e, "om")) return signal_tone::milliwatt_old;
    if (iequals(e, "nm")) return signal_tone::milliwatt_new;
    if (iequals(e, "tl")) return signal_tone::test_line;
    if (iequals(e, "zz")) return signal_tone::no_circuit;
  }
  return signal_tone::none;
}

/// The package of a signal, resolving an unqualified name as the agent does (G, D, T, R).
std::string package_of(const m::signal_request& s) {
  if (!s.name.package.empty()) return s.name.package;
  auto r = mgcp::resolve(s.name, true);
  return r && r->pkg != nullptr ? std::string(r->pkg->name) : std::string("G");
}

/// "G/rt", for of() and logs.
std::string signal_name(const m::signal_request& s) { return package_of(s) + "/" + s.name.event; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(m::detail::to_lower(c));
  return s;
}

}  // namespace

engine_media_control::engine_media_control(std::vector<media::media_engine*> engines, const codecs::registry& codecs,
                                           std::string local_address, counter_set& counters)
    : engines_(std::move(engines)), codecs_(codecs), local_address_(std::move(local_address)), counters_(counters) {}

std::optional<std::pair<media::media_engine*, media::endpoint_index>> engine_media_control::locate(
    const mgcp::endpoint_address& e) const {
  const auto name = e.local_name();
  for (auto* engine : engines_)
    if (auto index = engine->find_endpoint(name)) return std::make_pair(engine, *index);
  return std::nullopt;
}

std::optional<media::connection_params> engine_media_control::params_of(const mgcp::media_settings& s) const {
  if (s.codecs.empty()) return std::nullopt;
  const auto& first = s.codecs.front();
  auto factory = codecs_.find(first.encoding, first.clock_rate);
  if (!factory) return std::nullopt;
  media::connection_params p;
  p.codec.codec = *factory;
  p.codec.payload_type = static_cast<std::uint8_t>(first.payload_type);
  p.codec.ptime = s.ptime;
  p.codec.vad = s.silence_suppression && (*factory)->info().has_vad;
  if (s.telephone_event_payload_type)
    p.telephone_event_payload_type = static_cast<std::uint8_t>(*s.telephone_event_payload_type);
  if (s.comfort_noise_payload_type)
    p.codec.comfort_noise_payload_type = static_cast<std::uint8_t>(*s.comfort_noise_payload_type);
  p.mode = mode_of(s.mode);
  if (s.remote) p.remote = media::remote_address{s.remote->address, s.remote->port};
  p.echo_canceller = s.echo_cancellation;
  return p;
}

expected<mgcp::local_media, mgcp::media_error> engine_media_control::create_connection(const connection_key& key,
                                                                                      const mgcp::media_settings& s) {
  auto where = locate(key.endpoint);
  auto params = params_of(s);
  if (!where || !params) return make_unexpected(mgcp::media_error::refused);
  // A Z2 pair: the second half finds the first and both point at each other's port.
  std::optional<connection_key> partner;
  if (s.joined_endpoint && s.joined_connection) {
    if (auto a = mgcp::parse_local_name(*s.joined_endpoint)) {
      connection_key k{*a, m::connection_id{*s.joined_connection}};
      if (connections_.contains(k)) {
        partner = k;
        params->remote = media::remote_address{local_address_, connections_.at(k).port};
      }
    }
  }
  auto created = where->first->create_connection(where->second, *params);
  if (!created) {
    counters_.get(fmt::format("crcx.refused.{}", media::to_string(created.error()))).add();
    return make_unexpected(error_of(created.error()));
  }
  connections_[key] = placed{where->first, created->id, created->local_port};
  if (partner) {
    media::connection_changes back;
    back.remote = media::remote_address{local_address_, created->local_port};
    auto& other = connections_.at(*partner);
    if (!other.engine->modify_connection(other.id, back)) counters_.get("z2.bridge_failed").add();
  }
  return mgcp::local_media{local_address_, created->local_port};
}

expected<void, mgcp::media_error> engine_media_control::modify_connection(const connection_key& key,
                                                                          const mgcp::media_settings& s) {
  auto it = connections_.find(key);
  auto params = params_of(s);
  if (it == connections_.end() || !params) return make_unexpected(mgcp::media_error::refused);
  media::connection_changes c;
  c.mode = params->mode;
  if (params->remote) c.remote = params->remote;
  c.echo_canceller = params->echo_canceller;
  c.codec = params->codec;
  auto done = it->second.engine->modify_connection(it->second.id, c);
  if (!done) return make_unexpected(error_of(done.error()));
  return {};
}

m::connection_parameters engine_media_control::delete_connection(const connection_key& key) {
  auto it = connections_.find(key);
  if (it == connections_.end()) return {};
  auto stats = it->second.engine->delete_connection(it->second.id);
  connections_.erase(it);
  return stats ? parameters_of(*stats) : m::connection_parameters{};
}

m::connection_parameters engine_media_control::statistics(const connection_key& key) const {
  auto it = connections_.find(key);
  if (it == connections_.end()) return {};
  auto stats = it->second.engine->statistics(it->second.id);
  return stats ? parameters_of(*stats) : m::connection_parameters{};
}

void engine_media_control::set_bearer_encoding(const mgcp::endpoint_address& e, m::bearer_encoding law) {
  auto where = locate(e);
  const auto l = law == m::bearer_encoding::mu_law ? tdm::companding_law::ulaw : tdm::companding_law::alaw;
  if (!where || !where->first->set_law(where->second, l)) {
    counters_.get("bearer.failed").add();
    log::get("media")->warn("{}: EPCF law not applied (endpoint unknown or media queue full)", e.local_name());
    return;
  }
  counters_.get("bearer.applied").add();
}

std::optional<media::connection_id> engine_media_control::media_id(const mgcp::endpoint_address& e,
                                                                   const std::string& id) const {
  auto it = connections_.find(connection_key{e, m::connection_id{id}});
  if (it == connections_.end()) return std::nullopt;
  return it->second.id;
}

void engine_media_control::signal_failed(const mgcp::endpoint_address& e, const m::signal_request& s) {
  counters_.get("signals.failed").add();
  log::get("media")->warn("{}: signal {} not played: the media plane refused it", e.local_name(), signal_name(s));
  // RFC 3660: "of" (operation failure) of the signal's package, naming the signal.
  m::observed_event of;
  of.name.package = package_of(s);
  of.name.event = "of";
  of.parameters.push_back({"", signal_name(s)});
  failed_.emplace_back(e, std::move(of));
}

void engine_media_control::start_signal(const mgcp::endpoint_address& e, const m::signal_request& s,
                                        const std::optional<m::connection_id>& on) {
  const auto tone = tone_of(s.name);
  if (tone == media::signal_tone::none) {
    counters_.get("signals.unsupported").add();
    log::get("media")->info("{}: signal {} is not one the media plane plays", e.local_name(), signal_name(s));
    return;
  }
  auto where = locate(e);
  std::optional<media::connection_id> target;
  if (on) target = media_id(e, on->value());
  if (!where || (on && !target)) return signal_failed(e, s);
  const char digit = tone == media::signal_tone::dtmf ? static_cast<char>(m::detail::to_upper(s.name.event[0])) : 0;
  if (!where->first->play_signal(where->second, tone, digit, target)) return signal_failed(e, s);
  if (tone == media::signal_tone::continuity || tone == media::signal_tone::continuity_go)
    continuity_[e] = lower(s.name.event);
  counters_.get(tone == media::signal_tone::dtmf
                    ? std::string("signals.played.d_digit")
                    : fmt::format("signals.played.{}_{}", lower(package_of(s)), lower(s.name.event)))
      .add();
}

void engine_media_control::stop_signal(const mgcp::endpoint_address& e, const m::signal_request& s) {
  const auto tone = tone_of(s.name);
  auto where = locate(e);
  if (tone == media::signal_tone::none || !where) return;
  std::optional<media::connection_id> target;
  if (!s.name.connection.empty() && s.name.connection != "*") {
    target = media_id(e, s.name.connection);
    if (!target) return;  // the connection is gone, and its signal with it
  }
  if (!where->first->stop_signal(where->second, tone, target)) counters_.get("signals.stop_failed").add();
}

void engine_media_control::stop_signals(const mgcp::endpoint_address& e) {
  auto where = locate(e);
  if (!where) return;
  if (!where->first->stop_signal(where->second, media::signal_tone::none)) counters_.get("signals.stop_failed").add();
}

void engine_media_control::set_detection(const mgcp::endpoint_address&, const std::vector<m::event_name>&) {
  // The engines always detect DTMF and the answer tone; the agent filters what was requested.
}

void engine_media_control::poll(mgcp::media_event_handler& handler) {
  auto failed = std::move(failed_);
  failed_.clear();
  for (const auto& [address, of] : failed) handler.on_media_event(address, of);
  for (auto* engine : engines_) {
    engine->collect();
    while (auto ev = engine->next_event()) {
      auto address = mgcp::parse_local_name(engine->endpoint_name(ev->endpoint));
      if (!address) continue;
      m::observed_event o;
      switch (ev->kind) {
        case media::media_event_kind::dtmf_digit:
          o.name.package = "D";
          o.name.event = std::string(1, ev->digit);
          break;
        case media::media_event_kind::answer_tone:
          // 2100 Hz (CED / ANS with phase reversals): RFC 3660 G/ft, fax tone.
          o.name.package = "G";
          o.name.event = "ft";
          break;
        case media::media_event_kind::continuity_tone: {
          // RFC 3660 §2.3: the continuity tone came back (T/co1 looped, or the T/co2
          // transponder's 2010 Hz), named after the test that is running.
          o.name.package = "T";
          auto c = continuity_.find(*address);
          o.name.event = c != continuity_.end() ? c->second : "co1";
          if (ev->connection.value() != 0) {
            // The tone came back from RTP while R/co1@c or R/co2@c played (RFC 3660 §2.7).
            o.name.package = "R";
            for (const auto& [key, p] : connections_)
              if (p.engine == engine && p.id == ev->connection) o.name.connection = key.id.value();
          }
          break;
        }
        case media::media_event_kind::rtp_timeout:
        case media::media_event_kind::rtp_resumed: {
          o.name.package = "R";
          o.name.event = ev->kind == media::media_event_kind::rtp_timeout ? "rto" : "ma";
          for (const auto& [key, p] : connections_)
            if (p.engine == engine && p.id == ev->connection) o.name.connection = key.id.value();
          break;
        }
      }
      handler.on_media_event(*address, o);
    }
  }
}

}  // namespace tandem::gateway::app
