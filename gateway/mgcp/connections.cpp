/// CRCX and MDCX (RFC 3435 §2.3.5, §2.3.6): validate everything, then ask the media plane,
/// then record the connection.
#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace m = tandem::mgcp;
using m::connection_mode_kind;
using m::detail::iequals;

namespace {

/// Which modes need to know where to send (RFC 3435 §2.3.5): sendonly exists only to send, so
/// without a RemoteConnectionDescriptor (or a Z2 partner) it is refused with 527. sendrecv
/// without one is the usual half-open first leg and is accepted.
bool needs_remote(connection_mode_kind k) { return k == connection_mode_kind::sendonly; }

media_settings settings_from(const negotiation_result& n, const m::connection_mode& mode,
                             const m::local_connection_options* lco, bool echo_default) {
  media_settings s;
  s.mode = mode.kind;
  s.codecs = n.codecs;
  s.telephone_event_payload_type = n.telephone_event_payload_type;
  s.comfort_noise_payload_type = n.comfort_noise_payload_type;
  s.ptime = n.ptime;
  s.remote = n.remote;
  s.echo_cancellation = lco != nullptr && lco->echo_cancellation ? *lco->echo_cancellation : echo_default;
  s.silence_suppression = lco != nullptr && lco->silence_suppression ? *lco->silence_suppression : false;
  if (lco != nullptr) s.type_of_service = lco->type_of_service;
  return s;
}

}  // namespace

expected<m::connection_mode, rejection> agent::check_mode(const endpoint& e,
                                                         const std::optional<m::connection_mode>& mode) const {
  if (!mode) return make_unexpected(rejection{failure::missing_mode, "M: missing"});
  switch (mode->kind) {
    case connection_mode_kind::data:
    case connection_mode_kind::extension:
      return make_unexpected(rejection{failure::invalid_mode, "mode not supported"});
    case connection_mode_kind::loopback:
    case connection_mode_kind::conttest:
      // Bearer-side tests (RFC 3435 §2.3.5): a virtual endpoint has no bearer to loop.
      if (!e.address.is_bearer())
        return make_unexpected(rejection{failure::invalid_mode, "mode needs a bearer endpoint"});
      break;
    default: break;
  }
  return *mode;
}

expected<std::optional<sdp::session_description>, rejection> agent::check_session(const m::command& cmd) const {
  if (cmd.sessions.empty()) return std::optional<sdp::session_description>{};
  if (cmd.sessions.size() > 1)
    return make_unexpected(rejection{failure::unsupported_session, "one RemoteConnectionDescriptor only"});
  auto parsed = sdp::parse(cmd.sessions.front());
  if (!parsed) return make_unexpected(rejection{failure::bad_session_description, "SDP: " + parsed.error().reason});
  return std::optional<sdp::session_description>{std::move(*parsed)};
}

m::response agent::crcx(const m::command& cmd) {
  const auto& p = cmd.params;
  if (!p.call) return reject(cmd, {failure::missing_call_id, "C: missing"});
  auto resolved = resolve(cmd.endpoint, wildcards::any_of);
  if (!resolved) return reject(cmd, resolved.error());
  endpoint& ep = *resolved->front();
  const bool wildcarded = cmd.endpoint.is_any_of();
  if (ep.state == endpoint_state::out_of_service) return reject(cmd, {failure::endpoint_out_of_service, "endpoint not ready"});
  if (ep.connections.size() >= max_connections(ep)) return reject(cmd, {failure::connection_limit, "connection limit"});
  auto mode = check_mode(ep, p.mode);
  if (!mode) return reject(cmd, mode.error());

  endpoint* second = nullptr;
  if (p.second_endpoint) {
    if (!cmd.sessions.empty())
      return reject(cmd, {failure::unexpected_parameter, "Z2 and a RemoteConnectionDescriptor exclude each other"});
    auto z2 = resolve(*p.second_endpoint, wildcards::any_of, &ep);
    if (!z2) {
      auto why = z2.error();
      if (why.reason == failure::unknown_endpoint || why.reason == failure::unknown_domain)
        why = {failure::second_endpoint_invalid, "Z2: " + why.text};
      return reject(cmd, why);
    }
    second = z2->front();
    if (second == &ep) return reject(cmd, {failure::second_endpoint_invalid, "Z2 names the endpoint itself"});
    if (second->state == endpoint_state::out_of_service)
      return reject(cmd, {failure::endpoint_out_of_service, "second endpoint not ready"});
    if (second->connections.size() >= max_connections(*second))
      return reject(cmd, {failure::connection_limit, "connection limit on the second endpoint"});
    if (auto m2 = check_mode(*second, p.mode); !m2) return reject(cmd, m2.error());
  }
  auto remote = check_session(cmd);
  if (!remote) return reject(cmd, remote.error());
  if (needs_remote(mode->kind) && !*remote && second == nullptr)
    return reject(cmd, {failure::missing_remote_descriptor, "mode needs a RemoteConnectionDescriptor"});

  const m::local_connection_options* lco = p.options ? &*p.options : nullptr;
  negotiation_input in{&caps_, lco, *remote ? &**remote : nullptr, config_.dtmf_relay,
                       config_.telephone_event_payload_type, config_.default_ptime};
  auto negotiated = negotiate(in);
  if (!negotiated) return reject(cmd, negotiated.error());
  if (auto ok_request = check_request(cmd, ep, true); !ok_request) return reject(cmd, ok_request.error());

  // ---- validated: change state ----
  connection c;
  c.id = new_connection_id();
  c.call = *p.call;
  c.mode = *mode;
  if (lco) c.options = *lco;
  c.media = settings_from(*negotiated, *mode, lco, config_.echo_cancellation_default);
  c.notified = p.notified;
  c.session_id = next_connection_;
  if (*remote) {
    c.remote_sdp = cmd.sessions.front();
    c.state = connection_state::open;
  }
  connection c2;
  if (second != nullptr) {
    c2 = c;
    c2.id = new_connection_id();
    c.media.joined_endpoint = second->address.local_name();
    c.media.joined_connection = c2.id.value();
    c2.media.joined_endpoint = ep.address.local_name();
    c2.media.joined_connection = c.id.value();
    c.state = c2.state = connection_state::open;
    c.joined = connection_key{second->address, c2.id};
    c2.joined = connection_key{ep.address, c.id};
  }
  auto local = media_.create_connection({ep.address, c.id}, c.media);
  if (!local) return reject(cmd, {failure::insufficient_resources, "no media resources"});
  c.local = *local;
  if (second != nullptr) {
    auto local2 = media_.create_connection({second->address, c2.id}, c2.media);
    if (!local2) {
      media_.delete_connection({ep.address, c.id});
      return reject(cmd, {failure::insufficient_resources, "no media resources for the second endpoint"});
    }
    c2.local = *local2;
  } else {
    c.local_sdp = build_answer(*negotiated, c.local, mode->kind, c.session_id, c.sdp_version);
  }

  m::response r = ok(cmd);
  r.params.connections.push_back(c.id);
  if (wildcarded) r.params.specific_endpoints.push_back(name_of(ep.address));
  if (second != nullptr) {
    r.params.second_connection = c2.id;
    if (p.second_endpoint->is_any_of()) r.params.second_endpoint = name_of(second->address);
  } else {
    r.sessions.push_back(c.local_sdp);
  }
  const auto created_id = c.id;
  log::get("mgcp")->info("CRCX {} {}: connection {} call {} mode {}", cmd.id.value(), ep.address.local_name(),
                         c.id.value(), c.call.value(), m::to_string(mode->kind));
  ep.connections.push_back(std::move(c));
  set_state(ep, endpoint_state::connected);
  counters_.get("connections.created").add();
  if (second != nullptr) {
    second->connections.push_back(std::move(c2));
    set_state(*second, endpoint_state::connected);
    counters_.get("connections.created").add();
  }
  apply_request(ep, cmd, created_id);
  return r;
}

