#include "proto/mgcp/event.hpp"

#include <array>

namespace tandem::mgcp {

using detail::fail;
using detail::value_error;
using detail::value_result;

namespace {

constexpr return_code bad = return_code::protocol_error;
constexpr int max_nesting = 8;  ///< embedded requests within embedded requests

bool is_name_char(char c) { return detail::is_alnum(c) || c == '-' || c == '_' || c == '.'; }

/// A name followed by parenthesised groups: `L/hd(A, E(...))(p=1)`.
struct split_item {
  struct group {
    std::string_view text;
    std::size_t offset = 0;
  };
  std::string_view name;
  /// At most two lists are meaningful (actions, parameters); a third is kept only to be refused.
  /// A fixed array: no allocation per event on the parser's hot path.
  std::array<group, 3> groups{};
  std::size_t count = 0;
};

value_result<split_item> split_groups(std::string_view item, std::size_t base) {
  split_item out;
  std::size_t i = 0;
  int bracket = 0;
  while (i < item.size() && (item[i] != '(' || bracket > 0)) {
    if (item[i] == '[') ++bracket;
    if (item[i] == ']') --bracket;
    ++i;
  }
  out.name = item.substr(0, i);
  while (i < item.size()) {
    if (item[i] != '(') return fail(bad, base + i, "junk after parenthesised list");
    int depth = 0;
    bool quoted = false;
    std::size_t j = i;
    for (; j < item.size(); ++j) {
      const char c = item[j];
      if (quoted) {
        if (c == '"') quoted = false;
        continue;
      }
      if (c == '"') quoted = true;
      else if (c == '(') ++depth;
      else if (c == ')' && --depth == 0) break;
    }
    if (j == item.size()) return fail(bad, base + i, "unbalanced parentheses");
    if (out.count == out.groups.size()) return fail(bad, base + i, "too many parenthesised lists");
    out.groups[out.count++] = {item.substr(i + 1, j - i - 1), base + i + 1};
    i = j + 1;
  }
  return out;
}

value_result<std::vector<event_parameter>> parse_parameters(std::string_view text, std::size_t base) {
  std::vector<event_parameter> out;
  if (detail::trim(text).empty()) return out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    if (item.empty()) {
      err = {return_code::event_signal_parameter_error, base + off, "empty event/signal parameter"};
      failed = true;
      return false;
    }
    for (char c : item) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        err = {return_code::event_signal_parameter_error, base + off, "control character in parameter"};
        failed = true;
        return false;
      }
    }
    event_parameter p;
    std::size_t eq = std::string_view::npos;
    for (std::size_t k = 0; k < item.size(); ++k) {
      if (item[k] == '"' || item[k] == '(') break;
      if (item[k] == '=') { eq = k; break; }
    }
    if (eq != std::string_view::npos) {
      p.name = std::string(detail::trim(item.substr(0, eq)));
      p.value = std::string(detail::trim(item.substr(eq + 1)));
      if (p.name.empty()) {
        err = {return_code::event_signal_parameter_error, base + off, "parameter without a name before ="};
        failed = true;
        return false;
      }
    } else {
      p.value = std::string(item);
    }
    out.push_back(std::move(p));
    return true;
  }, &bad_at);
  if (!balanced) return fail(return_code::event_signal_parameter_error, base + bad_at, "unbalanced parameter list");
  if (failed) return make_unexpected(err);
  return out;
}

