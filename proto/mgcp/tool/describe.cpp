#include "proto/mgcp/tool/describe.hpp"

#include <fmt/format.h>

#include "proto/sdp/session.hpp"

namespace tandem::mgcp::tool {
namespace {

std::string_view action_name(const requested_action& a) {
  switch (a.kind) {
    case action_kind::notify: return "notify";
    case action_kind::accumulate: return "accumulate";
    case action_kind::accumulate_digit_map: return "digit-map";
    case action_kind::swap: return "swap";
    case action_kind::ignore: return "ignore";
    case action_kind::keep_signals: return "keep-signals";
    case action_kind::embedded: return "embedded";
    case action_kind::extension: return a.extension;
  }
  return "?";
}

std::string event_text(const event_name& e) {
  std::string s = fmt::format("package={} event={}", e.package.empty() ? "(default)" : e.package, e.event);
  if (!e.connection.empty()) s += fmt::format(" connection={}", e.connection);
  return s;
}

std::string params_text(const std::vector<event_parameter>& ps) {
  std::string s;
  for (const auto& p : ps) {
    if (!s.empty()) s += "; ";
    s += p.name.empty() ? p.value : p.name + "=" + p.value;
  }
  return s.empty() ? "" : " params[" + s + "]";
}

class printer {
 public:
  explicit printer(int indent) : pad_(static_cast<std::size_t>(indent), ' ') {}

  template <class... A>
  void put(int depth, fmt::format_string<A...> f, A&&... a) {
    out_ += pad_;
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
    fmt::format_to(std::back_inserter(out_), f, std::forward<A>(a)...);
    out_ += '\n';
  }

  void requested(int d, const std::vector<requested_event>& list) {
    for (const auto& r : list) {
      std::string acts;
      for (const auto& a : r.actions) acts += (acts.empty() ? "" : ",") + std::string(action_name(a));
      put(d, "{} actions[{}]{}", event_text(r.name), acts.empty() ? "notify (default)" : acts, params_text(r.parameters));
      for (const auto& a : r.actions) {
        if (a.kind != action_kind::embedded) continue;
        if (a.embedded.requested_events) {
          put(d + 1, "embedded requested events:");
          requested(d + 2, *a.embedded.requested_events);
        }
        if (a.embedded.signal_requests) {
          put(d + 1, "embedded signals:");
          events(d + 2, *a.embedded.signal_requests);
        }
        if (a.embedded.digits) put(d + 1, "embedded digit map: {}", fmt::join(a.embedded.digits->patterns, " | "));
      }
    }
  }

  void events(int d, const std::vector<parameterized_event>& list) {
    if (list.empty()) put(d, "(empty list)");
    for (const auto& e : list) put(d, "{}{}", event_text(e.name), params_text(e.parameters));
  }

  void options(int d, const local_connection_options& o) {
    std::string s;
    append(s, o);
    put(d, "{}", s.empty() ? "(empty)" : s);
    if (!o.codecs.empty()) put(d + 1, "codecs: {}", fmt::join(o.codecs, ", "));
    if (o.packetization_ms) put(d + 1, "packetization: {}-{} ms", o.packetization_ms->low, o.packetization_ms->high);
    if (o.bandwidth_kbps) put(d + 1, "bandwidth: {}-{} kbit/s", o.bandwidth_kbps->low, o.bandwidth_kbps->high);
    if (o.echo_cancellation) put(d + 1, "echo cancellation: {}", *o.echo_cancellation ? "on" : "off");
    if (o.silence_suppression) put(d + 1, "silence suppression: {}", *o.silence_suppression ? "on" : "off");
    if (!o.modes.empty()) {
      std::string m;
      for (const auto& x : o.modes) { if (!m.empty()) m += ", "; append(m, x); }
      put(d + 1, "modes: {}", m);
    }
    if (!o.packages.empty()) put(d + 1, "packages: {}", fmt::join(o.packages, ", "));
  }