m::response agent::mdcx(const m::command& cmd) {
  const auto& p = cmd.params;
  if (p.connections.empty()) return reject(cmd, {failure::missing_connection_id, "I: missing"});
  auto resolved = resolve(cmd.endpoint, wildcards::none);
  if (!resolved) return reject(cmd, resolved.error());
  endpoint& ep = *resolved->front();
  connection* c = ep.find(p.connections.front());
  if (c == nullptr) return reject(cmd, {failure::unknown_connection, "no such connection"});
  if (p.call && !iequals(p.call->value(), c->call.value()))
    return reject(cmd, {failure::call_id_mismatch, "C: does not match the connection's call"});
  auto mode = p.mode ? check_mode(ep, p.mode) : expected<m::connection_mode, rejection>(c->mode);
  if (!mode) return reject(cmd, mode.error());
  auto remote = check_session(cmd);
  if (!remote) return reject(cmd, remote.error());
  std::optional<sdp::session_description> known_remote = std::move(*remote);
  if (!known_remote && c->remote_sdp) {
    if (auto again = sdp::parse(*c->remote_sdp)) known_remote = std::move(*again);
  }
  if (needs_remote(mode->kind) && !known_remote && !c->joined)
    return reject(cmd, {failure::missing_remote_descriptor, "mode needs a RemoteConnectionDescriptor"});

  const bool renegotiate = !cmd.sessions.empty() || p.options.has_value();
  const m::local_connection_options* lco = p.options ? &*p.options : &c->options;
  media_settings settings = c->media;
  std::optional<negotiation_result> negotiated;
  if (renegotiate && !c->joined) {
    negotiation_input in{&caps_, lco, known_remote ? &*known_remote : nullptr, config_.dtmf_relay,
                         config_.telephone_event_payload_type, config_.default_ptime};
    auto n = negotiate(in);
    if (!n) return reject(cmd, n.error());
    negotiated = std::move(*n);
    settings = settings_from(*negotiated, *mode, lco, config_.echo_cancellation_default);
    settings.joined_endpoint = c->media.joined_endpoint;
    settings.joined_connection = c->media.joined_connection;
  }
  settings.mode = mode->kind;
  if (auto ok_request = check_request(cmd, ep, false); !ok_request) return reject(cmd, ok_request.error());

  // ---- validated: change state ----
  if (auto applied = media_.modify_connection({ep.address, c->id}, settings); !applied)
    return reject(cmd, {failure::media_failure, "media plane refused the change"});
  c->media = settings;
  c->mode = *mode;
  if (p.options) c->options = *p.options;
  if (p.notified) c->notified = p.notified;
  if (!cmd.sessions.empty()) {
    c->remote_sdp = cmd.sessions.front();
    c->state = connection_state::open;
  }
  m::response r = ok(cmd);
  if (negotiated) {
    ++c->sdp_version;
    c->local_sdp = build_answer(*negotiated, c->local, mode->kind, c->session_id, c->sdp_version);
    r.sessions.push_back(c->local_sdp);
  }
  apply_request(ep, cmd, c->id);
  return r;
}

}  // namespace tandem::gateway::mgcp
