#include "proto/sdp/session.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

/// The one translation unit that includes Sofia-SIP's SDP parser.

namespace tandem::sdp {
namespace {

struct parser_deleter {
  void operator()(sdp_parser_t* p) const { sdp_parser_free(p); }
};
using parser_ptr = std::unique_ptr<sdp_parser_t, parser_deleter>;

/// Sofia names the offending text in its message but not its offset; find the line that the
/// message quotes, else point at the start.
std::size_t guess_position(std::string_view text, std::string_view reason) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > 2 && reason.find(line) != std::string_view::npos) return start;
    start = end + 1;
  }
  return 0;
}

/// RFC 4566 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
bool is_token_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d || c == 0x2e ||
         (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x5e && c <= 0x7e);
}

bool is_token(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t)
    if (!is_token_char(c)) return false;
  return true;
}

/// RFC 4566 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...; media and fmt are
/// tokens, proto is tokens joined by "/", port is decimal.
bool is_media_line(std::string_view v) {
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < v.size();) {
    const std::size_t sp = v.find(' ', i);
    const std::size_t e = sp == std::string_view::npos ? v.size() : sp;
    fields.push_back(v.substr(i, e - i));
    i = e + 1;
    if (sp == std::string_view::npos) break;
  }
  if (fields.size() < 4 || !is_token(fields[0])) return false;
  const std::string_view port = fields[1];
  const std::size_t slash = port.find('/');
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.size() <= 5 && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(port.substr(0, slash)) || (slash != std::string_view::npos && !digits(port.substr(slash + 1))))
    return false;
  std::string_view proto = fields[2];
  for (std::size_t i = 0; i <= proto.size();) {
    const std::size_t sl = proto.find('/', i);
    const std::size_t e = sl == std::string_view::npos ? proto.size() : sl;
    if (!is_token(proto.substr(i, e - i))) return false;
    if (sl == std::string_view::npos) break;
    i = sl + 1;
  }
  for (std::size_t i = 3; i < fields.size(); ++i)
    if (!is_token(fields[i])) return false;
  return true;
}

/// Checks every m= line against the RFC 4566 grammar before Sofia-SIP sees it: Sofia-SIP 1.12
/// asks for gigabytes on some malformed m= lines (a "/" among the formats, a proto with no
/// format; found by tests/fuzz/mgcp). Returns the offset of the offending line.
std::optional<std::size_t> bad_media_line(std::string_view text) {
  // Lines end at CR, LF or CRLF: Sofia-SIP takes a bare CR as a line end too, so a check that
  // split at LF only would miss an m= line after "\r\r" (found by tests/fuzz/h248).
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    // Sofia-SIP skips white space before a line's type letter ("\tm=" is an m= line to it;
    // found by tests/fuzz/h248 after "\r\t"), so the check does too.
    line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    if (line.size() >= 2 && line[0] == 'm' && line[1] == '=' && !is_media_line(line.substr(2))) return start;
    start = end + 1;
  }
  return std::nullopt;
}

expected<sdp_session_t*, sdp_error> run(std::string_view text, parser_ptr& holder) {
  if (auto at = bad_media_line(text)) return make_unexpected(sdp_error{*at, "malformed m= line"});
  // The parser copies the text into its own home; no flags: lenient as Sofia is by default,
  // which accepts LF line ends and the partial descriptions of RFC 3435 examples.
  holder.reset(sdp_parse(nullptr, text.data(), static_cast<issize_t>(text.size()), sdp_f_c_missing));
  if (!holder) return make_unexpected(sdp_error{0, "out of memory"});
  sdp_session_t* s = sdp_session(holder.get());
  if (!s) {
    const char* why = sdp_parsing_error(holder.get());
    std::string reason = why ? why : "malformed SDP";
    return make_unexpected(sdp_error{guess_position(text, reason), std::move(reason)});
  }
  return s;
}

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

}  // namespace

expected<void, sdp_error> validate(std::string_view text) {
  parser_ptr holder;
  auto s = run(text, holder);
  if (!s) return make_unexpected(s.error());
  return {};
}

