#include "proto/mgcp/parser.hpp"

#include <array>

#include "proto/mgcp/command_rules.hpp"
#include "proto/mgcp/detail/text.hpp"
#include "proto/sdp/session.hpp"

/// RFC 3435 §3.1: a message is a first line, parameter lines `name: value`, and optionally an
/// empty line followed by session descriptions. Lines end in LF or CRLF. Parameter names are
/// case-insensitive. The first line is read by the framing layer's peek() (shared with the
/// transaction engine); this file reads everything after it.

namespace tandem::mgcp {

using detail::value_error;

namespace {

/// Characters refused in a line: controls other than HTAB, DEL; and (for MGCP lines, not SDP,
/// which may carry UTF-8 text) anything above 0x7e.
constexpr auto bad_char_table(bool allow_8bit) {
  std::array<unsigned char, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = (c < 0x20 && c != '\t') || c == 0x7f || (!allow_8bit && c > 0x7f);
  return t;
}
constexpr auto bad_mgcp_chars = bad_char_table(false);
constexpr auto bad_sdp_chars = bad_char_table(true);

/// Offset of the first refused character, or npos. Branch-free over the line (the common case
/// is a clean line), then a second pass only to locate a fault.
std::size_t find_bad_char(std::string_view line, bool sdp) {
  const auto& table = sdp ? bad_sdp_chars : bad_mgcp_chars;
  unsigned char any = 0;
  for (char c : line) any |= table[static_cast<unsigned char>(c)];
  if (!any) return std::string_view::npos;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (table[static_cast<unsigned char>(line[i])]) return i;
  return std::string_view::npos;
}

/// Where each parameter line lands, and how it is checked (RFC 3435 §3.2.2).
class message_parser {
 public:
  message_parser(std::string_view text, const parse_options& options, parse_error& err)
      : text_(text), options_(options), err_(err) {}

  /// Parses the lines from `from` to the end into params and sessions.
  bool parse_body(std::size_t from, parameter_set& params, std::vector<session_text>& sessions);

 private:
  bool fail(std::size_t position, return_code code, std::string_view reason) {
    err_.position = position;
    err_.code = code;
    err_.reason = reason;
    return false;
  }
  bool fail(std::size_t base, const value_error& e) { return fail(base + e.offset, e.code, e.what); }

  bool parameter(std::string_view name, std::size_t name_at, std::string_view value, std::size_t value_at,
                 parameter_set& params);
  bool parse_sessions(std::size_t from, std::vector<session_text>& sessions);

  template <class T, class R>
  bool once(std::optional<T>& slot, R&& result, std::size_t value_at, std::size_t name_at) {
    if (slot) return fail(name_at, return_code::protocol_error, "parameter given twice");
    if (!result) return fail(value_at, result.error());
    slot = std::move(*result);
    return true;
  }

  std::string_view text_;
  const parse_options& options_;
  parse_error& err_;

