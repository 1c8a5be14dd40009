#include "gateway/mgcp/codec_negotiation.hpp"

#include <algorithm>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace {

using tandem::mgcp::connection_mode_kind;
using tandem::mgcp::detail::iequals;
namespace chrono = std::chrono;

rejection reject(failure f, std::string text) { return rejection{f, std::move(text)}; }

/// "audio/PCMU" and "PCMU" name the same codec in L: a: (RFC 3435 §3.2.2 allows both).
std::string_view bare_name(std::string_view n) {
  const auto slash = n.find('/');
  return slash == std::string_view::npos ? n : n.substr(slash + 1);
}

const codec_capability* find_cap(const std::vector<codec_capability>& caps, std::string_view name) {
  for (const auto& c : caps)
    if (iequals(c.encoding, bare_name(name))) return &c;
  return nullptr;
}

bool fits_bandwidth(const codec_capability& c, const tandem::mgcp::value_range& b) {
  return c.bit_rate_kbps >= b.low && c.bit_rate_kbps <= b.high;
}

/// Smallest ptime in the L: p: range the codec allows, if any.
std::optional<chrono::milliseconds> ptime_in(const codec_capability& c, const tandem::mgcp::value_range& p) {
  for (auto v = p.low; v <= p.high && v <= 1000; ++v)
    if (c.allows(chrono::milliseconds(v))) return chrono::milliseconds(v);
  return std::nullopt;
}

/// A remote format with its codec: the payload type the peer uses for it.
struct offered {
  const codec_capability* cap;
  unsigned payload_type;
  std::string fmtp;
};

}  // namespace

std::vector<codec_capability> load_capabilities(const codecs::registry& reg,
                                                const std::vector<std::string>& names,
                                                std::vector<std::string>* missing) {
  std::vector<codec_capability> out;
  for (const auto& n : names) {
    auto f = reg.find(n);
    if (!f) {
      if (missing) missing->push_back(n);
      continue;
    }
    const auto& i = (*f)->info();
    codec_capability c;
    c.encoding = std::string(i.encoding_name);
    c.static_payload_type = i.static_payload_type;
    c.clock_rate = i.clock_rate;
    c.bit_rate_kbps = i.bit_rate / 1000;
    c.frame = chrono::duration_cast<chrono::milliseconds>(i.frame_duration);
    if (c.frame.count() == 0) c.frame = chrono::milliseconds(1);
    c.min_ptime = i.min_ptime;
    c.max_ptime = i.max_ptime;
    c.default_ptime = i.default_ptime;
    c.has_vad = i.has_vad;
    out.push_back(std::move(c));
  }
  return out;
}

