#include "proto/mgcp/transaction/envelope.hpp"

#include <algorithm>

/// Framing per RFC 3435 §3.1 (command and response lines), §3.5.5 (piggybacking) and
/// §3.2.2.19 (ResponseAck). The grammar followed is the one of RFC 3435 Appendix A:
///
///   MGCPCommandLine  = MGCPVerb 1*WSP transaction-id 1*WSP endpointName 1*WSP MGCPversion EOL
///   MGCPversion      = "MGCP" 1*WSP 1*DIGIT "." 1*DIGIT [1*WSP ProfileName]
///   MGCPResponseLine = responseCode 1*WSP transaction-id [1*WSP "/" packageName]
///                      [WSP responseString] EOL
///   transaction-id   = 1*9DIGIT
///   responseCode     = 3DIGIT
///   EOL              = CRLF / LF ;  WSP = SP / HTAB
///
/// Strict where the grammar is explicit (verb shape, 1..9 digit ids, 3-digit codes, white space
/// being SP or HTAB only, the "." separator line holding nothing else); lenient where the RFC
/// asks for it: any case for verbs, "MGCP" and parameter names (§3.1, §3.2.2), LF as well as
/// CRLF, and free text in the response commentary.

namespace tandem::mgcp {
namespace {

constexpr bool is_wsp(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_vchar(char c) { return c > 0x20 && c < 0x7f; }

/// One line of a message: its content without EOL, and where the next line starts.
struct line_view {
  std::string_view content;
  std::size_t next = 0;  ///< offset of the byte after the EOL (or the end)
};

line_view line_at(std::string_view text, std::size_t start) {
  const std::size_t lf = text.find('\n', start);
  if (lf == std::string_view::npos) return {text.substr(start), text.size()};
  std::size_t end = lf;
  if (end > start && text[end - 1] == '\r') --end;
  return {text.substr(start, end - start), lf + 1};
}

bool all_white(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_wsp(c) || c == '\r' || c == '\n'; });
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

/// A cursor over the first line, reporting positions relative to the message.
struct cursor {
  std::string_view line;
  std::size_t pos = 0;

