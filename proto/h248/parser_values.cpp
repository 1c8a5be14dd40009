/// The cursor (Annex B LWSP, COMMENT, brackets) and the value productions: numbers, mId,
/// context, termination and request ids, pkgdName, VALUE, parmValue, TimeStamp, quoted and
/// octet strings, digit maps.
#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include "proto/h248/detail/parser_impl.hpp"

namespace tandem::h248::detail {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

}  // namespace

bool is_safe_char(char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  switch (c) {
    case '+': case '-': case '&': case '!': case '_': case '/': case '\'': case '?': case '@':
    case '^': case '`': case '~': case '*': case '$': case '\\': case '(': case ')': case '%':
    case '|': case '.':
      return true;
    default:
      return false;
  }
}

item_name read_item(parser_impl& p) {
  item_name n;
  p.lwsp();
  n.at = p.pos_;
  if (p.peek() == '*') {
    n.word = p.text_.substr(p.pos_, 1);
    ++p.pos_;
  } else {
    n.word = p.word();
  }
  n.pkgd = p.peek() == '/';
  if (!n.pkgd && !n.word.empty()) n.tok = find_token(n.word);
  return n;
}

bool extension_name(parser_impl& p, const item_name& first, std::string& out) {
  if (!iequals(first.word, "X") || (p.peek() != '-' && p.peek() != '+')) return false;
  const char sign = p.peek();
  ++p.pos_;
  const std::string_view rest = p.word();
  if (rest.empty() || rest.size() > max_name_length) return false;
  out = std::string(first.word) + sign + std::string(rest);
  return true;
}

// ---- cursor ---------------------------------------------------------------------------------

void parser_impl::lwsp() {
  while (!at_end()) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos_;
    } else if (c == ';') {
      // COMMENT = ";" *(SafeChar / RestChar / WSP / %x22) EOL
      while (!at_end() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    } else {
      return;
    }
  }
}

bool parser_impl::accept(char c) {
  const std::size_t save = pos_;
  lwsp();
  if (peek() != c) {
    pos_ = save;
    return false;
  }
  ++pos_;
  lwsp();
  return true;
}

bool parser_impl::expect(char c, std::string_view reason) {
  if (accept(c)) return true;
  lwsp();
  return syntax(reason);
}

bool parser_impl::next_is(char c) {
  const std::size_t save = pos_;
  lwsp();
  const bool yes = peek() == c;
  pos_ = save;
  return yes;
}