value_result<event_name> parse_name_at(std::string_view text, std::size_t base) {
  event_name e;
  if (text.empty()) return fail(bad, base, "empty event name");
  std::string_view rest = text;
  std::size_t rest_at = 0;
  const std::size_t slash = text.find('/');
  const std::size_t bracket = text.find('[');
  if (slash != std::string_view::npos && (bracket == std::string_view::npos || slash < bracket)) {
    const std::string_view pkg = text.substr(0, slash);
    if (pkg.empty()) return fail(bad, base, "empty package name");
    if (pkg != "*")
      for (std::size_t i = 0; i < pkg.size(); ++i)
        if (!is_name_char(pkg[i])) return fail(bad, base + i, "bad character in package name");
    e.package = std::string(pkg);
    rest = text.substr(slash + 1);
    rest_at = slash + 1;
  }
  const std::size_t at = rest.find('@');
  std::string_view ev = rest.substr(0, at);
  if (at != std::string_view::npos) {
    const std::string_view conn = rest.substr(at + 1);
    if (conn.empty()) return fail(bad, base + rest_at + at, "empty connection after @");
    if (conn != "$" && conn != "*")
      for (std::size_t i = 0; i < conn.size(); ++i)
        if (!detail::is_alnum(conn[i]))
          return fail(return_code::incorrect_connection_id, base + rest_at + at + 1 + i, "bad connection id in event name");
    e.connection = std::string(conn);
  }
  if (ev.empty()) return fail(bad, base + rest_at, "empty event name");
  if (ev.front() == '[') {
    if (ev.back() != ']' || ev.size() < 3) return fail(bad, base + rest_at, "bad event range");
    for (std::size_t i = 1; i + 1 < ev.size(); ++i) {
      const char c = ev[i];
      if (!detail::is_alnum(c) && c != '*' && c != '#' && c != '-')
        return fail(bad, base + rest_at + i, "bad character in event range");
    }
  } else if (ev != "*" && ev != "#") {
    for (std::size_t i = 0; i < ev.size(); ++i)
      if (!is_name_char(ev[i])) return fail(bad, base + rest_at + i, "bad character in event name");
  }
  e.event = std::string(ev);
  return e;
}

value_result<std::vector<requested_event>> parse_requested_list(std::string_view text, std::size_t base, int depth);
value_result<std::vector<parameterized_event>> parse_parameterized_list(std::string_view text, std::size_t base);

value_result<embedded_request> parse_embedded(std::string_view text, std::size_t base, int depth) {
  embedded_request emb;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    auto split = split_groups(item, base + off);
    if (!split) { err = split.error(); failed = true; return false; }
    const std::string_view key = detail::trim(split->name);
    if (split->count != 1 || key.size() != 1) {
      err = {return_code::unknown_action, base + off, "embedded request part is not R(...), S(...) or D(...)"};
      failed = true;
      return false;
    }
    const auto [inner, inner_at] = split->groups[0];
    const char k = detail::to_upper(key.front());
    if (k == 'R' && !emb.requested_events) {
      auto r = parse_requested_list(inner, inner_at, depth + 1);
      if (!r) { err = r.error(); failed = true; return false; }
      emb.requested_events = std::move(*r);
    } else if (k == 'S' && !emb.signal_requests) {
      auto s = parse_parameterized_list(inner, inner_at);
      if (!s) { err = s.error(); failed = true; return false; }
      emb.signal_requests = std::move(*s);
    } else if (k == 'D' && !emb.digits) {
      auto d = parse_digit_map(inner);
      if (!d) { err = d.error(); err.offset += inner_at; failed = true; return false; }
      emb.digits = std::move(*d);
    } else {
      err = {return_code::unknown_action, base + off, "unknown or repeated part in embedded request"};
      failed = true;
      return false;
    }
    return true;
  }, &bad_at);
  if (!balanced) return fail(bad, base + bad_at, "unbalanced embedded request");
  if (failed) return make_unexpected(err);
  return emb;
}

