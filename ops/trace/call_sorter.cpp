#include "ops/trace/call_sorter.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace tandem::ops::trace {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

/// One MGCP message of a datagram: its first two words and its CallId, if any.
struct mgcp_head {
  std::string_view first, second;
  std::string call;
};

std::vector<mgcp_head> heads(std::string_view d) {
  std::vector<mgcp_head> out;
  bool start = true;
  while (!d.empty()) {
    const auto nl = d.find('\n');
    std::string_view line = d.substr(0, nl);
    d = nl == std::string_view::npos ? std::string_view{} : d.substr(nl + 1);
    line = trim(line);
    if (line == ".") {
      start = true;
      continue;
    }
    if (start) {
      start = false;
      const auto sp = line.find_first_of(" \t");
      if (sp == std::string_view::npos) continue;
      auto rest = trim(line.substr(sp));
      out.push_back({line.substr(0, sp), rest.substr(0, rest.find_first_of(" \t")), {}});
      continue;
    }
    // RFC 3435 §3.2.2: parameter names are case-insensitive; "C: <hex id>".
    if (!out.empty() && line.size() > 2 && (line[0] == 'C' || line[0] == 'c') && line[1] == ':')
      out.back().call = std::string(trim(line.substr(2)));
  }
  return out;
}

/// What the sorter needs of a Q.931 message in a LAPD frame.
struct q931_head {
  std::uint32_t ref = 0;
  bool flag = false;  ///< Q.931 §4.3: set in messages sent to the side that allocated the reference
  std::uint8_t type = 0;
  std::optional<unsigned> channel;
};

std::optional<q931_head> parse_q931(std::span<const std::uint8_t> f) {
  // Q.921 §3.2-3.4: address (2 octets, SAPI 0 for call control), then an I-frame (2 control
  // octets) or a UI frame (1); the information field holds the Q.931 message.
  if (f.size() < 4 || (f[0] >> 2) != 0) return std::nullopt;
  std::size_t at;
  if ((f[2] & 0x01) == 0) at = 4;
  else if ((f[2] & 0xef) == 0x03) at = 3;
  else return std::nullopt;
  if (f.size() < at + 3 || f[at] != 0x08) return std::nullopt;  // Q.931 §4.2 protocol discriminator
  const std::size_t len = f[at + 1] & 0x0f;
  if (len == 0 || len > 4 || f.size() < at + 2 + len + 1) return std::nullopt;
  q931_head h;
  h.flag = (f[at + 2] & 0x80) != 0;
  h.ref = f[at + 2] & 0x7f;
  for (std::size_t i = 1; i < len; ++i) h.ref = h.ref << 8 | f[at + 2 + i];
  std::size_t i = at + 2 + len;
  h.type = f[i++];
  while (i < f.size()) {
    const std::uint8_t id = f[i];
    if ((id & 0x80) != 0) {  // single-octet information element
      ++i;
      continue;
    }
    if (i + 1 >= f.size()) break;
    const std::size_t n = f[i + 1];
    if (i + 2 + n > f.size()) break;
    if (id == 0x18 && n >= 3) {
      // Q.931 §4.5.13, primary rate: octet 3 without interface identifier, "as indicated",
      // octet 3.2 (coding, number), octet 3.3 the channel number.
      const auto c = f.subspan(i + 2, n);
      if ((c[0] & 0x40) == 0 && (c[0] & 0x20) != 0 && (c[0] & 0x03) == 0x01 && (c[1] & 0x10) == 0)
        h.channel = c[2] & 0x7f;
    }
    i += 2 + n;
  }
  return h;
}

constexpr std::uint8_t q931_setup = 0x05;
constexpr std::uint8_t q931_release_complete = 0x5a;

}  // namespace

call_sorter::call_sorter(std::chrono::seconds linger, std::size_t max_packets)
    : linger_(linger), max_packets_(max_packets) {}

void call_sorter::hold(std::vector<traced_packet>& into, traced_packet p) {
  if (held_ >= max_packets_) {
    ++dropped_;
    return;
  }
  into.push_back(std::move(p));
  ++held_;
}

