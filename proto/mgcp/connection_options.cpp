#include "proto/mgcp/connection_options.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace tandem::mgcp {

using detail::fail;
using detail::value_error;
using detail::value_result;

namespace {

constexpr std::array<std::pair<connection_mode_kind, std::string_view>, 10> mode_names{{
    {connection_mode_kind::sendonly, "sendonly"}, {connection_mode_kind::recvonly, "recvonly"},
    {connection_mode_kind::sendrecv, "sendrecv"}, {connection_mode_kind::confrnce, "confrnce"},
    {connection_mode_kind::inactive, "inactive"}, {connection_mode_kind::loopback, "loopback"},
    {connection_mode_kind::conttest, "conttest"}, {connection_mode_kind::netwloop, "netwloop"},
    {connection_mode_kind::netwtest, "netwtest"}, {connection_mode_kind::data, "data"},
}};

/// Extension names: RFC 3435 §3.2.2 "X-" vendor names or package-qualified `pkg/name`.
bool is_extension_name(std::string_view s) {
  if (s.size() > 2 && (s[0] == 'x' || s[0] == 'X') && (s[1] == '-' || s[1] == '+')) return true;
  const std::size_t slash = s.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < s.size();
}

bool valid_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!detail::is_alnum(c) && c != '-' && c != '+' && c != '/' && c != '.' && c != '_') return false;
  return true;
}

value_result<bool> parse_on_off(std::string_view v) {
  if (detail::iequals(v, "on")) return true;
  if (detail::iequals(v, "off")) return false;
  return fail(return_code::options_unsupported_value, 0, "expected on or off");
}

value_result<value_range> parse_range(std::string_view v) {
  value_range r;
  const std::size_t dash = v.find('-');
  if (dash == std::string_view::npos) {
    if (!detail::parse_decimal(v, r.low)) return fail(return_code::invalid_options, 0, "expected a number or a range");
    r.high = r.low;
    return r;
  }
  if (!detail::parse_decimal(v.substr(0, dash), r.low) || !detail::parse_decimal(v.substr(dash + 1), r.high))
    return fail(return_code::invalid_options, 0, "expected a number or a range");
  if (r.low > r.high) return fail(return_code::options_inconsistent, 0, "range low bound above high bound");
  return r;
}

/// Options defined outside RFC 3435's table that peers send (electronic surveillance es-cci /
/// es-ccd, fmtp, the PacketCable dq-* and sc-* options): kept as written, not interpreted.
bool is_kept_option(std::string_view name) {
  static constexpr std::string_view kept[] = {"es-cci", "es-ccd", "fmtp", "dq-gi", "dq-rd", "dq-ri", "dq-rr",
                                              "sc-rtp", "sc-rtcp"};
  for (auto k : kept)
    if (detail::iequals(name, k)) return true;
  return false;
}

template <class F>
bool split_semicolons(std::string_view v, F&& f) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && v[i] != ';') continue;
    if (!f(detail::trim(v.substr(start, i - start)), start)) return false;
    start = i + 1;
  }
  return true;
}

void append_range(std::string& out, const value_range& r) {
  if (r.low == r.high) fmt::format_to(std::back_inserter(out), "{}", r.low);
  else fmt::format_to(std::back_inserter(out), "{}-{}", r.low, r.high);
}

template <class T>
void append_list(std::string& out, const std::vector<T>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ';';
    out += list[i];
  }
}