value_result<std::vector<requested_action>> parse_actions(std::string_view text, std::size_t base, int depth) {
  std::vector<requested_action> out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    requested_action a;
    if (item.size() == 1) {
      switch (detail::to_upper(item.front())) {
        case 'N': a.kind = action_kind::notify; break;
        case 'A': a.kind = action_kind::accumulate; break;
        case 'D': a.kind = action_kind::accumulate_digit_map; break;
        case 'S': a.kind = action_kind::swap; break;
        case 'I': a.kind = action_kind::ignore; break;
        case 'K': a.kind = action_kind::keep_signals; break;
        default:
          err = {return_code::unknown_action, base + off, "unknown action"};
          failed = true;
          return false;
      }
    } else if (!item.empty() && detail::to_upper(item.front()) == 'E' && item.size() >= 3 &&
               detail::trim(item.substr(1)).front() == '(') {
      if (depth >= max_nesting) {
        err = {return_code::unknown_action, base + off, "embedded requests nested too deeply"};
        failed = true;
        return false;
      }
      auto split = split_groups(detail::trim(item.substr(1)), base + off + (item.size() - detail::trim(item.substr(1)).size()));
      if (!split || split->count != 1) {
        err = split ? value_error{return_code::unknown_action, base + off, "bad embedded request"} : split.error();
        failed = true;
        return false;
      }
      auto emb = parse_embedded(split->groups[0].text, split->groups[0].offset, depth);
      if (!emb) { err = emb.error(); failed = true; return false; }
      a.kind = action_kind::embedded;
      a.embedded = std::move(*emb);
    } else if (item.find('/') != std::string_view::npos && item.find_first_of("()") == std::string_view::npos) {
      a.kind = action_kind::extension;
      a.extension = std::string(item);
    } else {
      err = {return_code::unknown_action, base + off, "unknown action"};
      failed = true;
      return false;
    }
    out.push_back(std::move(a));
    return true;
  }, &bad_at);
  if (!balanced) return fail(bad, base + bad_at, "unbalanced action list");
  if (failed) return make_unexpected(err);
  if (out.empty()) return fail(return_code::unknown_action, base, "empty action list");
  // RFC 3435 §2.3.3: Notify, Accumulate, Accumulate-by-digit-map and Ignore exclude each other;
  // an action given twice is an illegal combination too.
  int exclusive = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto k = out[i].kind;
    if (k == action_kind::notify || k == action_kind::accumulate ||
        k == action_kind::accumulate_digit_map || k == action_kind::ignore)
      ++exclusive;
    for (std::size_t j = 0; j < i; ++j)
      if (k != action_kind::extension && out[j].kind == k)
        return fail(return_code::unknown_action, base, "action given twice");
  }
  if (exclusive > 1) return fail(return_code::unknown_action, base, "illegal combination of actions");
  return out;
}

value_result<std::vector<requested_event>> parse_requested_list(std::string_view text, std::size_t base, int depth) {
  std::vector<requested_event> out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  std::size_t t = 0;
  if (detail::trim(text, &t).empty()) return out;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    auto split = split_groups(item, base + off);
    if (!split) { err = split.error(); failed = true; return false; }
    if (split->count > 2) {
      err = {bad, base + off, "requested event with more than two parenthesised lists"};
      failed = true;
      return false;
    }
    requested_event r;
    auto name = parse_name_at(split->name, base + off);
    if (!name) { err = name.error(); failed = true; return false; }
    r.name = std::move(*name);
    if (split->count > 0) {
      auto actions = parse_actions(split->groups[0].text, split->groups[0].offset, depth);
      if (!actions) { err = actions.error(); failed = true; return false; }
      r.actions = std::move(*actions);
    }
    if (split->count == 2) {
      auto params = parse_parameters(split->groups[1].text, split->groups[1].offset);
      if (!params) { err = params.error(); failed = true; return false; }
      r.parameters = std::move(*params);
    }
    out.push_back(std::move(r));
    return true;
  }, &bad_at);
  if (!balanced) return fail(bad, base + bad_at, "unbalanced requested events");
  if (failed) return make_unexpected(err);
  return out;
}