  [[nodiscard]] bool done() const { return pos >= line.size(); }
  std::size_t skip_wsp() {
    const std::size_t from = pos;
    while (!done() && is_wsp(line[pos])) ++pos;
    return pos - from;
  }
  /// A run of non-white-space characters.
  std::string_view token() {
    const std::size_t from = pos;
    while (!done() && !is_wsp(line[pos])) ++pos;
    return line.substr(from, pos - from);
  }
};

/// Parses 1*9DIGIT; nullopt-like failure is reported by returning false.
bool parse_id_digits(std::string_view s, std::uint32_t& out) {
  if (s.empty() || s.size() > 9) return false;
  std::uint32_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  out = v;
  return true;
}

envelope_error fail(envelope_error::code what, std::size_t pos, message_kind kind,
                    transaction_id id = transaction_id{}) {
  return envelope_error{what, pos, id, kind};
}

/// "MGCP" 1*WSP 1*DIGIT "." 1*DIGIT
bool is_version_number(std::string_view v) {
  const std::size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
  return std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(dot), is_digit) &&
         std::all_of(v.begin() + static_cast<std::ptrdiff_t>(dot) + 1, v.end(), is_digit);
}

expected<envelope, envelope_error> peek_command(cursor c, envelope env) {
  constexpr auto kind = message_kind::command;
  // RFC 3435 Appendix A: extensionVerb = ALPHA 3(ALPHA / DIGIT); the defined verbs fit too.
  const std::string_view verb = c.token();
  if (verb.size() != 4 || !is_alpha(verb[0]) ||
      !std::all_of(verb.begin() + 1, verb.end(),
                   [](char ch) { return is_alpha(ch) || is_digit(ch); }))
    return make_unexpected(fail(envelope_error::code::bad_first_line, 0, kind));
  env.verb = verb;

  if (c.skip_wsp() == 0)
    return make_unexpected(fail(envelope_error::code::bad_first_line, c.pos, kind));
  const std::size_t id_pos = c.pos;
  std::uint32_t id = 0;
  // RFC 3435 §3.2.1: 1..999,999,999 for a command.
  if (!parse_id_digits(c.token(), id) || id == 0)
    return make_unexpected(fail(envelope_error::code::bad_transaction_id, id_pos, kind));
  env.id = transaction_id{id};

  // From here on the transaction id is known: errors carry it so the command can be answered.
  if (c.skip_wsp() == 0)
    return make_unexpected(fail(envelope_error::code::bad_first_line, c.pos, kind, env.id));
  const std::size_t ep_pos = c.pos;
  env.endpoint = c.token();
  if (!std::all_of(env.endpoint.begin(), env.endpoint.end(), is_vchar))
    return make_unexpected(fail(envelope_error::code::bad_first_line, ep_pos, kind, env.id));

  const std::size_t mgcp_pos = c.pos + c.skip_wsp();
  if (mgcp_pos == ep_pos + env.endpoint.size() || !iequals(c.token(), "MGCP"))
    return make_unexpected(fail(envelope_error::code::bad_first_line, mgcp_pos, kind, env.id));
  const std::size_t ver_pos = c.pos + c.skip_wsp();
  env.version = c.token();
  if (ver_pos == mgcp_pos + 4 || !is_version_number(env.version))
    return make_unexpected(fail(envelope_error::code::bad_first_line, ver_pos, kind, env.id));

  // ProfileName = VCHAR *(WSP / VCHAR); trailing white space is tolerated and trimmed.
  c.skip_wsp();
  std::string_view profile = c.line.substr(c.pos);
  while (!profile.empty() && is_wsp(profile.back())) profile.remove_suffix(1);
  for (std::size_t i = 0; i < profile.size(); ++i) {
    if (!is_vchar(profile[i]) && !is_wsp(profile[i]))
      return make_unexpected(
          fail(envelope_error::code::bad_first_line, c.pos + i, kind, env.id));
  }
  env.profile = profile;
  return env;
}

expected<envelope, envelope_error> peek_response(cursor c, envelope env) {
  constexpr auto kind = message_kind::response;
  env.kind = kind;
  const std::string_view code = c.token();
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), is_digit))
    return make_unexpected(fail(envelope_error::code::bad_response_code, 0, kind));
  env.response_code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');

  if (c.skip_wsp() == 0)
    return make_unexpected(fail(envelope_error::code::bad_transaction_id, c.pos, kind));
  const std::size_t id_pos = c.pos;
  std::uint32_t id = 0;
  // A response may carry 0 (some agents answer unparsable commands so); it matches nothing.
  if (!parse_id_digits(c.token(), id))
    return make_unexpected(fail(envelope_error::code::bad_transaction_id, id_pos, kind));
  env.id = transaction_id{id};

  // Commentary (and the "/package" of 8xx codes) is free text: only control characters other
  // than HTAB are refused.
  c.skip_wsp();
  std::string_view text = c.line.substr(c.pos);
  while (!text.empty() && is_wsp(text.back())) text.remove_suffix(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if ((u < 0x20 && text[i] != '\t') || u == 0x7f)
      return make_unexpected(
          fail(envelope_error::code::bad_first_line, c.pos + i, kind, env.id));
  }
  env.response_text = text;
  return env;
}

/// Finds the first K: line among the parameter lines (up to the empty line that starts the
/// session description). Lines that are malformed in other ways are not this function's
/// business: the full parser reports them.
void find_response_ack(std::string_view message, std::size_t from, envelope& env) {
  std::size_t pos = from;
  while (pos < message.size()) {
    const line_view l = line_at(message, pos);
    if (l.content.empty()) return;  // RFC 3435 §3.1: an empty line precedes the SDP
    // RFC 3435 §3.2.2: name, colon, optional white space, value; names are case-insensitive.
    if (l.content.size() >= 2 && (l.content[0] == 'K' || l.content[0] == 'k') &&
        l.content[1] == ':') {
      std::string_view value = l.content.substr(2);
      while (!value.empty() && is_wsp(value.front())) value.remove_prefix(1);
      while (!value.empty() && is_wsp(value.back())) value.remove_suffix(1);
      env.has_response_ack = true;
      env.response_ack = value;
      return;
    }
    pos = l.next;
  }
}

}  // namespace