  void params(const parameter_set& p) {
    std::string s;
    auto text = [&](auto const& v) { s.clear(); append(s, v); return s; };
    if (p.response_ack) put(0, "ResponseAck (K): {}", p.response_ack->empty() ? "(request for 000)" : format_response_ack(*p.response_ack));
    if (p.bearer) put(0, "BearerInformation (B): {}", text(*p.bearer));
    if (p.call) put(0, "CallId (C): {}", p.call->value());
    for (const auto& c : p.connections) put(0, "ConnectionId (I): {}", c.value());
    if (p.notified) put(0, "NotifiedEntity (N): {}", text(*p.notified));
    if (p.request) put(0, "RequestIdentifier (X): {}", p.request->value());
    if (p.options) { put(0, "LocalConnectionOptions (L):"); options(1, *p.options); }
    if (p.mode) put(0, "ConnectionMode (M): {}", text(*p.mode));
    if (p.requested_events) { put(0, "RequestedEvents (R):"); requested(1, *p.requested_events); }
    if (p.signal_requests) { put(0, "SignalRequests (S):"); events(1, *p.signal_requests); }
    if (p.digits) put(0, "DigitMap (D): {}", p.digits->patterns.empty() ? "(empty)" : fmt::format("{}", fmt::join(p.digits->patterns, " | ")));
    if (p.observed_events) { put(0, "ObservedEvents (O):"); events(1, *p.observed_events); }
    if (p.connection_stats) put(0, "ConnectionParameters (P): {}", text(*p.connection_stats));
    if (p.reason) put(0, "ReasonCode (E): {} {}", p.reason->code, p.reason->text);
    for (const auto& z : p.specific_endpoints) put(0, "SpecificEndpointId (Z): {}", text(z));
    if (p.second_endpoint) put(0, "SecondEndpointId (Z2): {}", text(*p.second_endpoint));
    if (p.second_connection) put(0, "SecondConnectionId (I2): {}", p.second_connection->value());
    if (p.info) put(0, "RequestedInfo (F): {}", text(*p.info));
    if (p.quarantine) put(0, "QuarantineHandling (Q): {}", text(*p.quarantine));
    if (p.detect_events) put(0, "DetectEvents (T): {}", text(*p.detect_events));
    if (p.restart) put(0, "RestartMethod (RM): {}", text(*p.restart));
    if (p.restart_delay_s) put(0, "RestartDelay (RD): {} s", *p.restart_delay_s);
    for (const auto& a : p.capabilities) { put(0, "Capabilities (A):"); options(1, a); }
    if (p.event_states) { put(0, "EventStates (ES):"); events(1, *p.event_states); }
    if (p.packages) put(0, "PackageList (PL): {}", text(*p.packages));
    if (p.max_datagram) put(0, "MaxMGCPDatagram (MD): {} bytes", *p.max_datagram);
    for (const auto& x : p.extensions) put(0, "extension {}: {}", x.name, x.value);
  }

  void sessions(const std::vector<session_text>& list) {
    int n = 0;
    for (const auto& s : list) {
      ++n;
      auto sd = sdp::parse(s);
      if (!sd) {
        put(0, "SDP {}: not parsed ({})", n, sd.error().reason);
        continue;
      }
      put(0, "SDP {}: origin {} {} {}, connection {}", n, sd->origin_user, sd->session_id, sd->origin_address,
          sd->connection_address.value_or("(none)"));
      for (const auto& m : sd->media) {
        put(1, "media {} port {} {} formats {}", m.media, m.port, m.protocol, fmt::join(m.formats, " "));
        for (const auto& r : m.rtpmaps) put(2, "rtpmap {} {}/{}", r.payload_type, r.encoding, r.clock_rate);
      }
    }
  }

  std::string take() { return std::move(out_); }

 private:
  std::string pad_;
  std::string out_;
};

}  // namespace

std::string describe(const message& m, int indent) {
  printer p(indent);
  if (const auto* c = std::get_if<command>(&m)) {
    p.put(0, "command {} transaction {}", verb_text(c->verb), c->id.value());
    std::string ep;
    append(ep, c->endpoint);
    p.put(0, "endpoint: {} (local \"{}\", domain \"{}\"{}{})", ep, c->endpoint.local, c->endpoint.domain.host,
          c->endpoint.domain.port ? fmt::format(", port {}", *c->endpoint.domain.port) : "",
          c->endpoint.is_any_of() ? ", wildcard any-of" : c->endpoint.is_all_of() ? ", wildcard all-of" : "");
    p.put(0, "version: MGCP {}.{}{}{}", c->version.major, c->version.minor, c->version.profile.empty() ? "" : " ",
          c->version.profile);
    p.params(c->params);
    p.sessions(c->sessions);
  } else {
    const auto& r = std::get<response>(m);
    p.put(0, "response {:03} transaction {}", to_int(r.code), r.id.value());
    p.put(0, "meaning: {}", description(r.code).empty() ? "(not defined by RFC 3435)" : description(r.code));
    if (!r.package.empty()) p.put(0, "package: {}", r.package);
    if (!r.text.empty()) p.put(0, "text: {}", r.text);
    p.params(r.params);
    p.sessions(r.sessions);
  }
  return p.take();
}

}  // namespace tandem::mgcp::tool