/// Applies one `name:value` option; returns an error with the offset within the value.
value_result<void> apply_option(local_connection_options& o, std::string_view name, std::string_view v,
                                bool capabilities) {
  const auto unsupported = [](std::string_view what) { return fail(return_code::options_unsupported_value, 0, what); };
  const auto twice = [] { return fail(return_code::options_inconsistent, 0, "option given twice"); };
  if (detail::iequals(name, "a")) {
    if (!o.codecs.empty()) return twice();
    o.codecs.reserve(static_cast<std::size_t>(std::count(v.begin(), v.end(), ';')) + 1);
    bool ok = split_semicolons(v, [&](std::string_view c, std::size_t) {
      if (!valid_token(c)) return false;
      o.codecs.emplace_back(c);
      return true;
    });
    if (!ok) return fail(return_code::invalid_options, 0, "bad codec list");
  } else if (detail::iequals(name, "p") || detail::iequals(name, "b")) {
    auto& slot = detail::iequals(name, "p") ? o.packetization_ms : o.bandwidth_kbps;
    if (slot) return twice();
    auto r = parse_range(v);
    if (!r) return make_unexpected(r.error());
    slot = *r;
  } else if (detail::iequals(name, "e") || detail::iequals(name, "s")) {
    auto& slot = detail::iequals(name, "e") ? o.echo_cancellation : o.silence_suppression;
    if (slot) return twice();
    auto b = parse_on_off(v);
    if (!b) return make_unexpected(b.error());
    slot = *b;
  } else if (detail::iequals(name, "gc")) {
    if (o.gain) return twice();
    gain_control g;
    if (detail::iequals(v, "auto")) {
      g.automatic = true;
    } else {
      std::string_view num = v;
      const bool neg = !num.empty() && num.front() == '-';
      if (neg) num.remove_prefix(1);
      unsigned db = 0;
      if (!detail::parse_decimal(num, db) || db > 99) return fail(return_code::invalid_options, 0, "bad gain control");
      g.decibels = neg ? -static_cast<int>(db) : static_cast<int>(db);
    }
    o.gain = g;
  } else if (detail::iequals(name, "t")) {
    if (o.type_of_service) return twice();
    if (v.empty() || v.size() > 2 || !detail::all_of_hex(v))
      return fail(return_code::invalid_options, 0, "type of service is not 1-2 hex digits");
    unsigned t = 0;
    for (char c : v) t = t * 16 + static_cast<unsigned>(detail::is_digit(c) ? c - '0' : detail::to_lower(c) - 'a' + 10);
    o.type_of_service = static_cast<std::uint8_t>(t);
  } else if (detail::iequals(name, "r")) {
    if (o.reservation) return twice();
    if (detail::iequals(v, "g")) o.reservation = resource_reservation::guaranteed;
    else if (detail::iequals(v, "cl")) o.reservation = resource_reservation::controlled_load;
    else if (detail::iequals(v, "be")) o.reservation = resource_reservation::best_effort;
    else return unsupported("resource reservation is not g, cl or be");
  } else if (detail::iequals(name, "k")) {
    if (o.encryption) return twice();
    const std::size_t colon = v.find(':');
    encryption_key k{std::string(v.substr(0, colon)), colon == std::string_view::npos ? "" : std::string(v.substr(colon + 1))};
    if (!detail::iequals(k.method, "clear") && !detail::iequals(k.method, "base64") &&
        !detail::iequals(k.method, "uri") && !detail::iequals(k.method, "prompt"))
      return unsupported("encryption method is not clear, base64, uri or prompt");
    o.encryption = std::move(k);
  } else if (detail::iequals(name, "nt")) {
    if (!o.network_types.empty()) return twice();
    bool ok = split_semicolons(v, [&](std::string_view n, std::size_t) {
      if (!valid_token(n)) return false;
      o.network_types.emplace_back(n);
      return true;
    });
    if (!ok || (!capabilities && o.network_types.size() != 1))
      return fail(return_code::invalid_options, 0, "bad network type");
  } else if (capabilities && detail::iequals(name, "v")) {
    if (!o.packages.empty()) return twice();
    bool ok = split_semicolons(v, [&](std::string_view p, std::size_t) {
      if (!valid_token(p)) return false;
      o.packages.emplace_back(p);
      return true;
    });
    if (!ok) return fail(return_code::invalid_options, 0, "bad package list");
  } else if (capabilities && detail::iequals(name, "m")) {
    if (!o.modes.empty()) return twice();
    value_error err;
    bool ok = split_semicolons(v, [&](std::string_view m, std::size_t off) {
      auto mode = parse_connection_mode(m);
      if (!mode) {
        err = mode.error();
        err.offset += off;
        return false;
      }
      o.modes.push_back(std::move(*mode));
      return true;
    });
    if (!ok) return make_unexpected(err);
  } else if (name.size() > 2 && detail::to_lower(name[0]) == 'x' && name[1] == '+') {
    // No mandatory vendor extension is implemented: RFC 3435 §2.4 code 525.
    return fail(return_code::options_unknown_extension, 0, "unsupported mandatory extension (x+)");
  } else if ((name.size() > 2 && detail::to_lower(name[0]) == 'x' && name[1] == '-') || is_kept_option(name)) {
    o.extensions.push_back({std::string(name), std::string(v)});
  } else {
    return fail(return_code::invalid_options, 0, "unknown LocalConnectionOptions name");
  }
  return {};
}

}  // namespace

value_result<connection_mode> parse_connection_mode(std::string_view text) {
  const std::string_view t = detail::trim(text);
  for (const auto& [kind, name] : mode_names)
    if (detail::iequals(t, name)) return connection_mode{kind, {}};
  if (is_extension_name(t) && valid_token(t)) return connection_mode{connection_mode_kind::extension, std::string(t)};
  return fail(return_code::invalid_mode, 0, "unknown connection mode");
}

