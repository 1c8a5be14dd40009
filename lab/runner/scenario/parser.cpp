#include "lab/runner/scenario/parser.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "lab/runner/scenario/tokens.hpp"

namespace tandem::lab::runner {

std::string parse_error::to_string() const {
  if (column > 0) return fmt::format("{}:{}:{}: {}", file, line, column, message);
  return fmt::format("{}:{}: {}", file, line, message);
}

std::string to_string(const parse_errors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.to_string();
  }
  return out;
}

std::string_view to_string(signal_kind s) {
  switch (s) {
    case signal_kind::setup: return "setup";
    case signal_kind::proceeding: return "proceeding";
    case signal_kind::alerting: return "alerting";
    case signal_kind::answered: return "answered";
    case signal_kind::disconnected: return "disconnected";
    case signal_kind::released: return "released";
    case signal_kind::busy: return "busy";
  }
  return "?";
}

std::string_view to_string(media_kind m) {
  switch (m) {
    case media_kind::tone: return "tone";
    case media_kind::dtmf: return "dtmf";
    case media_kind::marker: return "marker";
    case media_kind::file: return "file";
    case media_kind::silence: return "silence";
    case media_kind::echo: return "echo";
  }
  return "?";
}

namespace {

using tokens::word;

/// A statement failed to parse: where and why. Thrown nowhere; carried as a value.
struct line_error {
  int column = 0;
  std::string message;
};

template <class T>
using result = expected<T, line_error>;

/// Reads the words of one statement left to right.
class cursor {
 public:
  cursor(const std::vector<word>& words, int end_column) : words_(words), end_column_(end_column) {}

  [[nodiscard]] bool done() const { return pos_ >= words_.size(); }
  [[nodiscard]] const word* peek() const { return done() ? nullptr : &words_[pos_]; }
  [[nodiscard]] bool next_is(std::string_view keyword) const {
    return !done() && !words_[pos_].quoted && words_[pos_].text == keyword;
  }
  /// The next word, or an error saying what was expected at the end of the line.
  result<word> take(std::string_view what) {
    if (done()) return make_unexpected(line_error{end_column_, fmt::format("expected {} here", what)});
    return words_[pos_++];
  }
  result<void> keyword(std::string_view k) {
    auto w = take(fmt::format("\"{}\"", k));
    if (!w) return make_unexpected(w.error());
    if (w->quoted || w->text != k)
      return make_unexpected(line_error{w->column, fmt::format("expected \"{}\", not \"{}\"", k, w->text)});
    return {};
  }
  /// Reads a word and converts it; conversion errors point at the word.
  template <class F>
  auto value(std::string_view what, F convert) -> result<typename decltype(convert(std::string_view{}))::value_type> {
    auto w = take(what);
    if (!w) return make_unexpected(w.error());
    auto v = convert(w->text);
    if (!v) return make_unexpected(line_error{w->column, v.error()});
    return *v;
  }
  result<void> end() {
    if (done()) return {};
    return make_unexpected(line_error{words_[pos_].column,
                                      fmt::format("unexpected \"{}\" at the end of the statement", words_[pos_].text)});
  }

