#include "proto/mgcp/transaction/message_text.hpp"

#include <algorithm>

namespace tandem::mgcp {

std::string_view line_ending_of(std::string_view message) {
  const std::size_t lf = message.find('\n');
  return lf != std::string_view::npos && lf > 0 && message[lf - 1] == '\r' ? "\r\n" : "\n";
}

expected<std::string, envelope_error> with_transaction_id(std::string_view command,
                                                          transaction_id id) {
  auto is_wsp = [](char c) { return c == ' ' || c == '\t'; };
  const std::size_t eol = std::min(command.find_first_of("\r\n"), command.size());
  std::size_t pos = 0;
  while (pos < eol && !is_wsp(command[pos])) ++pos;  // verb
  const std::size_t verb_end = pos;
  while (pos < eol && is_wsp(command[pos])) ++pos;
  const std::size_t id_start = pos;
  while (pos < eol && !is_wsp(command[pos])) ++pos;
  if (verb_end == 0 || id_start == verb_end || id_start == pos)
    return make_unexpected(
        envelope_error{envelope_error::code::bad_first_line, id_start, {}, message_kind::command});
  std::string out;
  out.reserve(command.size() + 10);
  out.append(command.substr(0, id_start));
  out.append(std::to_string(id.value()));
  out.append(command.substr(pos));
  auto env = peek(out);
  if (!env) return make_unexpected(env.error());
  if (env->kind != message_kind::command)
    return make_unexpected(
        envelope_error{envelope_error::code::bad_first_line, 0, {}, message_kind::response});
  return out;
}

std::string with_parameter_line(std::string_view message, std::string_view line) {
  const std::string_view eol = line_ending_of(message);
  const std::size_t lf = message.find('\n');
  std::string out;
  out.reserve(message.size() + line.size() + 4);
  if (lf == std::string_view::npos) {
    out.append(message).append(eol).append(line).append(eol);
    return out;
  }
  out.append(message.substr(0, lf + 1)).append(line).append(eol).append(message.substr(lf + 1));
  return out;
}

std::vector<transaction_range> ranges_of(std::vector<transaction_id> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<transaction_range> out;
  for (transaction_id id : ids) {
    if (!out.empty() && out.back().last.value() + 1 == id.value()) {
      out.back().last = id;
    } else {
      out.push_back({id, id});
    }
  }
  return out;
}

}  // namespace tandem::mgcp
