/// Event and signal productions of Annex B: Events (requestedEvent with Embed, KeepActive,
/// DigitMap, Stream and other parameters), Signals (with SignalList and the signal
/// parameters), EventBuffer and ObservedEvents (with time stamps).
#include "proto/h248/detail/parser_impl.hpp"

namespace tandem::h248::detail {

#define TRY TANDEM_H248_TRY

// ---- Events, Signals ------------------------------------------------------------------------

bool parser_impl::events(events_descriptor& out, bool second_level) {
  if (!accept('=')) return true;  // the empty Events descriptor
  out.id.emplace();
  TRY(request(*out.id));
  TRY(expect('{', "'{' expected after request id"));
  do TRY(requested_event(out.events.emplace_back(), second_level));
  while (accept(','));
  return expect('}', "'}' expected after Events");
}

bool parser_impl::requested_event(h248::requested_event& out, bool second_level) {
  TRY(pkgd_name(out.name));
  if (!accept('{')) return true;
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("event parameter expected");
    const token t = n.tok.value_or(token::add);
    if (n.tok && t == token::keep_active) {
      if (out.keep_active) return fail(error_code::property_twice, "KeepActive twice", n.at);
      out.keep_active = true;
    } else if (n.tok && t == token::stream) {
      if (out.stream) return fail(error_code::property_twice, "Stream twice", n.at);
      TRY(expect('=', "'=' expected after Stream"));
      TRY(uint16_value(out.stream.emplace(), "stream id expected"));
    } else if (n.tok && t == token::digit_map) {
      if (out.digit_map) return fail(error_code::property_twice, "DigitMap twice", n.at);
      TRY(expect('=', "'=' expected after DigitMap"));
      event_digit_map& dm = out.digit_map.emplace();
      if (accept('{')) {
        TRY(digit_map_value(dm.value.emplace()));
        TRY(expect('}', "'}' expected after digit map"));
      } else {
        lwsp();
        const std::size_t at = pos_;
        const std::string_view name = word();
        if (name.empty() || name.size() > max_name_length)
          return fail(error_code::incorrect_identifier, "digit map name expected", at);
        dm.name = std::string(name);
      }
    } else if (n.tok && t == token::embed) {
      if (out.embedded_signals || out.embedded) return fail(error_code::property_twice, "Embed twice", n.at);
      TRY(expect('{', "'{' expected after Embed"));
      do {
        const item_name e = read_item(*this);
        if (e.tok == token::signals && !out.embedded_signals && !out.embedded) {
          TRY(signals(out.embedded_signals.emplace()));
        } else if (e.tok == token::events && !second_level && !out.embedded) {
          embedded_events& ee = out.embedded.emplace();
          events_descriptor ed;
          TRY(events(ed, true));
          ee.id = ed.id;
          ee.events = std::move(ed.events);
        } else {
          return fail(error_code::syntax_error_in_command, "Embed holds Signals then Events (first level only)", e.at);
        }
      } while (accept(','));
      TRY(expect('}', "'}' expected after Embed"));
    } else {
      // eventOther = eventParameterName parmValue
      property p;
      if (n.pkgd || n.word == "*" || n.word.size() > max_name_length)
        return fail(error_code::unknown_parameter, "bad event parameter name", n.at);
      p.name = std::string(n.word);
      TRY(parm_value(p.value));
      out.parameters.push_back(std::move(p));
    }
  } while (accept(','));
  return expect('}', "'}' expected after event parameters");
}

bool parser_impl::signals(signals_descriptor& out) {
  TRY(expect('{', "'{' expected after Signals"));
  if (accept('}')) return true;  // Signals { }: stop all signals
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("signal expected");
    if (n.tok == token::signal_list) {
      signal_list list;
      TRY(expect('=', "'=' expected after SignalList"));
      TRY(uint16_value(list.id, "signal list id expected"));
      TRY(expect('{', "'{' expected after signal list id"));
      do {
        const item_name s = read_item(*this);
        if (!s.pkgd) return syntax("signal name expected in SignalList");
        TRY(signal(list.signals.emplace_back(), s.word, s.at));
      } while (accept(','));
      TRY(expect('}', "'}' expected after SignalList"));
      out.items.emplace_back(std::move(list));
    } else {
      if (!n.pkgd) return fail(error_code::unknown_parameter, "signal name expected", n.at);
      signal_request s;
      TRY(signal(s, n.word, n.at));
      out.items.emplace_back(std::move(s));
    }
  } while (accept(','));
  return expect('}', "'}' expected after Signals");
}