std::string_view parser_impl::word() {
  const std::size_t start = pos_;
  while (!at_end() && is_name_char(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::optional<token> parser_impl::word_token(std::string_view& w) {
  lwsp();
  if (peek() == '!') {  // the one token that is not a word: MegacopToken's short form
    ++pos_;
    w = text_.substr(pos_ - 1, 1);
    return token::megacop;
  }
  w = word();
  if (w.empty()) return std::nullopt;
  return find_token(w);
}

bool parser_impl::fail(error_code code, std::string_view reason, std::size_t at) {
  if (!error_) {
    // H.248.8 403: "not possible to determine the end of a transaction": input that ends
    // inside a request is a transaction-level fault, whatever production was open; inside
    // anything else it is a message-level one.
    const bool syntax_code = code == error_code::syntax_error_in_action || code == error_code::syntax_error_in_command ||
                             code == error_code::syntax_error_in_transaction;
    if (at >= text_.size() && syntax_code)
      code = kind_ == transaction_kind::request ? error_code::syntax_error_in_transaction
                                                : error_code::syntax_error_in_message;
    parse_error e;
    e.position = std::min(at, text_.size());
    e.code = code;
    e.reason = reason;
    e.sender = sender_;
    e.transaction = transaction_;
    e.kind = kind_;
    error_ = e;
  }
  return false;
}

// ---- numbers --------------------------------------------------------------------------------

bool parser_impl::uint_value(std::uint64_t max, std::uint64_t& out, std::string_view reason) {
  lwsp();
  const std::size_t start = pos_;
  while (!at_end() && is_digit(text_[pos_])) ++pos_;
  if (pos_ == start) return syntax(reason);
  const std::string_view digits = text_.substr(start, pos_ - start);
  if (digits.size() > 10) return fail(error_code::incorrect_identifier, "number too long", start);
  std::uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (v > max) return fail(error_code::incorrect_identifier, "number out of range", start);
  out = v;
  return true;
}

bool parser_impl::uint16_value(std::uint16_t& out, std::string_view reason) {
  std::uint64_t v = 0;
  if (!uint_value(0xFFFF, v, reason)) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

bool parser_impl::uint32_value(std::uint32_t& out, std::string_view reason) {
  std::uint64_t v = 0;
  if (!uint_value(0xFFFFFFFFu, v, reason)) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool parser_impl::transaction_number(transaction_id& out, error_code code) {
  lwsp();
  const std::size_t at = pos_;
  std::uint32_t v = 0;
  {
    level_scope scope(*this, code);
    if (!uint32_value(v, "transaction id expected")) return false;
  }
  if (v == 0) return fail(error_code::incorrect_identifier, "transaction id 0", at);
  out = transaction_id{v};
  return true;
}

// ---- identifiers ----------------------------------------------------------------------------

bool parser_impl::mid(message_id& out) {
  lwsp();
  const std::size_t at = pos_;
  const char c = peek();
  if (c == '[') {
    const std::size_t close = text_.find(']', pos_);
    if (close == std::string_view::npos || close - pos_ > 64)
      return fail(error_code::incorrect_identifier, "unterminated address in mId", at);
    const std::string addr(text_.substr(pos_ + 1, close - pos_ - 1));
    unsigned char buf[16];
    if (::inet_pton(AF_INET, addr.c_str(), buf) == 1) {
      out.kind = mid_kind::ipv4;
    } else if (::inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
      out.kind = mid_kind::ipv6;
    } else {
      return fail(error_code::incorrect_identifier, "bad IP address in mId", at);
    }
    out.name = addr;
    pos_ = close + 1;
  } else if (c == '<') {
    // domainName = "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">"
    std::size_t i = pos_ + 1;
    while (i < text_.size() && i - pos_ <= 65 &&
           (is_alpha(text_[i]) || is_digit(text_[i]) || text_[i] == '-' || text_[i] == '.'))
      ++i;
    if (i >= text_.size() || text_[i] != '>' || i == pos_ + 1 || i - pos_ > 65 ||
        !(is_alpha(text_[pos_ + 1]) || is_digit(text_[pos_ + 1])))
      return fail(error_code::incorrect_identifier, "bad domain name in mId", at);
    out.kind = mid_kind::domain_name;
    out.name = std::string(text_.substr(pos_ + 1, i - pos_ - 1));
    pos_ = i + 1;
  } else if (is_alpha(c)) {
    const std::size_t save = pos_;
    std::string_view w = word();
    if (iequals(w, "MTP") && next_is('{')) {
      accept('{');
      const std::size_t start = pos_;
      while (!at_end() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      const std::size_t n = pos_ - start;
      if (n < 4 || n > 8) return fail(error_code::incorrect_identifier, "MTP address needs 4 to 8 hex digits", start);
      out.kind = mid_kind::mtp;
      out.name = std::string(text_.substr(start, n));
      lwsp();
      // No LWSP after this brace: the SEP that ends the mId must stay visible.
      if (peek() != '}') return fail(error_code::incorrect_identifier, "'}' expected after MTP address");
      ++pos_;
      return true;
    }
    pos_ = save;
    termination_id device;
    if (!termination(device)) return false;
    out.kind = mid_kind::device_name;
    out.name = device.name;
    return true;
  } else {
    return fail(error_code::incorrect_identifier, "mId expected", at);
  }
  out.port.reset();
  if (peek() == ':') {
    ++pos_;
    if (!is_digit(peek())) return fail(error_code::incorrect_identifier, "port expected after ':'");
    std::uint16_t port = 0;
    if (!uint16_value(port, "port expected")) return false;
    out.port = port;
  }
  return true;
}

bool parser_impl::context(context_id& out) {
  lwsp();
  const std::size_t at = pos_;
  switch (peek()) {
    case '-': ++pos_; out = context_id::null(); return true;
    case '$': ++pos_; out = context_id::choose(); return true;
    case '*': ++pos_; out = context_id::all(); return true;
    default: break;
  }
  if (!is_digit(peek())) return fail(error_code::incorrect_identifier, "context id expected", at);
  std::uint32_t v = 0;
  if (!uint32_value(v, "context id expected")) return false;
  if (v == 0 || v > max_context_id) return fail(error_code::incorrect_identifier, "context id out of range", at);
  out = context_id::of(v);
  return true;
}

bool parser_impl::termination(termination_id& out) {
  lwsp();
  const std::size_t at = pos_;
  // TerminationID = "ROOT" / pathNAME / "$" / "*"
  // pathNAME = ["*"] NAME *("/" / "*" / ALPHA / DIGIT / "_" / "$") ["@" pathDomainName]
  std::size_t i = pos_;
  if (i < text_.size() && (text_[i] == '$' || text_[i] == '*')) {
    ++i;
    if (i < text_.size() && (text_[i] == '$' || text_[i] == '*'))
      return fail(error_code::incorrect_identifier, "bad termination id", at);
  }
  if (i < text_.size() && is_alpha(text_[i])) {
    while (i < text_.size() && (is_name_char(text_[i]) || text_[i] == '/' || text_[i] == '*' || text_[i] == '$')) ++i;
    if (i < text_.size() && text_[i] == '@') {
      ++i;
      const std::size_t d = i;
      while (i < text_.size() && (is_name_char(text_[i]) || text_[i] == '-' || text_[i] == '.' || text_[i] == '*')) ++i;
      if (i == d) return fail(error_code::incorrect_identifier, "domain expected after '@'", at);
    }
  } else if (i == pos_ || (i < text_.size() && is_name_char(text_[i]))) {
    // A bare "$" or "*" is fine; a name must start with a letter.
    return fail(error_code::incorrect_identifier, "termination id expected", at);
  }
  if (i - pos_ > max_value_length) return fail(error_code::incorrect_identifier, "termination id too long", at);
  out.name = std::string(text_.substr(pos_, i - pos_));
  pos_ = i;
  return true;
}

bool parser_impl::request(request_id& out) {
  lwsp();
  if (peek() == '*') {
    ++pos_;
    out = {true, 0};
    return true;
  }
  std::uint32_t v = 0;
  if (!uint32_value(v, "request id expected")) return false;
  out = {false, v};
  return true;
}

bool parser_impl::pkgd_name_rest(std::string_view first, std::size_t start, std::string& out) {
  // pkgdName = (PackageName SLASH ItemID) / (PackageName SLASH "*") / ("*" SLASH "*")
  if (first.size() > max_name_length) return fail(error_code::incorrect_identifier, "package name too long", start);
  if (first != "*" && (first.empty() || !is_alpha(first.front())))
    return fail(error_code::incorrect_identifier, "bad package name", start);
  if (peek() != '/') return syntax("'/' expected in package name");
  ++pos_;
  std::string_view item;
  if (peek() == '*') {
    item = text_.substr(pos_, 1);
    ++pos_;
  } else {
    if (first == "*") return fail(error_code::incorrect_identifier, "'*/' must be followed by '*'", start);
    item = word();
    if (item.empty() || !is_alpha(item.front())) return fail(error_code::incorrect_identifier, "bad item name", start);
    if (item.size() > max_name_length) return fail(error_code::incorrect_identifier, "item name too long", start);
  }
  out = std::string(first) + "/" + std::string(item);
  return true;
}

bool parser_impl::pkgd_name(std::string& out) {
  lwsp();
  const std::size_t start = pos_;
  std::string_view first;
  if (peek() == '*') {
    first = text_.substr(pos_, 1);
    ++pos_;
  } else {
    first = word();
  }
  if (first.empty()) return syntax("package/item name expected");
  return pkgd_name_rest(first, start, out);
}

bool parser_impl::quoted_string(std::string& out) {
  // quotedString = DQUOTE *(SafeChar / RestChar / WSP) DQUOTE
  const std::size_t start = pos_;
  if (peek() != '"') return syntax("'\"' expected");
  ++pos_;
  while (!at_end() && text_[pos_] != '"') {
    const char c = text_[pos_];
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      return syntax("bad character in quoted string");
    ++pos_;
    if (pos_ - start > max_value_length) return fail(error_code::incorrect_identifier, "quoted string too long", start);
  }
  if (at_end()) return syntax("unterminated quoted string");
  ++pos_;
  out = std::string(text_.substr(start, pos_ - start));
  return true;
}

bool parser_impl::value(std::string& out) {
  lwsp();
  if (peek() == '"') return quoted_string(out);
  const std::size_t start = pos_;
  while (!at_end() && is_safe_char(text_[pos_])) ++pos_;
  if (pos_ == start) return syntax("value expected");
  if (pos_ - start > max_value_length) return fail(error_code::incorrect_identifier, "value too long", start);
  out = std::string(text_.substr(start, pos_ - start));
  return true;
}

bool parser_impl::parm_value(h248::parm_value& out) {
  lwsp();
  out = {};
  switch (peek()) {
    case '=': break;
    case '>': out.rel = relation::greater; break;
    case '<': out.rel = relation::less; break;
    case '#': out.rel = relation::not_equal; break;
    default: return syntax("'=' expected after name");
  }
  ++pos_;
  lwsp();
  if (out.rel != relation::equal) {
    out.values.emplace_back();
    return value(out.values.back());
  }
  const char open = peek();
  if (open != '[' && open != '{') {
    out.values.emplace_back();
    return value(out.values.back());
  }
  accept(open);
  const char close = open == '[' ? ']' : '}';
  out.form = open == '[' ? value_form::alternatives : value_form::sublist;
  out.values.emplace_back();
  if (!value(out.values.back())) return false;
  if (open == '[' && accept(':')) {
    out.form = value_form::range;
    out.values.emplace_back();
    if (!value(out.values.back())) return false;
    return expect(close, "']' expected after range");
  }
  while (accept(',')) {
    out.values.emplace_back();
    if (!value(out.values.back())) return false;
  }
  return expect(close, open == '[' ? "']' expected after value list" : "'}' expected after value list");
}

bool parser_impl::on_off(bool& out) {
  lwsp();
  const std::size_t at = pos_;
  const std::string_view w = word();
  if (iequals(w, "ON")) {
    out = true;
  } else if (iequals(w, "OFF")) {
    out = false;
  } else {
    return fail(error_code::unknown_value, "ON or OFF expected", at);
  }
  return true;
}

bool parser_impl::timestamp(std::string_view w, std::size_t at, std::string& out) {
  // TimeStamp = Date "T" Time; Date = 8(DIGIT); Time = 8(DIGIT)
  bool ok = w.size() == 17 && (w[8] == 'T' || w[8] == 't');
  for (std::size_t i = 0; ok && i < 17; ++i)
    if (i != 8 && !is_digit(w[i])) ok = false;
  if (!ok) return fail(level_code_, "bad time stamp (yyyymmddThhmmsshh)", at);
  out = std::string(w);
  out[8] = 'T';
  return true;
}

bool parser_impl::octet_string(std::string& out) {
  // octetString = *(nonEscapeChar); nonEscapeChar = ( "\}" / %x01-7C / %x7E-FF )
  out.clear();
  const std::size_t start = pos_;
  while (!at_end()) {
    const char c = text_[pos_];
    if (c == '}') break;
    if (c == '\0') return syntax("NUL byte in descriptor");
    if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '}') {
      out += '}';
      pos_ += 2;
      continue;
    }
    out += c;
    ++pos_;
    if (pos_ - start > 65536) return syntax("descriptor too long");
  }
  if (at_end()) return syntax("'}' expected at end of descriptor");
  const std::size_t first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    out.clear();
  } else {
    out.erase(0, first);
    out.erase(out.find_last_not_of(" \t\r\n") + 1);
  }
  ++pos_;  // '}'
  lwsp();
  return true;
}

bool parser_impl::digit_map_value(h248::digit_map_value& out) {
  // digitMapValue = ["T" COLON Timer COMMA] ["S" COLON Timer COMMA] ["L" COLON Timer COMMA] digitMap
  out = {};
  for (;;) {
    lwsp();
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(peek())));
    if ((c != 'T' && c != 'S' && c != 'L') || pos_ + 1 >= text_.size() || text_[pos_ + 1] != ':') break;
    pos_ += 2;
    std::uint64_t v = 0;
    if (!uint_value(99, v, "timer value expected")) return false;
    std::optional<unsigned>& slot = c == 'T' ? out.start_timer : c == 'S' ? out.short_timer : out.long_timer;
    if (slot) return fail(error_code::property_twice, "digit map timer given twice");
    slot = static_cast<unsigned>(v);
    if (!expect(',', "',' expected after digit map timer")) return false;
  }
  // digitMap = digitString / LWSP "(" LWSP digitStringList LWSP ")" LWSP, white space only
  // around the brackets and bars; kept without it.
  const std::size_t start = pos_;
  int parens = 0;
  bool in_range = false;
  while (!at_end() && text_[pos_] != '}') {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';') {
      if (in_range && !out.body.empty() && out.body.back() == '-')
        return syntax("white space inside a digit range");
      lwsp();
      continue;
    }
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool digit_letter = is_digit(c) || (u >= 'A' && u <= 'L') || u == 'S' || u == 'X' || u == 'Z';
    if (c == '(') {
      if (++parens > 1) return syntax("nested '(' in digit map");
    } else if (c == ')') {
      if (--parens < 0) return syntax("unbalanced ')' in digit map");
    } else if (c == '[') {
      if (in_range) return syntax("nested '[' in digit map");
      in_range = true;
    } else if (c == ']') {
      if (!in_range) return syntax("unbalanced ']' in digit map");
      in_range = false;
    } else if (c == '-') {
      if (!in_range || out.body.empty() || !is_digit(out.body.back())) return syntax("bad range in digit map");
    } else if (c != '|' && c != '.' && !digit_letter) {
      return syntax("bad character in digit map");
    }
    out.body += u == 'X' ? 'x' : c;
    ++pos_;
    if (pos_ - start > max_value_length) return syntax("digit map too long");
  }
  if (parens != 0 || in_range) return syntax("unbalanced brackets in digit map");
  if (out.body.empty()) return syntax("empty digit map");
  return true;
}

}  // namespace tandem::h248::detail