value_result<std::vector<parameterized_event>> parse_parameterized_list(std::string_view text, std::size_t base) {
  std::vector<parameterized_event> out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return out;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    auto split = split_groups(item, base + off);
    if (!split) { err = split.error(); failed = true; return false; }
    if (split->count > 1) {
      err = {return_code::event_signal_parameter_error, base + off, "more than one parameter list"};
      failed = true;
      return false;
    }
    parameterized_event e;
    auto name = parse_name_at(split->name, base + off);
    if (!name) { err = name.error(); failed = true; return false; }
    e.name = std::move(*name);
    if (split->count > 0) {
      auto params = parse_parameters(split->groups[0].text, split->groups[0].offset);
      if (!params) { err = params.error(); failed = true; return false; }
      e.parameters = std::move(*params);
    }
    out.push_back(std::move(e));
    return true;
  }, &bad_at);
  if (!balanced) return fail(bad, base + bad_at, "unbalanced event list");
  if (failed) return make_unexpected(err);
  return out;
}

void append_parameters(std::string& out, const std::vector<event_parameter>& params) {
  out += '(';
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out += ',';
    if (!params[i].name.empty()) {
      out += params[i].name;
      out += '=';
    }
    out += params[i].value;
  }
  out += ')';
}

void append_actions(std::string& out, const std::vector<requested_action>& actions);

void append_embedded(std::string& out, const embedded_request& e) {
  out += "E(";
  bool first = true;
  auto sep = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (e.requested_events) {
    sep();
    out += "R(";
    append(out, *e.requested_events);
    out += ')';
  }
  if (e.signal_requests) {
    sep();
    out += "S(";
    append(out, *e.signal_requests);
    out += ')';
  }
  if (e.digits) {
    sep();
    out += "D(";
    append(out, *e.digits);
    out += ')';
  }
  out += ')';
}

void append_actions(std::string& out, const std::vector<requested_action>& actions) {
  out += '(';
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (i) out += ',';
    switch (actions[i].kind) {
      case action_kind::notify: out += 'N'; break;
      case action_kind::accumulate: out += 'A'; break;
      case action_kind::accumulate_digit_map: out += 'D'; break;
      case action_kind::swap: out += 'S'; break;
      case action_kind::ignore: out += 'I'; break;
      case action_kind::keep_signals: out += 'K'; break;
      case action_kind::embedded: append_embedded(out, actions[i].embedded); break;
      case action_kind::extension: out += actions[i].extension; break;
    }
  }
  out += ')';
}

}  // namespace

value_result<event_name> parse_event_name(std::string_view text) { return parse_name_at(text, 0); }

value_result<std::vector<event_name>> parse_event_names(std::string_view text) {
  std::vector<event_name> out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return out;
  const bool balanced = detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    auto name = parse_name_at(item, off);
    if (!name) { err = name.error(); failed = true; return false; }
    out.push_back(std::move(*name));
    return true;
  }, &bad_at);
  if (!balanced) return fail(bad, bad_at, "unbalanced event list");
  if (failed) return make_unexpected(err);
  return out;
}

value_result<std::vector<requested_event>> parse_requested_events(std::string_view text) {
  return parse_requested_list(text, 0, 0);
}

value_result<std::vector<parameterized_event>> parse_parameterized_events(std::string_view text) {
  return parse_parameterized_list(text, 0);
}

void append(std::string& out, const event_name& e) {
  if (!e.package.empty()) {
    out += e.package;
    out += '/';
  }
  out += e.event;
  if (!e.connection.empty()) {
    out += '@';
    out += e.connection;
  }
}

void append(std::string& out, const std::vector<event_name>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    append(out, list[i]);
  }
}

void append(std::string& out, const std::vector<requested_event>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    append(out, list[i].name);
    if (!list[i].actions.empty() || !list[i].parameters.empty()) {
      // A parameter list needs the action list before it; an absent action list is the
      // default action, Notify (RFC 3435 §2.3.3), so write it out.
      if (list[i].actions.empty()) out += "(N)";
      else append_actions(out, list[i].actions);
    }
    if (!list[i].parameters.empty()) append_parameters(out, list[i].parameters);
  }
}

void append(std::string& out, const std::vector<parameterized_event>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    append(out, list[i].name);
    if (!list[i].parameters.empty()) append_parameters(out, list[i].parameters);
  }
}

}  // namespace tandem::mgcp