 private:
  const std::vector<word>& words_;
  std::size_t pos_ = 0;
  int end_column_;
};

/// Unwraps a result inside a function returning result<...>.
#define TRY(var, expr)                                           \
  auto var##_r = (expr);                                         \
  if (!var##_r) return make_unexpected(var##_r.error());         \
  auto var = std::move(*var##_r)
#define TRY_VOID(expr)                                           \
  if (auto r_ = (expr); !r_) return make_unexpected(r_.error())

class scenario_parser {
 public:
  explicit scenario_parser(std::string file) : file_(std::move(file)) {}

  void line(int number, std::string_view text) {
    auto words = tokens::split(text);
    if (!words) return error(number, words.error().column, words.error().message);
    if (words->empty()) return;
    // The statement as written, without its comment: from the first word to the end of the last.
    const auto& last = words->back();
    const auto last_end = static_cast<std::size_t>(last.column - 1) + last.text.size() + (last.quoted ? 2 : 0);
    const auto first = static_cast<std::size_t>(words->front().column - 1);
    std::string trimmed(text.substr(first, last_end - first));
    cursor c(*words, static_cast<int>(text.size()) + 1);
    auto r = statement(number, c, trimmed);
    if (!r) error(number, r.error().column, r.error().message);
  }

  expected<std::vector<scenario>, parse_errors> finish(int last_line) {
    close_scenario(last_line);
    if (scenarios_.empty() && errors_.empty()) error(last_line, 0, "no scenario in this file (start one with: scenario \"name\")");
    if (!errors_.empty()) return make_unexpected(errors_);
    return scenarios_;
  }

 private:
  void error(int line, int column, std::string message) {
    errors_.push_back({file_, line, column, std::move(message)});
  }

  void close_scenario(int) {
    if (!current_) return;
    if (current_->steps.empty())
      error(current_->line, 0, fmt::format("scenario \"{}\" has no call (add: call NODE:NUMBER -> NODE:NUMBER)", current_->name));
    scenarios_.push_back(std::move(*current_));
    current_.reset();
  }

  result<void> statement(int number, cursor& c, const std::string& text) {
    TRY(head, c.take("a statement"));
    if (head.quoted) return make_unexpected(line_error{head.column, "a statement starts with a keyword, not a quoted text"});
    if (head.text == "scenario") return scenario_header(number, c);
    if (!current_)
      return make_unexpected(line_error{head.column, "statement outside a scenario: start one with: scenario \"name\""});
    if (head.text == "repeat" || head.text == "load") {
      if (!current_->steps.empty())
        return make_unexpected(line_error{head.column, fmt::format("\"{}\" belongs before the call", head.text)});
      return head.text == "repeat" ? repeat(c, head) : load(c, head);
    }
    step s{number, text, wait_step{}};
    if (head.text == "call") {
      if (!current_->steps.empty())
        return make_unexpected(line_error{head.column, "a scenario holds one call; start another scenario for a second one"});
      TRY(body, call(c));
      s.body = body;
    } else {
      if (current_->steps.empty())
        return make_unexpected(line_error{head.column, fmt::format("\"{}\" before the call: the first step must be a call", head.text)});
      if (head.text == "answer") {
        TRY(leg, leg_of(c));
        s.body = answer_step{leg};
      } else if (head.text == "hangup") {
        TRY(body, hangup(c));
        s.body = body;
      } else if (head.text == "wait") {
        TRY(d, c.value("a duration", tokens::duration));
        s.body = wait_step{d};
      } else if (head.text == "play") {
        TRY(body, play(c));
        s.body = body;
      } else if (head.text == "expect") {
        TRY(body, expect(c));
        s.body = body;
      } else {
        return make_unexpected(line_error{head.column, fmt::format(
            "unknown statement \"{}\" (scenario, repeat, load, call, answer, hangup, wait, play, expect)", head.text)});
      }
    }
    TRY_VOID(c.end());
    current_->steps.push_back(std::move(s));
    return {};
  }

  result<void> scenario_header(int number, cursor& c) {
    TRY(name, c.take("the scenario's name in quotes"));
    if (!name.quoted) return make_unexpected(line_error{name.column, "the scenario's name goes in quotes: scenario \"name\""});
    if (name.text.empty()) return make_unexpected(line_error{name.column, "the scenario's name is empty"});
    TRY_VOID(c.end());
    if (!names_.insert(name.text).second)
      return make_unexpected(line_error{name.column, fmt::format("scenario \"{}\" is defined twice", name.text)});
    close_scenario(number);
    current_ = scenario{};
    current_->name = name.text;
    current_->file = file_;
    current_->line = number;
    return {};
  }

  result<void> repeat(cursor& c, const word& head) {
    if (current_->load) return make_unexpected(line_error{head.column, "repeat and load exclude each other"});
    TRY(n, c.value("a repeat count", [](std::string_view t) { return tokens::integer(t, 1, 10000); }));
    current_->repeat = static_cast<unsigned>(n);
    return c.end();
  }

  result<void> load(cursor& c, const word& head) {
    if (current_->repeat != 1) return make_unexpected(line_error{head.column, "repeat and load exclude each other"});
    load_spec spec;
    TRY(n, c.value("a number of calls", [](std::string_view t) { return tokens::integer(t, 1, 1'000'000); }));
    TRY_VOID(c.keyword("calls"));
    TRY_VOID(c.keyword("at"));
    TRY(r, c.value("a call rate such as 5/s", tokens::rate));
    TRY_VOID(c.keyword("max"));
    TRY(m, c.value("the most calls at once", [](std::string_view t) { return tokens::integer(t, 1, 10000); }));
    spec.calls = static_cast<unsigned>(n);
    spec.rate_per_s = r;
    spec.max_concurrent = static_cast<unsigned>(m);
    current_->load = spec;
    return c.end();
  }

  result<call_step> call(cursor& c) {
    TRY(from, c.value("the caller as NODE:NUMBER", tokens::parse_party));
    TRY_VOID(c.keyword("->"));
    auto to_word = c.peek();
    TRY(to, c.value("the called party as NODE:NUMBER", tokens::parse_party));
    if (to.node == from.node)
      return make_unexpected(line_error{to_word->column, fmt::format(
          "both parties are on node \"{}\": a call crosses the lab between two nodes", to.node)});
    call_step s{from, to, ""};
    if (c.next_is("dial")) {
      TRY_VOID(c.keyword("dial"));
      TRY(number, c.take("the number the caller dials, such as 02032001"));
      if (number.text.empty() || number.text.size() > 32 ||
          number.text.find_first_not_of("0123456789*#") != std::string::npos)
        return make_unexpected(line_error{number.column, fmt::format(
            "\"{}\" is not a number to dial (1 to 32 digits 0-9, * or #)", number.text)});
      s.dial = number.text;
    }
    return s;
  }

  /// A leg: the caller's or the called party's node name, or the words caller / callee.
  result<leg_role> leg_of(cursor& c) {
    TRY(w, c.take("a leg (a node of the call, or caller / callee)"));
    const auto& call = std::get<call_step>(current_->steps.front().body);
    if (w.text == "caller" || w.text == call.caller.node) return leg_role::caller;
    if (w.text == "callee" || w.text == call.callee.node) return leg_role::callee;
    return make_unexpected(line_error{w.column, fmt::format("\"{}\" is not a leg of this call (use {}, {}, caller or callee)",
                                                            w.text, call.caller.node, call.callee.node)});
  }

  result<int> cause(cursor& c) {
    TRY_VOID(c.keyword("cause"));
    // Q.850 §2.2.5: a 7-bit cause value; 0 is not a cause.
    TRY(v, c.value("a Q.850 cause value (1 to 127)", [](std::string_view t) { return tokens::integer(t, 1, 127); }));
    return static_cast<int>(v);
  }

  result<hangup_step> hangup(cursor& c) {
    hangup_step s;
    TRY(leg, leg_of(c));
    s.leg = leg;
    if (!c.done()) {
      TRY(v, cause(c));
      s.cause = v;
    }
    return s;
  }

  result<play_step> play(cursor& c) {
    play_step s;
    TRY(leg, leg_of(c));
    s.leg = leg;
    TRY(what, c.take("what to play (tone, dtmf, marker, file, silence, echo)"));
    if (what.text == "tone") {
      s.kind = media_kind::tone;
      TRY(hz, c.value("a frequency such as 1020Hz", tokens::frequency));
      s.tone_hz = hz;
      if (!c.done() && c.peek()->text.ends_with("dBm0")) {
        TRY(l, c.value("a level", tokens::level));
        s.level_dbm0 = l;
      }
      if (!c.done()) {
        TRY(d, c.value("a duration", tokens::duration));
        s.duration = d;
      }
    } else if (what.text == "dtmf") {
      s.kind = media_kind::dtmf;
      TRY(digits, c.value("DTMF digits in quotes, such as \"123#\"", tokens::dtmf_digits));
      s.digits = digits;
    } else if (what.text == "marker") {
      s.kind = media_kind::marker;
    } else if (what.text == "file") {
      s.kind = media_kind::file;
      TRY(name, c.take("the name of a media file of the lab"));
      s.media_name = name.text;
      if (!c.done()) {
        TRY(d, c.value("a duration", tokens::duration));
        s.duration = d;
      }
    } else if (what.text == "silence") {
      s.kind = media_kind::silence;
    } else if (what.text == "echo") {
      s.kind = media_kind::echo;
    } else {
      return make_unexpected(line_error{what.column, fmt::format(
          "cannot play \"{}\" (tone, dtmf, marker, file, silence, echo)", what.text)});
    }
    return s;
  }

  result<milliseconds> within(cursor& c) {
    TRY_VOID(c.keyword("within"));
    return c.value("a duration", tokens::duration);
  }

  /// `expect record [codec NAME] [cause N] [route NAME] within D` (at least one check).
  result<step_body> record(cursor& c, const word& head) {
    expect_record_step s;
    while (!c.done() && !c.next_is("within")) {
      const word* w = c.peek();
      if (c.next_is("codec") && !s.codec) {
        TRY_VOID(c.keyword("codec"));
        TRY(name, c.take("a codec name such as G729"));
        static const std::set<std::string> codecs{"PCMA", "PCMU", "G729", "G723", "G722", "G726-32", "GSM"};
        if (!codecs.contains(name.text))
          return make_unexpected(line_error{name.column, fmt::format(
              "unknown codec \"{}\" (PCMA, PCMU, G729, G723, G722, G726-32, GSM)", name.text)});
        s.codec = name.text;
      } else if (c.next_is("cause") && !s.cause) {
        TRY(v, cause(c));
        s.cause = v;
      } else if (c.next_is("route") && !s.route) {
        TRY_VOID(c.keyword("route"));
        TRY(name, c.take("a route name"));
        s.route = name.text;
      } else {
        return make_unexpected(line_error{w->column, fmt::format(
            "unexpected \"{}\" (each of \"codec NAME\", \"cause N\" and \"route NAME\" may follow once, then \"within\")",
            w->text)});
      }
    }
    if (!s.codec && !s.cause && !s.route)
      return make_unexpected(line_error{head.column, "a record check names at least one of codec, cause or route"});
    TRY(d, within(c));
    s.within = d;
    return step_body{s};
  }

  result<step_body> expect(cursor& c) {
    if (c.next_is("record")) {
      const auto& call = std::get<call_step>(current_->steps.front().body);
      if (call.caller.node != "record" && call.callee.node != "record") {
        TRY(head, c.take("record"));
        return record(c, head);
      }
    }
    TRY(leg, leg_of(c));
    TRY(what, c.take("what to expect (setup, proceeding, alerting, answered, disconnected, released, busy, hears, "
                      "status; or: expect record ...)"));
    if (what.text == "hears") {
      TRY(body, hears(c, leg));
      return step_body{body};
    }
    if (what.text == "status") {
      // RFC 3261 §21: a final response, 200 to 699.
      TRY(code, c.value("a SIP final status such as 200 or 486",
                        [](std::string_view t) { return tokens::integer(t, 200, 699); }));
      TRY(d, within(c));
      return step_body{expect_status_step{leg, static_cast<int>(code), d}};
    }
    static const std::pair<std::string_view, signal_kind> signals[] = {
        {"setup", signal_kind::setup},         {"proceeding", signal_kind::proceeding},
        {"alerting", signal_kind::alerting},   {"answered", signal_kind::answered},
        {"disconnected", signal_kind::disconnected}, {"released", signal_kind::released},
        {"busy", signal_kind::busy}};
    expect_signal_step s;
    s.leg = leg;
    bool found = false;
    for (const auto& [name, kind] : signals)
      if (what.text == name) {
        s.signal = kind;
        found = true;
      }
    if (!found)
      return make_unexpected(line_error{what.column, fmt::format(
          "cannot expect \"{}\" (setup, proceeding, alerting, answered, disconnected, released, busy, hears, status)",
          what.text)});
    if (leg == leg_role::caller && s.signal == signal_kind::setup)
      return make_unexpected(line_error{what.column, "setup is seen by the called leg only"});
    if (c.next_is("cause")) {
      if (s.signal != signal_kind::disconnected && s.signal != signal_kind::released)
        return make_unexpected(line_error{c.peek()->column, "a cause goes with disconnected or released"});
      TRY(v, cause(c));
      s.cause = v;
    }
    TRY(d, within(c));
    s.within = d;
    return step_body{s};
  }

  result<expect_media_step> hears(cursor& c, leg_role leg) {
    expect_media_step s;
    s.leg = leg;
    TRY(what, c.take("what is heard (tone, dtmf, marker, file, silence)"));
    if (what.text == "tone") {
      s.kind = hear_kind::tone;
      TRY(hz, c.value("a frequency such as 1020Hz", tokens::frequency));
      s.tone_hz = hz;
      if (!c.done() && c.peek()->text.ends_with("dBm0")) {
        TRY(l, c.value("a level", tokens::level));
        s.level_dbm0 = l;
      }
    } else if (what.text == "dtmf") {
      s.kind = hear_kind::dtmf;
      TRY(digits, c.value("DTMF digits in quotes, such as \"123#\"", tokens::dtmf_digits));
      s.digits = digits;
    } else if (what.text == "marker" || what.text == "file") {
      s.kind = what.text == "marker" ? hear_kind::marker : hear_kind::file;
      if (s.kind == hear_kind::file) {
        TRY(name, c.take("the name of a media file of the lab"));
        s.media_name = name.text;
      }
    } else if (what.text == "silence") {
      s.kind = hear_kind::silence;
      TRY_VOID(c.keyword("for"));
      TRY(d, c.value("a duration", tokens::duration));
      s.within = d;
      return s;
    } else {
      return make_unexpected(line_error{what.column, fmt::format(
          "cannot hear \"{}\" (tone, dtmf, marker, file, silence)", what.text)});
    }
    TRY(d, within(c));
    s.within = d;
    // Optional measurement floors, in any order, for the marker and files only.
    while (!c.done()) {
      const word* w = c.peek();
      if (s.kind != hear_kind::marker && s.kind != hear_kind::file)
        return make_unexpected(line_error{w->column, "delay and snr limits apply to the marker and files only"});
      if (c.next_is("delay") && !s.delay_below) {
        TRY_VOID(c.keyword("delay"));
        TRY_VOID(c.keyword("below"));
        TRY(d2, c.value("a duration", tokens::duration));
        s.delay_below = d2;
      } else if (c.next_is("snr") && !s.snr_above_db) {
        TRY_VOID(c.keyword("snr"));
        TRY_VOID(c.keyword("above"));
        TRY(db, c.value("a ratio in dB such as 30dB", tokens::decibels));
        s.snr_above_db = db;
      } else {
        return make_unexpected(line_error{w->column, fmt::format(
            "unexpected \"{}\" (each of \"delay below D\" and \"snr above NdB\" may follow once)", w->text)});
      }
    }
    return s;
  }

  std::string file_;
  std::vector<scenario> scenarios_;
  std::optional<scenario> current_;
  std::set<std::string> names_;
  parse_errors errors_;
};

#undef TRY
#undef TRY_VOID

}  // namespace

expected<std::vector<scenario>, parse_errors> parse_scenarios(std::string_view text, const std::string& file) {
  scenario_parser p(file);
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    p.line(number, text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return p.finish(number);
}

expected<std::vector<scenario>, parse_errors> parse_scenario_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_unexpected(parse_errors{{file, 0, 0, "cannot read the file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenarios(text.str(), file);
}

}  // namespace tandem::lab::runner
