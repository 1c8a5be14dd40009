/// The media plane behind contexts: an RTP termination's stream is a connection on the TDM
/// timeslot of its context (the MGCP model's endpoint + connection), negotiated from the
/// MGC's Local (the codecs it allows, `$` for what we choose) and Remote SDP (H.248.1 §7.1.8).
#include <map>

#include <fmt/format.h>

#include "common/log.hpp"
#include "gateway/h248/agent.hpp"
#include "proto/sdp/session.hpp"

namespace tandem::gateway::h248 {

namespace m = tandem::mgcp;

namespace {

/// RFC 3551 static payload types the gateway knows by number.
std::optional<std::string> static_name(unsigned pt) {
  switch (pt) {
    case 0: return "PCMU";
    case 3: return "GSM";
    case 4: return "G723";
    case 8: return "PCMA";
    case 9: return "G722";
    case 18: return "G729";
    default: return std::nullopt;
  }
}

/// The codec names a Local descriptor from the MGC allows (its m= formats, dynamic ones named
/// by a=rtpmap); empty when it names none (`$` or no m= line): then every codec we have.
std::vector<std::string> codecs_allowed(std::string_view sdp) {
  std::vector<unsigned> formats;
  std::map<unsigned, std::string> rtpmap;
  std::size_t pos = 0;
  while (pos < sdp.size()) {
    auto end = sdp.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = sdp.size();
    const auto line = sdp.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("m=audio ")) {
      // m=audio <port> <proto> <fmt> ...
      std::size_t field = 0, i = 0;
      while (i < line.size()) {
        auto j = line.find(' ', i);
        if (j == std::string_view::npos) j = line.size();
        const auto word = line.substr(i, j - i);
        if (field >= 3 && !word.empty() && word != "$") {
          unsigned v = 0;
          bool digits = true;
          for (char c : word) {
            if (c < '0' || c > '9') digits = false;
            else v = v * 10 + static_cast<unsigned>(c - '0');
          }
          if (digits && word.size() <= 3) formats.push_back(v);
        }
        ++field;
        i = j + 1;
      }
    } else if (line.starts_with("a=rtpmap:")) {
      const auto rest = line.substr(9);
      const auto sp = rest.find(' ');
      if (sp == std::string_view::npos) continue;
      unsigned v = 0;
      for (char c : rest.substr(0, sp))
        if (c >= '0' && c <= '9') v = v * 10 + static_cast<unsigned>(c - '0');
      auto name = rest.substr(sp + 1);
      name = name.substr(0, name.find('/'));
      rtpmap[v] = std::string(name);
    }
  }
  std::vector<std::string> out;
  for (unsigned f : formats) {
    if (auto it = rtpmap.find(f); it != rtpmap.end()) {
      if (it->second != "telephone-event") out.push_back(it->second);
    } else if (auto n = static_name(f)) {
      out.push_back(*n);
    }
  }
  return out;
}

h::error_descriptor error_of(const mgcp::rejection& r) {
  switch (r.reason) {
    case mgcp::failure::bad_session_description: return {h::error_code::syntax_error_in_command, r.text};
    case mgcp::failure::unsupported_session:
    case mgcp::failure::codec_negotiation_failed: return {h::error_code::unsupported_media_type, r.text};
    case mgcp::failure::insufficient_resources: return {h::error_code::insufficient_resources, r.text};
    default: return {h::error_code::unknown_value, r.text};
  }
}

bool sends(h::stream_mode k) { return k == h::stream_mode::send_only || k == h::stream_mode::send_receive; }
bool receives(h::stream_mode k) { return k == h::stream_mode::receive_only || k == h::stream_mode::send_receive; }

}  // namespace

agent::result<void> agent::negotiate(termination& t) const {
  m::local_connection_options lco;
  if (t.local_offer) lco.codecs = codecs_allowed(*t.local_offer);
  std::optional<sdp::session_description> remote;
  if (t.remote_sdp) {
    auto parsed = sdp::parse(*t.remote_sdp);
    if (!parsed) return make_unexpected(error{h::error_code::syntax_error_in_command, "Remote SDP: " + parsed.error().reason});
    remote = std::move(*parsed);
  }
  mgcp::negotiation_input in{&caps_, lco.codecs.empty() ? nullptr : &lco, remote ? &*remote : nullptr,
                             config_.dtmf_relay, config_.telephone_event_payload_type, config_.default_ptime};
  auto n = mgcp::negotiate(in);
  if (!n) return make_unexpected(error_of(n.error()));
  t.negotiated = std::move(*n);
  return {};
}

