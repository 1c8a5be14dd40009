/// The message structure of Annex B: header, transaction list, transactions, actions and
/// commands. Descriptors are in parser_descriptors.cpp, values in parser_values.cpp.
#include "proto/h248/parser.hpp"

#include "proto/h248/detail/parser_impl.hpp"

namespace tandem::h248 {

expected<message, parse_error> parse_message(std::string_view text, const parse_options& options) {
  detail::parser_impl p(text, options);
  return p.run();
}

partial_message parse_message_partial(std::string_view text, const parse_options& options) {
  detail::parser_impl p(text, options);
  auto m = p.run();
  if (m) return {std::move(*m), std::nullopt};
  // The transactions read before the fault are complete (each is added once fully parsed).
  return {std::move(p.result_), m.error()};
}

std::string_view command_name(command_kind k) {
  switch (k) {
    case command_kind::add: return "Add";
    case command_kind::modify: return "Modify";
    case command_kind::subtract: return "Subtract";
    case command_kind::move: return "Move";
    case command_kind::audit_value: return "AuditValue";
    case command_kind::audit_capabilities: return "AuditCapability";
    case command_kind::notify: return "Notify";
    case command_kind::service_change: return "ServiceChange";
  }
  return "";
}

namespace detail {

#define TRY TANDEM_H248_TRY

namespace {

std::optional<command_kind> command_of(token t) {
  switch (t) {
    case token::add: return command_kind::add;
    case token::modify: return command_kind::modify;
    case token::subtract: return command_kind::subtract;
    case token::move: return command_kind::move;
    case token::audit_value: return command_kind::audit_value;
    case token::audit_cap: return command_kind::audit_capabilities;
    case token::notify: return command_kind::notify;
    case token::service_change: return command_kind::service_change;
    default: return std::nullopt;
  }
}

bool is_context_property(token t) {
  return t == token::topology || t == token::priority || t == token::emergency ||
         t == token::emergency_off || t == token::context_audit;
}

bool is_wsp_or_comment(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';'; }

/// Annex B ammParameter, auditReturnParameter, notifyRequest, serviceChangeRequest...: which
/// descriptors each command (or its reply) may carry.
bool legal(token d, command_kind k, bool reply) {
  if (!reply) {
    switch (k) {
      case command_kind::add:
      case command_kind::modify:
      case command_kind::move:
        return d == token::media || d == token::modem || d == token::mux || d == token::events ||
               d == token::signals || d == token::digit_map || d == token::event_buffer ||
               d == token::audit || d == token::statistics;
      case command_kind::subtract:
      case command_kind::audit_value:
      case command_kind::audit_capabilities:
        return d == token::audit;
      case command_kind::notify:
        return d == token::observed_events || d == token::error;
      case command_kind::service_change:
        return d == token::services;
    }
    return false;
  }
  switch (k) {
    case command_kind::notify: return d == token::error;
    case command_kind::service_change: return d == token::services || d == token::error;
    default:
      return d == token::media || d == token::modem || d == token::mux || d == token::events ||
             d == token::signals || d == token::digit_map || d == token::observed_events ||
             d == token::event_buffer || d == token::statistics || d == token::packages ||
             d == token::error;
  }
}

}  // namespace

expected<message, parse_error> parser_impl::run() {
  message& m = result_;
  lwsp();
  std::string_view w;
  const auto t = word_token(w);
  if (t == token::authentication)
    fail(error_code::not_implemented, "authentication header is not supported", 0);
  else if (t != token::megacop)
    fail(error_code::syntax_error_in_message, "MEGACO/ expected", 0);
  if (error_) return make_unexpected(*error_);
  if (peek() != '/') {
    fail(error_code::syntax_error_in_message, "'/' expected after MEGACO");
    return make_unexpected(*error_);
  }
  ++pos_;
  const std::size_t vat = pos_;
  const std::string_view version = word();
  if (version.empty() || version.size() > 2 || version.find_first_not_of("0123456789") != std::string_view::npos) {
    fail(error_code::syntax_error_in_message, "version of 1 or 2 digits expected", vat);
    return make_unexpected(*error_);
  }
  m.version = static_cast<unsigned>(std::stoi(std::string(version)));
  if (m.version < 1 || m.version > 3) {
    fail(error_code::version_not_supported, "version not supported (1 to 3)", vat);
    return make_unexpected(*error_);
  }
  // SEP = (WSP / EOL / COMMENT) LWSP
  if (!is_wsp_or_comment(peek())) {
    fail(error_code::syntax_error_in_message, "white space expected after the version");
    return make_unexpected(*error_);
  }
  if (!mid(m.sender)) return make_unexpected(*error_);
  sender_ = m.sender;
  if (!is_wsp_or_comment(peek())) {
    fail(error_code::incorrect_identifier, "white space expected after the mId");
    return make_unexpected(*error_);
  }
  lwsp();
  const std::size_t save = pos_;
  if (word_token(w) == token::error) {
    if (!error(m.error.emplace())) return make_unexpected(*error_);
  } else {
    pos_ = save;
    if (!transaction_list(m.transactions)) return make_unexpected(*error_);
  }
  lwsp();
  if (!at_end()) {
    fail(error_code::syntax_error_in_message, "text after the end of the message");
    return make_unexpected(*error_);
  }
  return m;
}

bool parser_impl::transaction_list(std::vector<transaction>& out) {
  do {
    lwsp();
    const std::size_t at = pos_;
    std::string_view w;
    const auto t = word_token(w);
    transaction_.reset();
    kind_.reset();
    if (t == token::trans) {
      kind_ = transaction_kind::request;
      transaction_request r;
      TRY(expect('=', "'=' expected after Transaction"));
      TRY(transaction_number(r.id, error_code::syntax_error_in_message));
      transaction_ = r.id;
      level_scope scope(*this, error_code::syntax_error_in_transaction);
      TRY(request_body(r));
      out.emplace_back(std::move(r));
    } else if (t == token::reply) {
      kind_ = transaction_kind::reply;
      transaction_reply r;
      TRY(expect('=', "'=' expected after Reply"));
      TRY(transaction_number(r.id, error_code::syntax_error_in_message));
      transaction_ = r.id;
      TRY(reply_body(r));
      out.emplace_back(std::move(r));
    } else if (t == token::pending) {
      kind_ = transaction_kind::pending;
      transaction_pending p;
      TRY(expect('=', "'=' expected after Pending"));
      TRY(transaction_number(p.id, error_code::syntax_error_in_message));
      transaction_ = p.id;
      TRY(expect('{', "'{' expected after pending transaction id"));
      TRY(expect('}', "'}' expected: a Pending is empty"));
      out.emplace_back(p);
    } else if (t == token::response_ack) {
      kind_ = transaction_kind::response_ack;
      transaction_response_ack k;
      TRY(expect('{', "'{' expected after TransactionResponseAck"));
      do {
        transaction_ack_range& r = k.ranges.emplace_back();
        TRY(transaction_number(r.first, error_code::syntax_error_in_message));
        r.last = r.first;
        if (peek() == '-') {
          ++pos_;
          TRY(transaction_number(r.last, error_code::syntax_error_in_message));
          if (r.last.value() < r.first.value()) return fail(error_code::syntax_error_in_message, "descending ack range");
        }
      } while (accept(','));
      TRY(expect('}', "'}' expected after TransactionResponseAck"));
      out.emplace_back(std::move(k));
    } else {
      return fail(error_code::syntax_error_in_message, "transaction expected", at);
    }
    lwsp();
  } while (!at_end());
  transaction_.reset();
  kind_.reset();
  return true;
}

bool parser_impl::request_body(transaction_request& out) {
  TRY(expect('{', "'{' expected after transaction id"));
  do {
    lwsp();
    const std::size_t at = pos_;
    std::string_view w;
    if (word_token(w) != token::context) return fail(level_code_, "Context expected", at);
    TRY(action_request(out.actions.emplace_back()));
  } while (accept(','));
  return expect('}', "'}' expected after the actions");
}

bool parser_impl::reply_body(transaction_reply& out) {
  TRY(expect('{', "'{' expected after transaction id"));
  bool first = true;
  do {
    lwsp();
    const std::size_t at = pos_;
    std::string_view w;
    const auto t = word_token(w);
    if (first && t == token::imm_ack_required) {
      out.immediate_ack_required = true;
      first = false;
      continue;
    }
    first = false;
    if (t == token::error && out.actions.empty() && !out.error) {
      TRY(error(out.error.emplace()));
    } else if (t == token::context && !out.error) {
      TRY(action_reply(out.actions.emplace_back()));
    } else {
      return fail(level_code_, "Context or Error expected", at);
    }
  } while (accept(','));
  if (!out.error && out.actions.empty()) return syntax("a reply needs actions or an error");
  return expect('}', "'}' expected after the action replies");
}

bool parser_impl::context_property(token t, std::size_t at, context_properties& out, bool request) {
  switch (t) {
    case token::topology:
      if (!out.topology.empty()) return fail(error_code::descriptor_twice, "Topology twice", at);
      return topology(out.topology);
    case token::priority: {
      if (out.priority) return fail(error_code::property_twice, "Priority twice", at);
      TRY(expect('=', "'=' expected after Priority"));
      const std::size_t vat = (lwsp(), pos_);
      TRY(uint16_value(out.priority.emplace(), "priority expected"));
      if (*out.priority > 15) return fail(error_code::unknown_value, "priority must be 0..15", vat);
      return true;
    }
    case token::emergency:
    case token::emergency_off:
      if (out.emergency) return fail(error_code::property_twice, "Emergency twice", at);
      out.emergency = t == token::emergency;
      return true;
    case token::context_audit:
      if (!request) return fail(error_code::syntax_error_in_action, "ContextAudit in a reply", at);
      if (!out.audit.empty()) return fail(error_code::descriptor_twice, "ContextAudit twice", at);
      TRY(expect('{', "'{' expected after ContextAudit"));
      do {
        std::string_view w;
        const std::size_t iat = (lwsp(), pos_);
        const auto i = word_token(w);
        if (i == token::topology) out.audit.push_back(context_audit_item::topology);
        else if (i == token::emergency) out.audit.push_back(context_audit_item::emergency);
        else if (i == token::priority) out.audit.push_back(context_audit_item::priority);
        else return fail(error_code::unknown_parameter, "unknown context audit item", iat);
      } while (accept(','));
      return expect('}', "'}' expected after ContextAudit");
    default:
      return fail(error_code::syntax_error_in_action, "context property expected", at);
  }
}

bool parser_impl::action_request(h248::action_request& out) {
  level_scope scope(*this, error_code::syntax_error_in_action);
  TRY(expect('=', "'=' expected after Context"));
  TRY(context(out.context));
  TRY(expect('{', "'{' expected after context id"));
  do {
    lwsp();
    const std::size_t at = pos_;
    bool optional = false, wildcard = false;
    std::string_view w = word();
    // ["O-"] ["W-"] prefixes (Annex B commandRequestList).
    while ((iequals(w, "O") || iequals(w, "W")) && peek() == '-') {
      bool& flag = iequals(w, "O") ? optional : wildcard;
      if (flag) return fail(error_code::syntax_error_in_action, "command prefix twice", at);
      flag = true;
      ++pos_;
      w = word();
    }
    const auto t = find_token(w);
    if (t && is_context_property(*t) && !optional && !wildcard) {
      if (!out.commands.empty()) return fail(level_code_, "context properties must come before commands", at);
      TRY(context_property(*t, at, out.properties, true));
      continue;
    }
    const auto kind = t ? command_of(*t) : std::nullopt;
    if (!kind) {
      if (w.empty()) return fail(level_code_, "command expected", at);
      return fail(error_code::unknown_command, "unknown command", at);
    }
    h248::command_request& c = out.commands.emplace_back();
    c.kind = *kind;
    c.optional = optional;
    c.wildcard_reply = wildcard;
    TRY(command_request(c));
  } while (accept(','));
  return expect('}', "'}' expected after the commands");
}

bool parser_impl::command_request(h248::command_request& out) {
  level_scope scope(*this, error_code::syntax_error_in_command);
  TRY(expect('=', "'=' expected after the command"));
  TRY(termination(out.termination));
  const bool braces_mandatory = out.kind == command_kind::audit_value || out.kind == command_kind::audit_capabilities ||
                                out.kind == command_kind::notify || out.kind == command_kind::service_change;
  lwsp();
  const std::size_t at = pos_;
  if (!next_is('{')) {
    if (braces_mandatory) return syntax("'{' expected: this command needs descriptors");
    return true;
  }
  TRY(descriptors(out.descriptors, out.kind, false));
  const descriptor_set& d = out.descriptors;
  switch (out.kind) {
    case command_kind::audit_value:
    case command_kind::audit_capabilities:
      if (!d.audit) return fail(level_code_, "Audit descriptor expected", at);
      break;
    case command_kind::notify:
      if (!d.observed_events) return fail(level_code_, "ObservedEvents descriptor expected", at);
      break;
    case command_kind::service_change:
      if (!d.service_change) return fail(level_code_, "Services descriptor expected", at);
      if (options_.require_service_change_reason && (!d.service_change->method || !d.service_change->reason))
        return fail(level_code_, "ServiceChange request without Method or Reason", at);
      break;
    default:
      break;
  }
  return true;
}

bool parser_impl::action_reply(h248::action_reply& out) {
  level_scope scope(*this, error_code::syntax_error_in_action);
  TRY(expect('=', "'=' expected after Context"));
  TRY(context(out.context));
  TRY(expect('{', "'{' expected after context id"));
  do {
    lwsp();
    const std::size_t at = pos_;
    if (out.error) return fail(level_code_, "the error must come last in an action reply", at);
    std::string_view w;
    const auto t = word_token(w);
    if (t && is_context_property(*t)) {
      if (!out.commands.empty()) return fail(level_code_, "context properties must come before commands", at);
      TRY(context_property(*t, at, out.properties, false));
      continue;
    }
    if (t == token::error) {
      TRY(error(out.error.emplace()));
      continue;
    }
    const auto kind = t ? command_of(*t) : std::nullopt;
    if (!kind) {
      if (w.empty()) return fail(level_code_, "command expected", at);
      return fail(error_code::unknown_command, "unknown command", at);
    }
    TRY(command_reply(out.commands.emplace_back(), *kind));
  } while (accept(','));
  return expect('}', "'}' expected after the command replies");
}

bool parser_impl::command_reply(h248::command_reply& out, command_kind kind) {
  level_scope scope(*this, error_code::syntax_error_in_command);
  out.kind = kind;
  TRY(expect('=', "'=' expected after the command"));
  if (kind == command_kind::audit_value || kind == command_kind::audit_capabilities) {
    // contextTerminationAudit = EQUAL CtxToken ( terminationIDList / LBRKT errorDescriptor RBRKT )
    const std::size_t save = pos_;
    lwsp();
    std::string_view w = word();
    if (find_token(w) == token::context && next_is('{')) {
      out.context_audit = true;
      accept('{');
      std::string_view e;
      const std::size_t esave = pos_;
      if (word_token(e) == token::error) {
        TRY(error(out.descriptors.error.emplace()));
      } else {
        pos_ = esave;
        do TRY(termination(out.context_terminations.emplace_back()));
        while (accept(','));
      }
      return expect('}', "'}' expected after the context audit");
    }
    pos_ = save;
  }
  TRY(termination(out.termination));
  if (!next_is('{')) return true;
  return descriptors(out.descriptors, kind, true);
}

bool parser_impl::descriptors(descriptor_set& out, command_kind kind, bool reply) {
  TRY(expect('{', "'{' expected"));
  do {
    lwsp();
    const std::size_t at = pos_;
    std::string_view w;
    const auto t = word_token(w);
    if (!t) {
      if (w.empty()) return syntax("descriptor expected");
      return fail(error_code::unknown_descriptor, "unknown descriptor", at);
    }
    // A bare audit token in an audit reply: that item was audited (Annex B auditItem).
    if (reply && kind != command_kind::notify && kind != command_kind::service_change && audit_item_of(*t) &&
        (next_is(',') || next_is('}'))) {
      out.audited.push_back(*audit_item_of(*t));
      continue;
    }
    if (!legal(*t, kind, reply)) {
      const bool known = audit_item_of(*t) || *t == token::audit || *t == token::services || *t == token::error;
      return fail(known ? error_code::descriptor_not_legal : error_code::unknown_descriptor,
                  known ? "descriptor not legal in this command" : "unknown descriptor", at);
    }
    const auto twice = [&] { return fail(error_code::descriptor_twice, "descriptor appears twice", at); };
    switch (*t) {
      case token::media: if (out.media) return twice(); TRY(media(out.media.emplace())); break;
      case token::modem: if (out.modem) return twice(); TRY(modem(out.modem.emplace())); break;
      case token::mux: if (out.mux) return twice(); TRY(mux(out.mux.emplace())); break;
      case token::events: if (out.events) return twice(); TRY(events(out.events.emplace(), false)); break;
      case token::signals: if (out.signals) return twice(); TRY(signals(out.signals.emplace())); break;
      case token::digit_map: if (out.digit_map) return twice(); TRY(digit_map(out.digit_map.emplace())); break;
      case token::event_buffer: if (out.event_buffer) return twice(); TRY(event_buffer(out.event_buffer.emplace())); break;
      case token::audit: if (out.audit) return twice(); TRY(audit(out.audit.emplace())); break;
      case token::observed_events: if (out.observed_events) return twice(); TRY(observed_events(out.observed_events.emplace())); break;
      case token::statistics: if (out.statistics) return twice(); TRY(statistics(out.statistics.emplace())); break;
      case token::packages: if (out.packages) return twice(); TRY(packages(out.packages.emplace())); break;
      case token::services: if (out.service_change) return twice(); TRY(service_change(out.service_change.emplace(), reply)); break;
      case token::error: if (out.error) return twice(); TRY(error(out.error.emplace())); break;
      default: return fail(error_code::unknown_descriptor, "unknown descriptor", at);
    }
  } while (accept(','));
  return expect('}', "'}' expected after the descriptors");
}

}  // namespace detail
}  // namespace tandem::h248