 public:
  /// Where each parameter's line starts (first occurrence), for errors found after parsing.
  std::array<std::size_t, 28> seen_at{};
  std::size_t body_at = 0;  ///< where the session descriptions start (or the end)
};

bool message_parser::parse_body(std::size_t pos, parameter_set& params, std::vector<session_text>& sessions) {
  body_at = text_.size();
  while (pos < text_.size()) {
    std::size_t lf = text_.find('\n', pos);
    const std::size_t next = lf == std::string_view::npos ? text_.size() : lf + 1;
    std::size_t end = lf == std::string_view::npos ? text_.size() : lf;
    if (end > pos && text_[end - 1] == '\r') --end;
    const std::string_view line = text_.substr(pos, end - pos);
    if (line.size() > max_line_length) return fail(pos, return_code::protocol_error, "line too long");
    if (line.empty()) {
      body_at = next;
      return parse_sessions(next, sessions);
    }
    if (const std::size_t bad = find_bad_char(line, false); bad != std::string_view::npos)
      return fail(pos + bad, return_code::protocol_error, "control or non-ASCII character in a parameter line");
    if (detail::is_wsp(line.front()))
      return fail(pos, return_code::protocol_error, "line starts with white space (folded lines are not MGCP)");
    // RFC 3435 §3.1 has no continuation lines: a following line that starts with white space
    // is a folded line as printed in RFCs. Refuse it as such before reading this value.
    if (next < text_.size() && detail::is_wsp(text_[next]))
      return fail(next, return_code::protocol_error, "line starts with white space (folded lines are not MGCP)");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail(pos, return_code::protocol_error, "parameter line without ':'");
    const std::string_view name = line.substr(0, colon);
    std::size_t value_at = pos + colon + 1;
    const std::string_view value = detail::trim(line.substr(colon + 1), &value_at);
    if (!parameter(name, pos, value, value_at, params)) return false;
    pos = next;
  }
  return true;
}

bool message_parser::parse_sessions(std::size_t pos, std::vector<session_text>& sessions) {
  // RFC 3435 §2.3.5 / §3.2.2: session descriptions follow the empty line; with a second
  // endpoint (Z2) a CRCX answer carries two, separated by an empty line.
  std::size_t start = std::string_view::npos;
  std::string current;
  const auto finish = [&](std::size_t end_pos) {
    if (current.empty()) return true;
    if (sessions.size() == 2) return fail(start, return_code::protocol_error, "more than two session descriptions");
    // RFC 3435 §2.3.11: a connection without a remote description is audited as the empty
    // session description, the line "v=0" alone; it is not a full RFC 4566 description.
    if (options_.validate_sdp && current != "v=0") {
      auto ok = sdp::validate(current);
      if (!ok) return fail(start + ok.error().position, return_code::remote_descriptor_error, "malformed session description");
    }
    sessions.push_back(std::move(current));
    current.clear();
    (void)end_pos;
    return true;
  };
  while (pos < text_.size()) {
    std::size_t lf = text_.find('\n', pos);
    const std::size_t next = lf == std::string_view::npos ? text_.size() : lf + 1;
    std::size_t end = lf == std::string_view::npos ? text_.size() : lf;
    if (end > pos && text_[end - 1] == '\r') --end;
    const std::string_view line = text_.substr(pos, end - pos);
    if (line.size() > max_line_length) return fail(pos, return_code::remote_descriptor_error, "line too long");
    if (detail::trim(line).empty()) {
      if (!finish(pos)) return false;
    } else {
      if (const std::size_t bad = find_bad_char(line, true); bad != std::string_view::npos)
        return fail(pos + bad, return_code::remote_descriptor_error, "control character in session description");
      if (current.empty()) {
        start = pos;
        current.reserve(text_.size() - pos);  // one allocation per session description
        if (line.size() < 2 || line[1] != '=' || line[0] != 'v')
          return fail(pos, return_code::remote_descriptor_error, "session description does not start with v=");
      } else {
        current += '\n';
      }
      current.append(line);
    }
    pos = next;
  }
  return finish(text_.size());
}

bool message_parser::parameter(std::string_view name, std::size_t name_at, std::string_view value,
                               std::size_t value_at, parameter_set& p) {
  const auto code = find_parameter_code(name);
  if (code && seen_at[static_cast<std::size_t>(*code)] == 0) seen_at[static_cast<std::size_t>(*code)] = name_at;
  if (!code || *code == parameter_code::remote_connection_descriptor ||
      *code == parameter_code::local_connection_descriptor) {
    for (std::size_t i = 0; i < name.size(); ++i) {
      const char c = name[i];
      if (!detail::is_alnum(c) && c != '-' && c != '+' && c != '/' && c != '_' && c != '.')
        return fail(name_at + i, return_code::protocol_error, "bad character in parameter name");
    }
    if (name.empty()) return fail(name_at, return_code::protocol_error, "empty parameter name");
    const bool vendor = name.size() > 2 && detail::to_upper(name[0]) == 'X' && (name[1] == '-' || name[1] == '+');
    if (vendor && name[1] == '+')
      return fail(name_at, return_code::unrecognized_extension, "unsupported mandatory extension parameter (X+)");
    const std::size_t slash = name.find('/');
    if (!vendor && (slash == std::string_view::npos || slash == 0 || slash + 1 == name.size()))
      return fail(name_at, return_code::invalid_command_parameter, "unknown parameter");
    for (const auto& x : p.extensions)
      if (detail::iequals(x.name, name)) return fail(name_at, return_code::protocol_error, "parameter given twice");
    p.extensions.push_back({std::string(name), std::string(value)});
    return true;
  }
  switch (*code) {
    case parameter_code::response_ack: {
      if (p.response_ack) return fail(name_at, return_code::protocol_error, "parameter given twice");
      auto r = parse_response_ack(value);
      if (!r) return fail(value_at + r.error().position, return_code::protocol_error, "malformed ResponseAck");
      p.response_ack = std::move(*r);
      return true;
    }
    case parameter_code::bearer_information: return once(p.bearer, parse_bearer_information(value), value_at, name_at);
    case parameter_code::call_id: {
      auto r = parse_hex_id(value, return_code::unknown_call_id);
      if (!r) return fail(value_at, r.error());
      if (p.call) return fail(name_at, return_code::protocol_error, "parameter given twice");
      p.call = call_id{std::move(*r)};
      return true;
    }
    case parameter_code::connection_id: {
      // A list in the answers to wildcard DLCX and AUEP (RFC 3435 §2.3.10, §3.3.6).
      if (!p.connections.empty()) return fail(name_at, return_code::protocol_error, "parameter given twice");
      value_error e;
      bool failed = false;
      std::size_t bad_at = 0;
      detail::for_each_item(value, ',', [&](std::string_view item, std::size_t off) {
        auto r = parse_hex_id(item, return_code::incorrect_connection_id);
        if (!r) {
          e = r.error();
          e.offset += off;
          failed = true;
          return false;
        }
        p.connections.emplace_back(std::move(*r));
        return true;
      }, &bad_at);
      if (failed) return fail(value_at, e);
      if (p.connections.empty()) return fail(value_at, return_code::incorrect_connection_id, "empty connection id");
      return true;
    }
    case parameter_code::notified_entity: return once(p.notified, parse_notified_entity(value), value_at, name_at);
    case parameter_code::request_id: {
      if (p.request) return fail(name_at, return_code::protocol_error, "parameter given twice");
      auto r = parse_hex_id(value, return_code::protocol_error);
      if (!r) return fail(value_at, r.error());
      p.request = request_id{std::move(*r)};
      return true;
    }
    case parameter_code::local_connection_options:
      return once(p.options, parse_local_connection_options(value), value_at, name_at);
    case parameter_code::connection_mode: return once(p.mode, parse_connection_mode(value), value_at, name_at);
    case parameter_code::requested_events:
      return once(p.requested_events, parse_requested_events(value), value_at, name_at);
    case parameter_code::signal_requests:
      return once(p.signal_requests, parse_parameterized_events(value), value_at, name_at);
    case parameter_code::digit_map: return once(p.digits, parse_digit_map(value), value_at, name_at);
    case parameter_code::observed_events:
      return once(p.observed_events, parse_parameterized_events(value), value_at, name_at);
    case parameter_code::connection_parameters:
      return once(p.connection_stats, parse_connection_parameters(value), value_at, name_at);
    case parameter_code::reason_code: return once(p.reason, parse_reason_code(value), value_at, name_at);
    case parameter_code::specific_endpoint_id: {
      auto r = parse_endpoint_name(value);
      if (!r) return fail(value_at, r.error());
      p.specific_endpoints.push_back(std::move(*r));
      return true;
    }
    case parameter_code::second_endpoint_id: return once(p.second_endpoint, parse_endpoint_name(value), value_at, name_at);
    case parameter_code::second_connection_id: {
      if (p.second_connection) return fail(name_at, return_code::protocol_error, "parameter given twice");
      auto r = parse_hex_id(value, return_code::incorrect_connection_id);
      if (!r) return fail(value_at, r.error());
      p.second_connection = connection_id{std::move(*r)};
      return true;
    }
    case parameter_code::requested_info: return once(p.info, parse_requested_info(value), value_at, name_at);
    case parameter_code::quarantine_handling:
      return once(p.quarantine, parse_quarantine_handling(value), value_at, name_at);
    case parameter_code::detect_events: return once(p.detect_events, parse_event_names(value), value_at, name_at);
    case parameter_code::restart_method: return once(p.restart, parse_restart_method(value), value_at, name_at);
    case parameter_code::restart_delay:
    case parameter_code::max_mgcp_datagram: {
      auto& slot = *code == parameter_code::restart_delay ? p.restart_delay_s : p.max_datagram;
      if (slot) return fail(name_at, return_code::protocol_error, "parameter given twice");
      std::uint32_t v = 0;
      if (!detail::parse_decimal(value, v)) return fail(value_at, return_code::protocol_error, "value is not a decimal number");
      slot = v;
      return true;
    }
    case parameter_code::capabilities: {
      auto r = parse_local_connection_options(value, true);
      if (!r) return fail(value_at, r.error());
      p.capabilities.push_back(std::move(*r));
      return true;
    }
    case parameter_code::event_states: return once(p.event_states, parse_parameterized_events(value), value_at, name_at);
    case parameter_code::package_list: return once(p.packages, parse_package_list(value), value_at, name_at);
    case parameter_code::remote_connection_descriptor:
    case parameter_code::local_connection_descriptor: break;  // handled above as unknown
  }
  return fail(name_at, return_code::invalid_command_parameter, "unknown parameter");
}

std::string_view envelope_reason(envelope_error::code c) {
  switch (c) {
    case envelope_error::code::empty: return "empty message";
    case envelope_error::code::bad_first_line: return "malformed first line";
    case envelope_error::code::bad_transaction_id: return "bad transaction id (1..999999999)";
    case envelope_error::code::bad_response_code: return "response code is not three digits";
    case envelope_error::code::bad_response_ack: return "malformed ResponseAck";
    case envelope_error::code::line_too_long: return "line too long";
  }
  return "malformed message";
}

std::size_t first_line_end(std::string_view text) {
  const std::size_t lf = text.find('\n');
  return lf == std::string_view::npos ? text.size() : lf + 1;
}

std::size_t offset_of(std::string_view inner, std::string_view outer) {
  return static_cast<std::size_t>(inner.data() - outer.data());
}

bool parse_version(std::string_view version, protocol_version& out) {
  const std::size_t dot = version.find('.');
  return dot != std::string_view::npos && detail::parse_decimal(version.substr(0, dot), out.major) &&
         detail::parse_decimal(version.substr(dot + 1), out.minor);
}

}  // namespace

namespace {

bool parse_command(std::string_view text, const envelope& env, const parse_options& options, command& c,
                   parse_error& err) {
  err.verb = std::string(env.verb);
  auto v = find_verb(env.verb);
  if (!v) {
    err.code = return_code::unknown_command;
    err.reason = "unknown or unsupported command";
    err.position = offset_of(env.verb, text);
    return false;
  }
  c.verb = *v;
  c.id = env.id;
  auto ep = parse_endpoint_name(env.endpoint);
  if (!ep) {
    err.code = ep.error().code;
    err.reason = ep.error().what;
    err.position = offset_of(env.endpoint, text) + ep.error().offset;
    return false;
  }
  c.endpoint = std::move(*ep);
  // RFC 3435 §3.2.1: MGCP 1.0; NCS and TGCP profiles say "MGCP 1.0 NCS 1.0" (older NCS
  // gateways "MGCP 0.1 NCS 1.0"). Any other version is 528.
  if (!parse_version(env.version, c.version) ||
      !((c.version.major == 1 && c.version.minor == 0) ||
        (c.version.major == 0 && c.version.minor == 1 && !env.profile.empty()))) {
    err.code = return_code::incompatible_protocol_version;
    err.reason = "unsupported protocol version";
    err.position = offset_of(env.version, text);
    return false;
  }
  c.version.profile = std::string(env.profile);
  message_parser parser(text, options, err);
  if (!parser.parse_body(first_line_end(text), c.params, c.sessions)) return false;
  if (options.check_command_rules) {
    if (auto violation = check_command_rules(c)) {
      err.code = violation->code;
      err.reason = violation->reason;
      // Point at the offending line; a missing parameter or a stray SDP is reported where the
      // parameter lines end.
      const std::size_t at =
          violation->parameter ? parser.seen_at[static_cast<std::size_t>(*violation->parameter)] : 0;
      err.position = at != 0 ? at : parser.body_at;
      return false;
    }
  }
  return true;
}

bool parse_response(std::string_view text, const envelope& env, const parse_options& options, response& r,
                    parse_error& err) {
  r.code = static_cast<return_code>(env.response_code);
  r.id = env.id;
  std::string_view commentary = env.response_text;
  // RFC 3435 Appendix A: responseCode 1*WSP transaction-id [1*WSP "/" packageName] [WSP text].
  if (!commentary.empty() && commentary.front() == '/') {
    std::size_t end = 1;
    while (end < commentary.size() && !detail::is_wsp(commentary[end])) ++end;
    r.package = std::string(commentary.substr(1, end - 1));
    if (r.package.empty()) {
      err.reason = "empty package name after /";
      err.position = offset_of(commentary, text);
      return false;
    }
    commentary = detail::trim(commentary.substr(end));
  }
  r.text = std::string(commentary);
  message_parser parser(text, options, err);
  return parser.parse_body(first_line_end(text), r.params, r.sessions);
}

}  // namespace

expected<message, parse_error> parse_message(std::string_view text, const parse_options& options) {
  parse_error err;
  auto env = peek(text);
  if (!env) {
    err.position = env.error().position;
    err.code = return_code::protocol_error;
    err.reason = envelope_reason(env.error().what);
    err.kind = env.error().kind;
    if (env.error().id.value() != 0) {
      err.id = env.error().id;
      // The framing layer read the transaction id, so the line starts with a verb token: name it
      // in the error too (the agent's log line and the 510 answer both want it).
      if (err.kind == message_kind::command) {
        std::size_t n = 0;
        while (n < text.size() && n < 16 && detail::is_alpha(text[n])) ++n;
        if (n < text.size() && detail::is_wsp(text[n])) err.verb = std::string(text.substr(0, n));
      }
    }
    return make_unexpected(std::move(err));
  }
  err.kind = env->kind;
  err.id = env->id;
  // The message (about 1.4 kB of parameter slots) is built in place in the returned object, and
  // every path returns that one object, so that it is never moved.
  expected<message, parse_error> result;
  bool ok = false;
  if (env->kind == message_kind::command) {
    ok = parse_command(text, *env, options, result->emplace<command>(), err);
  } else {
    ok = parse_response(text, *env, options, result->emplace<response>(), err);
  }
  if (!ok) result = make_unexpected(std::move(err));
  return result;
}

std::vector<expected<message, parse_error>> parse_datagram(std::string_view datagram, const parse_options& options) {
  std::vector<expected<message, parse_error>> out;
  auto parts = split_datagram(datagram);
  if (!parts) {
    parse_error err;
    err.position = parts.error().position;
    err.reason = envelope_reason(parts.error().what);
    err.kind = parts.error().kind;
    if (parts.error().id.value() != 0) err.id = parts.error().id;
    out.emplace_back(make_unexpected(err));
    return out;
  }
  out.reserve(parts->size());
  for (std::string_view part : *parts) {
    auto m = parse_message(part, options);
    if (!m) m.error().position += offset_of(part, datagram);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace tandem::mgcp