agent::termination* agent::tdm_of(std::uint32_t ctx) {
  auto* c = context_by_id(ctx);
  if (c == nullptr) return nullptr;
  for (const auto& key : c->members)
    if (auto* t = find(key); t != nullptr && t->address.kind == termination_kind::tdm) return t;
  return nullptr;
}

m::connection_id agent::connection_of(const termination& rtp) {
  // Not hexadecimal: cannot collide with the MGCP agent's connection ids on a shared endpoint.
  return m::connection_id{fmt::format("H{}", rtp.address.index)};
}

mgcp::media_settings agent::settings_of(const termination& rtp, const termination* tdm) const {
  mgcp::media_settings s;
  if (rtp.negotiated) {
    s.codecs = rtp.negotiated->codecs;
    s.telephone_event_payload_type = rtp.negotiated->telephone_event_payload_type;
    s.ptime = rtp.negotiated->ptime;
    s.remote = rtp.negotiated->remote;
  }
  s.echo_cancellation = tdm != nullptr ? tdm->echo_cancellation : config_.echo_cancellation_default;
  if (tdm != nullptr && tdm->mode == h::stream_mode::loopback) {
    s.mode = m::connection_mode_kind::loopback;
    return s;
  }
  // H.248.1 §7.1.7: each mode is the termination's own direction. IP sends what the line
  // gives when the RTP termination sends and the TDM termination receives, and the other way.
  const auto tdm_mode = tdm != nullptr ? tdm->mode : h::stream_mode::send_receive;
  const bool ip_send = sends(rtp.mode) && receives(tdm_mode);
  const bool ip_receive = receives(rtp.mode) && sends(tdm_mode);
  s.mode = ip_send && ip_receive ? m::connection_mode_kind::sendrecv
           : ip_send             ? m::connection_mode_kind::sendonly
           : ip_receive          ? m::connection_mode_kind::recvonly
                                 : m::connection_mode_kind::inactive;
  return s;
}

void agent::detach(termination& t) {
  if (t.address.kind != termination_kind::rtp || !t.host) return;
  t.final_statistics = media_.delete_connection({*t.host, connection_of(t)});
  t.host.reset();
  t.local_sdp.clear();
}

agent::result<void> agent::sync_media(std::uint32_t ctx) {
  auto* c = context_by_id(ctx);
  if (c == nullptr) return {};
  termination* tdm = tdm_of(ctx);
  for (const auto& key : c->members) {
    auto* r = find(key);
    if (r == nullptr || r->address.kind != termination_kind::rtp) continue;
    if (tdm == nullptr || (r->host && *r->host != *tdm->endpoint)) detach(*r);
    if (tdm == nullptr) continue;
    if (!r->negotiated)
      if (auto n = negotiate(*r); !n) return n;
    const auto settings = settings_of(*r, tdm);
    const mgcp::connection_key k{*tdm->endpoint, connection_of(*r)};
    if (!r->host) {
      auto local = media_.create_connection(k, settings);
      if (!local) {
        count("media.create_refused");
        return make_unexpected(error{h::error_code::insufficient_resources, "no RTP port or media channel free"});
      }
      r->host = *tdm->endpoint;
      r->local = *local;
    } else if (auto done = media_.modify_connection(k, settings); !done) {
      count("media.modify_refused");
      return make_unexpected(error{h::error_code::internal_hardware_failure, "the media plane refused the change"});
    }
    r->local_sdp = mgcp::build_answer(*r->negotiated, r->local, settings.mode, r->address.index, ++sdp_session_);
  }
  return {};
}

h::statistics_descriptor agent::statistics_of(const termination& t, const m::connection_parameters& p) const {
  h::statistics_descriptor s;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.now() - t.added).count();
  auto put = [&s](std::string name, auto value) {
    if (value) s.items.push_back({std::move(name), fmt::format("{}", *value)});
  };
  if (t.address.kind == termination_kind::rtp) {
    put("nt/os", p.octets_sent);
    put("nt/or", p.octets_received);
    put("rtp/ps", p.packets_sent);
    put("rtp/pr", p.packets_received);
    // E.12: rtp/pl is the loss as a percentage of the packets expected.
    if (p.packets_lost && p.packets_received) {
      const double expected = static_cast<double>(*p.packets_received) + static_cast<double>(std::max<std::int64_t>(*p.packets_lost, 0));
      const double pct = expected > 0 ? 100.0 * static_cast<double>(std::max<std::int64_t>(*p.packets_lost, 0)) / expected : 0.0;
      s.items.push_back({"rtp/pl", fmt::format("{:.2f}", pct)});
    }
    put("rtp/jit", p.jitter_ms);
    put("rtp/delay", p.latency_ms);
  }
  s.items.push_back({"nt/dur", fmt::format("{}", ms)});
  return s;
}

}  // namespace tandem::gateway::h248