expected<negotiation_result, rejection> negotiate(const negotiation_input& in) {
  const auto& caps = *in.capabilities;
  const auto* lco = in.options;
  std::vector<const codec_capability*> candidates;

  // L: a: (the call agent's choice, in its order), else all of ours.
  if (lco != nullptr && !lco->codecs.empty()) {
    for (const auto& n : lco->codecs)
      if (const auto* c = find_cap(caps, n); c != nullptr && std::find(candidates.begin(), candidates.end(), c) == candidates.end())
        candidates.push_back(c);
    if (candidates.empty()) return make_unexpected(reject(failure::codec_negotiation_failed, "no codec of L: a: is supported"));
  } else {
    for (const auto& c : caps) candidates.push_back(&c);
  }
  if (lco != nullptr) {
    for (const auto& nt : lco->network_types)
      if (!iequals(nt, "IN")) return make_unexpected(reject(failure::options_unsupported_value, "nt: " + nt + " not supported"));
    if (lco->gain) return make_unexpected(reject(failure::options_unsupported_value, "gc: not supported"));
    if (lco->encryption && !iequals(lco->encryption->method, "clear"))
      return make_unexpected(reject(failure::options_unsupported_value, "k: not supported"));
    if (lco->bandwidth_kbps) {
      const auto b = *lco->bandwidth_kbps;
      std::erase_if(candidates, [&](const codec_capability* c) { return !fits_bandwidth(*c, b); });
      if (candidates.empty()) {
        // RFC 3435 §2.4: 524 is an inconsistency inside L: (a: and b: that exclude each
        // other); b: alone that fits none of our codecs is an unsupported value.
        if (!lco->codecs.empty()) return make_unexpected(reject(failure::options_conflict, "a: and b: exclude each other"));
        return make_unexpected(reject(failure::options_unsupported_value, "no codec fits b:"));
      }
    }
    if (lco->packetization_ms) {
      std::erase_if(candidates, [&](const codec_capability* c) { return !ptime_in(*c, *lco->packetization_ms); });
      if (candidates.empty()) return make_unexpected(reject(failure::packetization_unsupported, "p: fits no codec"));
    }
  }

  negotiation_result r;
  std::optional<chrono::milliseconds> remote_ptime;
  if (in.remote != nullptr) {
    const sdp::media_description* audio = nullptr;
    for (const auto& m : in.remote->media)
      if (m.media == "audio" && m.protocol == "RTP/AVP" && m.port != 0) {
        audio = &m;
        break;
      }
    if (audio == nullptr) return make_unexpected(reject(failure::unsupported_session, "no RTP/AVP audio stream"));
    const auto addr = audio->connection_address ? audio->connection_address : in.remote->connection_address;
    if (!addr) return make_unexpected(reject(failure::bad_session_description, "no c= address"));
    r.remote = remote_media{*addr, audio->port};
    if (audio->ptime_ms) remote_ptime = chrono::milliseconds(*audio->ptime_ms);

    std::vector<offered> offers;
    for (const auto& f : audio->formats) {
      unsigned pt = 0;
      if (!tandem::mgcp::detail::parse_decimal(f, pt) || pt > 127) continue;
      const sdp::rtpmap* map = nullptr;
      for (const auto& m : audio->rtpmaps)
        if (m.payload_type == pt) map = &m;
      if (map != nullptr && iequals(map->encoding, "telephone-event")) {
        if (in.dtmf_relay) r.telephone_event_payload_type = pt;
        continue;
      }
      // RFC 3389 §5: CN is 13 (static) or a dynamic type mapped to CN/8000.
      if ((map == nullptr && pt == 13) || (map != nullptr && iequals(map->encoding, "CN") && map->clock_rate == 8000)) {
        if (!r.comfort_noise_payload_type) r.comfort_noise_payload_type = pt;
        continue;
      }
      const codec_capability* cap = nullptr;
      if (map != nullptr) {
        cap = find_cap(caps, map->encoding);
        if (cap != nullptr && cap->clock_rate != map->clock_rate) cap = nullptr;
      } else {
        for (const auto& c : caps)
          if (c.static_payload_type && *c.static_payload_type == pt) cap = &c;
      }
      if (cap != nullptr) offers.push_back({cap, pt, map != nullptr ? map->fmtp : std::string{}});
    }
    // Answer order: the call agent's a: list when given, else the offer's order.
    if (lco != nullptr && !lco->codecs.empty()) {
      for (const auto* c : candidates)
        for (const auto& o : offers)
          if (o.cap == c) r.codecs.push_back({c->encoding, o.payload_type, c->clock_rate, o.fmtp});
    } else {
      for (const auto& o : offers)
        if (std::find(candidates.begin(), candidates.end(), o.cap) != candidates.end())
          r.codecs.push_back({o.cap->encoding, o.payload_type, o.cap->clock_rate, o.fmtp});
    }
  } else {
    unsigned next_dynamic = 96;
    for (const auto* c : candidates) {
      unsigned pt = c->static_payload_type ? *c->static_payload_type : next_dynamic++;
      if (pt == in.telephone_event_payload_type) pt = next_dynamic++;
      r.codecs.push_back({c->encoding, pt, c->clock_rate, {}});
    }
    if (in.dtmf_relay) r.telephone_event_payload_type = in.telephone_event_payload_type;
  }
  if (r.codecs.empty()) return make_unexpected(reject(failure::codec_negotiation_failed, "no codec in common"));
  const auto& chosen = r.codecs.front().encoding;
  if (!iequals(chosen, "PCMU") && !iequals(chosen, "PCMA")) r.comfort_noise_payload_type.reset();

  // ptime: L: p: first, then the remote a=ptime, then the codec's default, each if allowed.
  const codec_capability* first = find_cap(caps, r.codecs.front().encoding);
  if (lco != nullptr && lco->packetization_ms) {
    const auto p = ptime_in(*first, *lco->packetization_ms);
    if (!p) return make_unexpected(reject(failure::packetization_unsupported, "p: not allowed for " + first->encoding));
    r.ptime = *p;
  } else if (remote_ptime && first->allows(*remote_ptime)) {
    r.ptime = *remote_ptime;
  } else if (first->allows(in.default_ptime)) {
    r.ptime = in.default_ptime;
  } else {
    r.ptime = first->default_ptime;
  }
  return r;
}

std::string build_answer(const negotiation_result& n, const local_media& local, connection_mode_kind mode,
                         std::uint64_t session_id, std::uint64_t session_version) {
  sdp::session_description s;
  s.session_id = session_id;
  s.session_version = session_version;
  s.origin_address = local.address;
  s.connection_address = local.address;
  s.address_type = local.address.find(':') != std::string::npos ? "IP6" : "IP4";
  sdp::media_description m;
  m.media = "audio";
  m.port = local.port;
  m.protocol = "RTP/AVP";
  for (const auto& c : n.codecs) {
    m.formats.push_back(std::to_string(c.payload_type));
    m.rtpmaps.push_back({c.payload_type, c.encoding, c.clock_rate, 0, c.fmtp});
  }
  if (n.telephone_event_payload_type) {
    m.formats.push_back(std::to_string(*n.telephone_event_payload_type));
    m.rtpmaps.push_back({*n.telephone_event_payload_type, "telephone-event", 8000, 0, "0-15"});
  }
  if (n.comfort_noise_payload_type) {
    m.formats.push_back(std::to_string(*n.comfort_noise_payload_type));
    m.rtpmaps.push_back({*n.comfort_noise_payload_type, "CN", 8000, 0, {}});
  }
  m.ptime_ms = static_cast<unsigned>(n.ptime.count());
  switch (mode) {
    case connection_mode_kind::sendonly: m.mode = sdp::direction::sendonly; break;
    case connection_mode_kind::recvonly: m.mode = sdp::direction::recvonly; break;
    case connection_mode_kind::inactive: m.mode = sdp::direction::inactive; break;
    default: m.mode = sdp::direction::sendrecv; break;
  }
  s.media.push_back(std::move(m));
  // MGCP carries the description with "\n" between lines and no final line end.
  std::string text = sdp::format(s);
  std::string out;
  for (char c : text)
    if (c != '\r') out += c;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace tandem::gateway::mgcp