void call_sorter::mgcp(bool from_self, const std::string& source, std::uint16_t source_port,
                       const std::string& destination, std::uint16_t destination_port, std::string_view datagram,
                       clock::time_point at) {
  const std::string& peer = from_self ? destination : source;
  const std::uint16_t peer_port = from_self ? destination_port : source_port;
  std::set<std::string> owners;
  for (const auto& h : heads(datagram)) {
    if (digits(h.first) && h.first.size() == 3) {  // a response: its command's call
      auto it = pending_.find({peer, peer_port, std::string(h.second)});
      if (it == pending_.end()) continue;
      owners.insert(it->second);
      if (h.first != "000" && h.first[0] != '1') pending_.erase(it);  // final
    } else if (!h.call.empty() && digits(h.second)) {
      owners.insert(h.call);
      if (pending_.size() > 10'000) pending_.clear();  // answers that never came
      pending_[{peer, peer_port, std::string(h.second)}] = h.call;
    }
  }
  for (const auto& call : owners) {
    auto& c = calls_[call];
    c.last = at;
    traced_packet p{traced_packet::kind::mgcp, at, {datagram.begin(), datagram.end()}, source, destination,
                    source_port, destination_port};
    hold(c.packets, std::move(p));
  }
}

void call_sorter::lapd(const std::string& link, unsigned span, bool from_network, std::span<const std::uint8_t> frame,
                       clock::time_point at) {
  auto q = parse_q931(frame);
  if (!q) return;  // link management (RR, SABME...) belongs to no call
  // The side that allocated the reference sends with the flag clear (Q.931 §4.3).
  const bool network_allocated = q->flag ? !from_network : from_network;
  const ref_key key{link, span, q->ref, network_allocated};
  auto open = open_.find(key);
  if (q->type == q931_setup || open == open_.end()) {
    if (open != open_.end()) dialogues_.at(open->second).ended = true;
    const auto id = next_dialogue_++;
    dialogues_[id] = dialogue{link, span, 0, at, at, false, {}};
    open = open_.insert_or_assign(key, id).first;
  }
  auto& d = dialogues_.at(open->second);
  if (q->channel && *q->channel != 0) d.channel = *q->channel;
  d.last = at;
  hold(d.packets, traced_packet{traced_packet::kind::lapd, at, {frame.begin(), frame.end()}, {}, {}, 0, 0});
  if (q->type == q931_release_complete) {
    d.ended = true;
    open_.erase(open);
  }
}

std::vector<traced_packet> call_sorter::claim(const std::string& mgcp_call_id, const std::vector<traced_circuit>& circuits,
                                              clock::time_point from, clock::time_point to) {
  std::vector<traced_packet> out;
  auto take = [&](std::vector<traced_packet>& v) {
    held_ -= v.size();
    std::move(v.begin(), v.end(), std::back_inserter(out));
    v.clear();
  };
  if (auto it = calls_.find(mgcp_call_id); it != calls_.end()) {
    take(it->second.packets);
    calls_.erase(it);
  }
  // Dialogues on the call's circuits that began while it lived: a call reference and a channel
  // are reused by the next calls, which begin after this one's release. The SETUP that made
  // the call was seen just before its seizure was stamped.
  const auto slack = std::chrono::seconds(1);
  for (auto it = dialogues_.begin(); it != dialogues_.end();) {
    const auto& d = it->second;
    const bool ours = std::any_of(circuits.begin(), circuits.end(), [&d](const traced_circuit& c) {
      return c.link == d.link && c.span == d.span && c.channel == d.channel && c.channel != 0;
    });
    if (ours && d.first >= from - slack && d.first <= to) {
      take(it->second.packets);
      std::erase_if(open_, [&it](const auto& e) { return e.second == it->first; });
      it = dialogues_.erase(it);
    } else {
      ++it;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const traced_packet& a, const traced_packet& b) { return a.at < b.at; });
  return out;
}

void call_sorter::expire(clock::time_point now, const std::set<std::string, std::less<>>& live) {
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (!live.contains(it->first) && now - it->second.last > linger_) {
      held_ -= it->second.packets.size();
      dropped_ += it->second.packets.size();
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
  // A dialogue is kept while it runs (at most a day: a reference leaked by a lost RELEASE
  // COMPLETE must not pin memory for ever), and for `linger` after.
  for (auto it = dialogues_.begin(); it != dialogues_.end();) {
    const auto& d = it->second;
    const bool over = d.ended ? now - d.last > linger_ : now - d.last > std::chrono::hours(24);
    if (over) {
      held_ -= d.packets.size();
      dropped_ += d.packets.size();
      std::erase_if(open_, [&it](const auto& e) { return e.second == it->first; });
      it = dialogues_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace tandem::ops::trace
