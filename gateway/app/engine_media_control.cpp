#include "gateway/app/engine_media_control.hpp"

#include <fmt/format.h>

#include "common/log.hpp"

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

void engine_media_control::set_bearer_encoding(const mgcp::endpoint_address& e, m::bearer_encoding) {
  // The engines fix each timeslot's law from the span type when they start.
  counters_.get("bearer.unsupported").add();
  log::get("media")->info("{}: EPCF law change recorded but not applied (law follows the span type)", e.local_name());
}

void engine_media_control::start_signal(const mgcp::endpoint_address& e, const m::signal_request& s,
                                        const std::optional<m::connection_id>&) {
  counters_.get("signals.unsupported").add();
  log::get("media")->info("{}: signal {}/{} not played: the media plane has no tone generator yet", e.local_name(),
                          s.name.package, s.name.event);
}

void engine_media_control::stop_signal(const mgcp::endpoint_address&, const m::signal_request&) {}
void engine_media_control::stop_signals(const mgcp::endpoint_address&) {}

void engine_media_control::set_detection(const mgcp::endpoint_address&, const std::vector<m::event_name>&) {
  // The engines always detect DTMF and the answer tone; the agent filters what was requested.
}

void engine_media_control::poll(mgcp::media_event_handler& handler) {
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