std::string_view to_string(connection_mode_kind m) {
  for (const auto& [kind, name] : mode_names)
    if (kind == m) return name;
  return "";
}

void append(std::string& out, const connection_mode& m) {
  if (m.kind == connection_mode_kind::extension) out += m.extension;
  else out += to_string(m.kind);
}

value_result<local_connection_options> parse_local_connection_options(std::string_view text, bool capabilities) {
  local_connection_options o;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return o;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      err = {return_code::invalid_options, off, "option is not name:value"};
      failed = true;
      return false;
    }
    std::size_t voff = off + colon + 1;
    const std::string_view name = detail::trim(item.substr(0, colon));
    const std::string_view value = detail::trim(item.substr(colon + 1), &voff);
    auto r = apply_option(o, name, value, capabilities);
    if (!r) {
      err = r.error();
      err.offset += voff;
      failed = true;
      return false;
    }
    return true;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return o;
}

void append(std::string& out, const local_connection_options& o) {
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ", ";
    first = false;
    out += k;
    out += ':';
  };
  if (o.packetization_ms) { key("p"); append_range(out, *o.packetization_ms); }
  if (!o.codecs.empty()) { key("a"); append_list(out, o.codecs); }
  if (o.bandwidth_kbps) { key("b"); append_range(out, *o.bandwidth_kbps); }
  if (o.echo_cancellation) { key("e"); out += *o.echo_cancellation ? "on" : "off"; }
  if (o.gain) {
    key("gc");
    if (o.gain->automatic) out += "auto";
    else fmt::format_to(std::back_inserter(out), "{}", o.gain->decibels);
  }
  if (o.silence_suppression) { key("s"); out += *o.silence_suppression ? "on" : "off"; }
  if (o.type_of_service) { key("t"); fmt::format_to(std::back_inserter(out), "{:02X}", *o.type_of_service); }
  if (o.reservation) {
    key("r");
    out += *o.reservation == resource_reservation::guaranteed ? "g"
           : *o.reservation == resource_reservation::controlled_load ? "cl" : "be";
  }
  if (o.encryption) {
    key("k");
    out += o.encryption->method;
    if (!o.encryption->key.empty()) { out += ':'; out += o.encryption->key; }
  }
  if (!o.network_types.empty()) { key("nt"); append_list(out, o.network_types); }
  if (!o.packages.empty()) { key("v"); append_list(out, o.packages); }
  if (!o.modes.empty()) {
    key("m");
    for (std::size_t i = 0; i < o.modes.size(); ++i) {
      if (i) out += ';';
      append(out, o.modes[i]);
    }
  }
  for (const auto& x : o.extensions) {
    key(x.name);
    out += x.value;
  }
}

value_result<bearer_information> parse_bearer_information(std::string_view text) {
  bearer_information b;
  value_error err;
  bool failed = false;
  std::size_t bad_at = 0;
  if (detail::trim(text).empty()) return b;
  detail::for_each_item(text, ',', [&](std::string_view item, std::size_t off) {
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      err = {return_code::protocol_error, off, "bearer information is not name:value"};
      failed = true;
      return false;
    }
    const std::string_view name = detail::trim(item.substr(0, colon));
    const std::string_view value = detail::trim(item.substr(colon + 1));
    if (detail::iequals(name, "e") && !b.encoding) {
      if (detail::iequals(value, "A")) b.encoding = bearer_encoding::a_law;
      else if (detail::iequals(value, "mu")) b.encoding = bearer_encoding::mu_law;
      else {
        err = {return_code::invalid_command_parameter, off + colon + 1, "bearer encoding is not A or mu"};
        failed = true;
        return false;
      }
    } else if (name.size() > 2 && detail::to_lower(name[0]) == 'x' && name[1] == '-') {
      b.extensions.push_back({std::string(name), std::string(value)});
    } else {
      err = {return_code::invalid_command_parameter, off, "unknown or repeated bearer information"};
      failed = true;
      return false;
    }
    return true;
  }, &bad_at);
  if (failed) return make_unexpected(err);
  return b;
}

void append(std::string& out, const bearer_information& b) {
  bool first = true;
  if (b.encoding) {
    out += *b.encoding == bearer_encoding::a_law ? "e:A" : "e:mu";
    first = false;
  }
  for (const auto& x : b.extensions) {
    if (!first) out += ", ";
    first = false;
    out += x.name;
    out += ':';
    out += x.value;
  }
}

}  // namespace tandem::mgcp