expected<session_description, sdp_error> parse(std::string_view text) {
  parser_ptr holder;
  auto parsed = run(text, holder);
  if (!parsed) return make_unexpected(parsed.error());
  const sdp_session_t* s = *parsed;
  session_description out;
  if (s->sdp_origin) {
    out.origin_user = str(s->sdp_origin->o_username);
    out.session_id = s->sdp_origin->o_id;
    out.session_version = s->sdp_origin->o_version;
    if (s->sdp_origin->o_address) out.origin_address = str(s->sdp_origin->o_address->c_address);
  }
  out.session_name = str(s->sdp_subject);
  if (s->sdp_connection) {
    out.connection_address = str(s->sdp_connection->c_address);
    out.address_type = s->sdp_connection->c_addrtype == sdp_addr_ip6 ? "IP6" : "IP4";
  }
  for (const sdp_media_t* m = s->sdp_media; m; m = m->m_next) {
    media_description md;
    md.media = str(m->m_type_name);
    md.port = static_cast<std::uint16_t>(m->m_port);
    md.protocol = str(m->m_proto_name);
    for (const sdp_list_t* f = m->m_format; f; f = f->l_next) md.formats.push_back(str(f->l_text));
    // For RTP media Sofia keeps the payload types in m_rtpmaps (in m= line order), not m_format.
    if (md.formats.empty())
      for (const sdp_rtpmap_t* r = m->m_rtpmaps; r; r = r->rm_next) md.formats.push_back(std::to_string(r->rm_pt));
    for (const sdp_rtpmap_t* r = m->m_rtpmaps; r; r = r->rm_next) {
      rtpmap map;
      map.payload_type = r->rm_pt;
      map.encoding = str(r->rm_encoding);
      map.clock_rate = static_cast<unsigned>(r->rm_rate);
      if (r->rm_params) map.channels = static_cast<unsigned>(std::strtoul(r->rm_params, nullptr, 10));
      map.fmtp = str(r->rm_fmtp);
      md.rtpmaps.push_back(std::move(map));
    }
    if (m->m_connections) md.connection_address = str(m->m_connections->c_address);
    for (const sdp_attribute_t* a = m->m_attributes; a; a = a->a_next)
      if (a->a_name && std::strcmp(a->a_name, "ptime") == 0 && a->a_value)
        md.ptime_ms = static_cast<unsigned>(std::strtoul(a->a_value, nullptr, 10));
    switch (m->m_mode) {
      case sdp_inactive: md.mode = direction::inactive; break;
      case sdp_sendonly: md.mode = direction::sendonly; break;
      case sdp_recvonly: md.mode = direction::recvonly; break;
      default: md.mode = direction::sendrecv; break;
    }
    out.media.push_back(std::move(md));
  }
  return out;
}

std::string format(const session_description& s) {
  std::string out;
  auto it = std::back_inserter(out);
  const std::string at = s.address_type.empty() ? "IP4" : s.address_type;
  fmt::format_to(it, "v=0\r\no={} {} {} IN {} {}\r\ns={}\r\n", s.origin_user.empty() ? "-" : s.origin_user,
                 s.session_id, s.session_version, at, s.origin_address,
                 s.session_name.empty() ? "-" : s.session_name);
  if (s.connection_address) fmt::format_to(it, "c=IN {} {}\r\n", at, *s.connection_address);
  out += "t=0 0\r\n";
  for (const auto& m : s.media) {
    fmt::format_to(it, "m={} {} {}", m.media, m.port, m.protocol);
    for (const auto& f : m.formats) fmt::format_to(it, " {}", f);
    out += "\r\n";
    if (m.connection_address) fmt::format_to(it, "c=IN {} {}\r\n", at, *m.connection_address);
    for (const auto& r : m.rtpmaps) {
      fmt::format_to(it, "a=rtpmap:{} {}/{}", r.payload_type, r.encoding, r.clock_rate);
      if (r.channels) fmt::format_to(it, "/{}", r.channels);
      out += "\r\n";
      if (!r.fmtp.empty()) fmt::format_to(it, "a=fmtp:{} {}\r\n", r.payload_type, r.fmtp);
    }
    if (m.ptime_ms) fmt::format_to(it, "a=ptime:{}\r\n", *m.ptime_ms);
    switch (m.mode) {
      case direction::sendonly: out += "a=sendonly\r\n"; break;
      case direction::recvonly: out += "a=recvonly\r\n"; break;
      case direction::inactive: out += "a=inactive\r\n"; break;
      case direction::sendrecv: break;
    }
  }
  return out;
}

}  // namespace tandem::sdp