bool parser_impl::signal(signal_request& out, std::string_view first, std::size_t at) {
  TRY(pkgd_name_rest(first, at, out.name));
  if (!accept('{')) return true;
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("signal parameter expected");
    const token t = n.tok.value_or(token::add);
    if (n.tok && t == token::stream) {
      if (out.stream) return fail(error_code::property_twice, "Stream twice", n.at);
      TRY(expect('=', "'=' expected after Stream"));
      TRY(uint16_value(out.stream.emplace(), "stream id expected"));
    } else if (n.tok && t == token::signal_type) {
      if (out.type) return fail(error_code::property_twice, "SignalType twice", n.at);
      TRY(expect('=', "'=' expected after SignalType"));
      std::string_view w;
      const std::size_t vat = pos_;
      const auto v = word_token(w);
      if (v == token::on_off) out.type = signal_type::on_off;
      else if (v == token::timeout) out.type = signal_type::timeout;
      else if (v == token::brief) out.type = signal_type::brief;
      else return fail(error_code::unknown_value, "unknown signal type", vat);
    } else if (n.tok && t == token::duration) {
      if (out.duration) return fail(error_code::property_twice, "Duration twice", n.at);
      TRY(expect('=', "'=' expected after Duration"));
      TRY(uint16_value(out.duration.emplace(), "duration expected"));
    } else if (n.tok && t == token::notify_completion) {
      if (!out.notify_completion.empty()) return fail(error_code::property_twice, "NotifyCompletion twice", n.at);
      TRY(expect('=', "'=' expected after NotifyCompletion"));
      TRY(expect('{', "'{' expected after NotifyCompletion="));
      do {
        std::string_view w;
        const std::size_t vat = (lwsp(), pos_);
        const auto v = word_token(w);
        if (v == token::timeout) out.notify_completion.push_back(notify_reason::timeout);
        else if (v == token::interrupt_by_event) out.notify_completion.push_back(notify_reason::interrupted_by_event);
        else if (v == token::interrupt_by_new_signals) out.notify_completion.push_back(notify_reason::interrupted_by_new_signals);
        else if (v == token::other_reason) out.notify_completion.push_back(notify_reason::other_reason);
        else return fail(error_code::unknown_value, "unknown notification reason", vat);
      } while (accept(','));
      TRY(expect('}', "'}' expected after notification reasons"));
    } else if (n.tok && t == token::keep_active) {
      if (out.keep_active) return fail(error_code::property_twice, "KeepActive twice", n.at);
      out.keep_active = true;
    } else {
      property p;
      if (n.pkgd || n.word == "*" || n.word.size() > max_name_length)
        return fail(error_code::unknown_parameter, "bad signal parameter name", n.at);
      p.name = std::string(n.word);
      TRY(parm_value(p.value));
      out.parameters.push_back(std::move(p));
    }
  } while (accept(','));
  return expect('}', "'}' expected after signal parameters");
}

// ---- EventBuffer, ObservedEvents ---------------------------------------------------------

bool parser_impl::event_spec_body(event_spec& out) {
  if (!accept('{')) return true;
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("event parameter expected");
    if (n.tok == token::stream) {
      if (out.stream) return fail(error_code::property_twice, "Stream twice", n.at);
      TRY(expect('=', "'=' expected after Stream"));
      TRY(uint16_value(out.stream.emplace(), "stream id expected"));
      continue;
    }
    property p;
    if (n.pkgd || n.word == "*" || n.word.size() > max_name_length)
      return fail(error_code::unknown_parameter, "bad event parameter name", n.at);
    p.name = std::string(n.word);
    TRY(parm_value(p.value));
    out.parameters.push_back(std::move(p));
  } while (accept(','));
  return expect('}', "'}' expected after event parameters");
}

bool parser_impl::event_buffer(event_buffer_descriptor& out) {
  if (!accept('{')) return true;  // bare EventBuffer
  do {
    event_spec& e = out.events.emplace_back();
    TRY(pkgd_name(e.name));
    TRY(event_spec_body(e));
  } while (accept(','));
  return expect('}', "'}' expected after EventBuffer");
}

bool parser_impl::observed_events(observed_events_descriptor& out) {
  TRY(expect('=', "'=' expected after ObservedEvents"));
  TRY(request(out.id));
  TRY(expect('{', "'{' expected after request id"));
  do {
    observed_event& e = out.events.emplace_back();
    const item_name n = read_item(*this);
    if (!n.word.empty() && !n.pkgd && next_is(':')) {
      TRY(timestamp(n.word, n.at, e.timestamp.emplace()));
      accept(':');
      TRY(pkgd_name(e.event.name));
    } else {
      if (n.word.empty()) return syntax("observed event expected");
      TRY(pkgd_name_rest(n.word, n.at, e.event.name));
    }
    TRY(event_spec_body(e.event));
  } while (accept(','));
  return expect('}', "'}' expected after ObservedEvents");
}

}  // namespace tandem::h248::detail