expected<std::vector<std::string_view>, envelope_error> split_datagram(std::string_view datagram) {
  if (all_white(datagram)) return make_unexpected(envelope_error{envelope_error::code::empty, 0});
  std::vector<std::string_view> out;
  std::size_t start = 0;  // start of the current message
  std::size_t pos = 0;
  while (pos < datagram.size()) {
    const line_view l = line_at(datagram, pos);
    if (l.content == ".") {
      // RFC 3435 §3.5.5: a line holding a single "." separates piggybacked messages.
      const std::string_view msg = datagram.substr(start, pos - start);
      if (all_white(msg))
        return make_unexpected(envelope_error{envelope_error::code::empty, start});
      out.push_back(msg);
      start = l.next;
    }
    pos = l.next;
  }
  const std::string_view last = datagram.substr(start);
  if (all_white(last))
    return make_unexpected(envelope_error{envelope_error::code::empty, start});
  out.push_back(last);
  return out;
}

std::string join_datagram(const std::vector<std::string>& messages) {
  std::string out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string& m = messages[i];
    out += m;
    if (i + 1 == messages.size()) break;
    // Keep the line ending style of the message being closed.
    const bool crlf = m.find("\r\n") != std::string::npos;
    if (m.empty() || m.back() != '\n') out += crlf ? "\r\n" : "\n";
    out += crlf ? ".\r\n" : ".\n";
  }
  return out;
}

expected<envelope, envelope_error> peek(std::string_view message) {
  if (all_white(message)) return make_unexpected(envelope_error{envelope_error::code::empty, 0});
  const line_view first = line_at(message, 0);
  if (first.content.size() > max_line_length)
    return make_unexpected(envelope_error{envelope_error::code::line_too_long, max_line_length});

  envelope env;
  env.text = message;
  const cursor c{first.content, 0};
  if (first.content.empty())
    return make_unexpected(envelope_error{envelope_error::code::bad_first_line, 0});
  auto result = is_digit(first.content[0]) ? peek_response(c, env) : peek_command(c, env);
  if (!result) return result;
  find_response_ack(message, first.next, *result);
  return result;
}

expected<std::vector<transaction_range>, envelope_error> parse_response_ack(
    std::string_view value) {
  std::vector<transaction_range> out;
  std::size_t pos = 0;
  auto skip = [&] {
    while (pos < value.size() && is_wsp(value[pos])) ++pos;
  };
  auto bad = [&](std::size_t at) {
    return make_unexpected(envelope_error{envelope_error::code::bad_response_ack, at});
  };
  auto read_id = [&](transaction_id& id) {
    const std::size_t from = pos;
    while (pos < value.size() && is_digit(value[pos])) ++pos;
    std::uint32_t v = 0;
    if (!parse_id_digits(value.substr(from, pos - from), v) || v == 0) return false;
    id = transaction_id{v};
    return true;
  };
  skip();
  if (pos == value.size()) return out;  // "K:" with no value (RFC 3435 §3.5.6)
  while (true) {
    skip();
    const std::size_t item = pos;
    transaction_range r;
    if (!read_id(r.first)) return bad(item);
    r.last = r.first;
    // confirmedTransactionIdRange = transaction-id ["-" transaction-id]: no white space inside.
    if (pos < value.size() && value[pos] == '-') {
      ++pos;
      if (!read_id(r.last) || r.last < r.first) return bad(item);
    }
    out.push_back(r);
    skip();
    if (pos == value.size()) return out;
    if (value[pos] != ',') return bad(pos);
    ++pos;
  }
}

std::string format_response_ack(const std::vector<transaction_range>& ranges) {
  std::string out;
  for (const transaction_range& r : ranges) {
    if (!out.empty()) out += ", ";
    out += std::to_string(r.first.value());
    if (r.last != r.first) {
      out += '-';
      out += std::to_string(r.last.value());
    }
  }
  return out;
}

}  // namespace tandem::mgcp
