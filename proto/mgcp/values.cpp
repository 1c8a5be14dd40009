#include "proto/mgcp/values.hpp"

#include <fmt/format.h>

namespace tandem::mgcp {

using detail::fail;
using detail::value_error;
using detail::value_result;

namespace {

bool is_extension_name(std::string_view s) {
  if (s.size() > 2 && detail::to_lower(s[0]) == 'x' && (s[1] == '-' || s[1] == '+')) return true;
  const std::size_t slash = s.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < s.size();
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!detail::is_alnum(c) && c != '-' && c != '+' && c != '/' && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

value_result<std::string> parse_hex_id(std::string_view text, return_code on_error) {
  if (text.empty()) return fail(on_error, 0, "empty identifier");
  if (text.size() > max_hex_id_length) return fail(on_error, 0, "identifier longer than 32 hex digits");
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!detail::is_hex(text[i])) return fail(on_error, i, "identifier is not hexadecimal");
  return std::string(text);
}

value_result<restart_method> parse_restart_method(std::string_view text) {
  static constexpr std::pair<restart_method_kind, std::string_view> names[] = {
      {restart_method_kind::graceful, "graceful"},         {restart_method_kind::forced, "forced"},
      {restart_method_kind::restart, "restart"},           {restart_method_kind::disconnected, "disconnected"},
      {restart_method_kind::cancel_graceful, "cancel-graceful"},
  };
  for (const auto& [kind, name] : names)
    if (detail::iequals(text, name)) return restart_method{kind, {}};
  if (is_extension_name(text) && is_token(text)) return restart_method{restart_method_kind::extension, std::string(text)};
  return fail(return_code::unknown_restart_method, 0, "unknown restart method");
}

void append(std::string& out, const restart_method& m) {
  switch (m.kind) {
    case restart_method_kind::graceful: out += "graceful"; break;
    case restart_method_kind::forced: out += "forced"; break;
    case restart_method_kind::restart: out += "restart"; break;
    case restart_method_kind::disconnected: out += "disconnected"; break;
    case restart_method_kind::cancel_graceful: out += "cancel-graceful"; break;
    case restart_method_kind::extension: out += m.extension; break;
  }
}

value_result<reason_code> parse_reason_code(std::string_view text) {
  reason_code r;
  if (text.size() < 3 || !detail::parse_decimal(text.substr(0, 3), r.code))
    return fail(return_code::protocol_error, 0, "reason code is not three digits");
  if (text.size() > 3) {
    if (!detail::is_wsp(text[3])) return fail(return_code::protocol_error, 3, "reason code is not three digits");
    r.text = std::string(detail::trim(text.substr(3)));
  }
  return r;
}

void append(std::string& out, const reason_code& r) {
  fmt::format_to(std::back_inserter(out), "{:03}", r.code);
  if (!r.text.empty()) {
    out += ' ';
    out += r.text;
  }
}

value_result<connection_parameters> parse_connection_parameters(std::string_view text) {
  connection_parameters p;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return p;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      err = {return_code::protocol_error, off, "connection parameter is not name=value"};
      failed = true;
      return false;
    }
    const std::string_view name = detail::trim(item.substr(0, eq));
    const std::string_view value = detail::trim(item.substr(eq + 1));
    const auto number = [&](auto& slot) {
      if (slot) {
        err = {return_code::protocol_error, off, "connection parameter given twice"};
        return false;
      }
      typename std::remove_reference_t<decltype(slot)>::value_type v{};
      std::string_view digits = value;
      bool neg = false;
      if constexpr (std::is_signed_v<decltype(v)>) {
        if (!digits.empty() && digits.front() == '-') {
          neg = true;
          digits.remove_prefix(1);
        }
      }
      if (!detail::parse_decimal(digits, v)) {
        err = {return_code::protocol_error, off + eq + 1, "connection parameter value is not a number"};
        return false;
      }
      if constexpr (std::is_signed_v<decltype(v)>) {
        if (neg) v = -v;
      }
      slot = v;
      return true;
    };
    bool ok = true;
    if (detail::iequals(name, "PS")) ok = number(p.packets_sent);
    else if (detail::iequals(name, "OS")) ok = number(p.octets_sent);
    else if (detail::iequals(name, "PR")) ok = number(p.packets_received);
    else if (detail::iequals(name, "OR")) ok = number(p.octets_received);
    else if (detail::iequals(name, "PL")) ok = number(p.packets_lost);
    else if (detail::iequals(name, "JI")) ok = number(p.jitter_ms);
    else if (detail::iequals(name, "LA")) ok = number(p.latency_ms);
    else if (is_extension_name(name) && is_token(name)) p.extensions.push_back({std::string(name), std::string(value)});
    else {
      err = {return_code::protocol_error, off, "unknown connection parameter"};
      ok = false;
    }
    if (!ok) failed = true;
    return ok;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return p;
}

void append(std::string& out, const connection_parameters& p) {
  bool first = true;
  const auto put = [&](std::string_view name, const auto& slot) {
    if (!slot) return;
    if (!first) out += ", ";
    first = false;
    fmt::format_to(std::back_inserter(out), "{}={}", name, *slot);
  };
  put("PS", p.packets_sent);
  put("OS", p.octets_sent);
  put("PR", p.packets_received);
  put("OR", p.octets_received);
  put("PL", p.packets_lost);
  put("JI", p.jitter_ms);
  put("LA", p.latency_ms);
  for (const auto& x : p.extensions) {
    if (!first) out += ", ";
    first = false;
    out += x.name;
    out += '=';
    out += x.value;
  }
}

value_result<requested_info> parse_requested_info(std::string_view text) {
  requested_info r;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return r;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    if (auto code = find_parameter_code(item)) {
      r.codes.push_back(*code);
    } else if (is_extension_name(item) && is_token(item)) {
      r.extensions.emplace_back(item);
    } else {
      err = {return_code::invalid_command_parameter, off, "unknown RequestedInfo code"};
      failed = true;
      return false;
    }
    return true;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return r;
}

void append(std::string& out, const requested_info& r) {
  bool first = true;
  for (auto c : r.codes) {
    if (!first) out += ',';
    first = false;
    out += code_text(c);
  }
  for (const auto& x : r.extensions) {
    if (!first) out += ',';
    first = false;
    out += x;
  }
}

value_result<quarantine_handling> parse_quarantine_handling(std::string_view text) {
  quarantine_handling q;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return q;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    bool ok = true;
    if (detail::iequals(item, "process") && !q.disposition) q.disposition = quarantine_disposition::process;
    else if (detail::iequals(item, "discard") && !q.disposition) q.disposition = quarantine_disposition::discard;
    else if (detail::iequals(item, "step") && !q.mode) q.mode = quarantine_mode::step;
    else if (detail::iequals(item, "loop") && !q.mode) q.mode = quarantine_mode::loop;
    else ok = false;
    if (!ok) {
      err = {return_code::unknown_quarantine_handling, off, "unknown or repeated quarantine handling"};
      failed = true;
    }
    return ok;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return q;
}

void append(std::string& out, const quarantine_handling& q) {
  if (q.disposition) out += *q.disposition == quarantine_disposition::process ? "process" : "discard";
  if (q.mode) {
    if (q.disposition) out += ", ";
    out += *q.mode == quarantine_mode::step ? "step" : "loop";
  }
}

value_result<std::vector<package_version>> parse_package_list(std::string_view text) {
  std::vector<package_version> out;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return out;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    const std::size_t colon = item.find(':');
    package_version p;
    if (colon == std::string_view::npos || colon == 0 || !is_token(item.substr(0, colon)) ||
        !detail::parse_decimal(item.substr(colon + 1), p.version)) {
      err = {return_code::protocol_error, off, "package list item is not name:version"};
      failed = true;
      return false;
    }
    p.name = std::string(item.substr(0, colon));
    out.push_back(std::move(p));
    return true;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return out;
}

void append(std::string& out, const std::vector<package_version>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    fmt::format_to(std::back_inserter(out), "{}:{}", list[i].name, list[i].version);
  }
}

}  // namespace tandem::mgcp
