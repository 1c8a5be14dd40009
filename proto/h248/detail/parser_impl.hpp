#pragma once
/// The recursive-descent parser behind parse_message: a cursor over the text (white space and
/// comments per Annex B LWSP/SEP), the first error found, and one function per production.
/// Each function returns false once an error is recorded; the caller unwinds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/h248/message.hpp"
#include "proto/h248/parse_error.hpp"
#include "proto/h248/parser.hpp"
#include "proto/h248/tokens.hpp"

namespace tandem::h248::detail {

/// Annex B: NAME = ALPHA *63(ALPHA / DIGIT / "_"); identifiers longer than this are 410.
inline constexpr std::size_t max_name_length = 64;
/// Ours: a termination id, VALUE or digit map longer than this is refused (410 / 442).
inline constexpr std::size_t max_value_length = 4096;

class parser_impl {
 public:
  parser_impl(std::string_view text, const parse_options& options) : text_(text), options_(options) {}

  expected<message, parse_error> run();

  // ---- cursor (parser_scan.cpp) -----------------------------------------------------------
  void lwsp();
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return at_end() ? '\0' : text_[pos_]; }
  /// LWSP, then consumes `c` and LWSP after it when it is next.
  bool accept(char c);
  /// As accept, or records a syntax error at the current level.
  bool expect(char c, std::string_view reason);
  /// [A-Za-z0-9_]* with no white space skipping.
  std::string_view word();
  /// word() looked up as a token; nullopt when it is none.
  std::optional<token> word_token(std::string_view& w);
  /// The next thing, without consuming it, is `c` after LWSP.
  bool next_is(char c);

  bool fail(error_code code, std::string_view reason, std::size_t at);
  bool fail(error_code code, std::string_view reason) { return fail(code, reason, pos_); }
  bool syntax(std::string_view reason) { return fail(level_code_, reason); }

  // ---- values (parser_values.cpp) ---------------------------------------------------------
  bool uint_value(std::uint64_t max, std::uint64_t& out, std::string_view reason);
  bool uint16_value(std::uint16_t& out, std::string_view reason);
  bool uint32_value(std::uint32_t& out, std::string_view reason);
  bool mid(message_id& out);
  bool context(context_id& out);
  bool termination(termination_id& out);
  bool request(request_id& out);
  bool transaction_number(transaction_id& out, error_code code);
  /// pkgdName (`pkg/item`, `pkg/*`, `*/*`) whose package part `first` was already read.
  bool pkgd_name_rest(std::string_view first, std::size_t start, std::string& out);
  bool pkgd_name(std::string& out);
  /// VALUE: a quoted string (kept with its quotes) or 1*SafeChar.
  bool value(std::string& out);
  /// parmValue after a name.
  bool parm_value(parm_value& out);
  bool on_off(bool& out);
  bool timestamp(std::string_view w, std::size_t at, std::string& out);
  bool quoted_string(std::string& out);
  bool octet_string(std::string& out);
  bool digit_map_value(h248::digit_map_value& out);

  // ---- descriptors (parser_descriptors.cpp) -----------------------------------------------
  bool media(media_descriptor& out);
  bool stream_parm(token t, std::size_t at, stream_parms& out);
  bool local_control(local_control_descriptor& out);
  bool termination_state(termination_state_descriptor& out);
  bool statistics(statistics_descriptor& out);
  bool modem(modem_descriptor& out);
  bool mux(mux_descriptor& out);
  bool events(events_descriptor& out, bool second_level);
  bool requested_event(h248::requested_event& out, bool second_level);
  bool signals(signals_descriptor& out);
  bool signal(signal_request& out, std::string_view first, std::size_t at);
  bool digit_map(digit_map_descriptor& out);
  bool event_buffer(event_buffer_descriptor& out);
  bool event_spec_body(event_spec& out);
  bool observed_events(observed_events_descriptor& out);
  bool packages(packages_descriptor& out);
  bool audit(audit_descriptor& out);
  bool service_change(service_change_descriptor& out, bool reply);
  bool error(error_descriptor& out);
  bool topology(std::vector<topology_triple>& out);

  // ---- structure (parser.cpp) -------------------------------------------------------------
  bool transaction_list(std::vector<transaction>& out);
  bool request_body(transaction_request& out);
  bool reply_body(transaction_reply& out);
  bool action_request(h248::action_request& out);
  bool action_reply(h248::action_reply& out);
  bool context_property(token t, std::size_t at, context_properties& out, bool request);
  bool command_request(h248::command_request& out);
  bool command_reply(h248::command_reply& out, command_kind kind);
  bool descriptors(descriptor_set& out, command_kind kind, bool reply);

  std::string_view text_;
  std::size_t pos_ = 0;
  /// The message being built; after a failure it holds what was read before the fault.
  message result_;
  const parse_options& options_;
  std::optional<parse_error> error_;
  /// The code a plain syntax error gets at the current depth (400, 403, 422, 442).
  error_code level_code_ = error_code::syntax_error_in_message;
  std::optional<message_id> sender_;
  std::optional<transaction_id> transaction_;
  std::optional<transaction_kind> kind_;
};

/// Raises the level code for the duration of a scope.
class level_scope {
 public:
  level_scope(parser_impl& p, error_code code) : p_(p), saved_(p.level_code_) { p.level_code_ = code; }
  ~level_scope() { p_.level_code_ = saved_; }
  level_scope(const level_scope&) = delete;
  level_scope& operator=(const level_scope&) = delete;

 private:
  parser_impl& p_;
  error_code saved_;
};

/// A name at the start of a list item: `*` or a word; `pkgd` when a '/' follows (a package
/// name), else `tok` when the word is a token.
struct item_name {
  std::string_view word;
  std::size_t at = 0;
  bool pkgd = false;
  std::optional<token> tok;
};
item_name read_item(parser_impl& p);

/// `X-name` / `X+name` (Annex B extensionParameter), whose "X" was read as `first`.
bool extension_name(parser_impl& p, const item_name& first, std::string& out);

/// Every production returns false once an error is recorded: unwind.
#define TANDEM_H248_TRY(x) \
  do {                     \
    if (!(x)) return false; \
  } while (0)

/// The audit item a token names (Mux, Modem, Media, ...), if any.
std::optional<audit_item> audit_item_of(token t);

/// Annex B SafeChar.
bool is_safe_char(char c);

}  // namespace tandem::h248::detail
