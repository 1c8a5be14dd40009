#include "gateway/h248/h248_config.hpp"

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

namespace tandem::gateway::h248 {

namespace {
using std::chrono::milliseconds;

bool is_ip_literal(const std::string& a) {
  in6_addr buffer{};
  return inet_pton(AF_INET, a.c_str(), &buffer) == 1 || inet_pton(AF_INET6, a.c_str(), &buffer) == 1;
}
}  // namespace

std::optional<tandem::h248::message_id> parse_mid(std::string_view text) {
  tandem::h248::message_id mid;
  std::string_view rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    mid.name = std::string(text.substr(1, close - 1));
    mid.kind = mid.name.find(':') != std::string::npos ? tandem::h248::mid_kind::ipv6 : tandem::h248::mid_kind::ipv4;
    if (!is_ip_literal(mid.name)) return std::nullopt;
    rest = text.substr(close + 1);
  } else if (text.starts_with('<')) {
    const auto close = text.find('>');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    mid.kind = tandem::h248::mid_kind::domain_name;
    mid.name = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
  } else {
    return std::nullopt;
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    unsigned port = 0;
    auto [end, ec] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), port);
    if (ec != std::errc{} || end != rest.data() + rest.size() || port == 0 || port > 65535) return std::nullopt;
    mid.port = static_cast<std::uint16_t>(port);
  }
  return mid;
}

void load_h248(const config::node& n, h248_settings& out) {
  n.check_known({"bind", "port", "mid", "controllers", "version", "profile", "max_contexts",
                 "max_terminations_per_context", "retry_after_all_failed_ms", "continuity_timeout_ms", "compact",
                 "transactions"});
  out.enabled = true;
  out.bind_address = n.get_string("bind", out.bind_address);
  if (!is_ip_literal(out.bind_address)) n.error("bind", "not an IPv4 or IPv6 literal");
  out.port = static_cast<std::uint16_t>(n.get_int("port", out.port, 0, 65535));
  out.mid = n.get_string("mid", "");
  if (!out.mid.empty() && !parse_mid(out.mid)) n.error("mid", "expected \"[address]:port\" or \"<domain.name>:port\"");
  auto& a = out.agent;
  for (const auto& c : n.groups("controllers")) {
    c.check_known({"address", "port"});
    tandem::h248::peer p;
    p.address = c.require_string("address").value_or("");
    if (!p.address.empty() && !is_ip_literal(p.address)) c.error("address", "not an IPv4 or IPv6 literal");
    p.port = static_cast<std::uint16_t>(c.get_int("port", 2944, 1, 65535));
    a.controllers.push_back(p);
  }
  if (a.controllers.empty()) n.error("controllers", "at least one controller (the MGC to register with)");
  a.version = static_cast<unsigned>(n.get_int("version", a.version, 1, 3));
  a.profile = n.get_string("profile", a.profile);
  a.max_contexts = static_cast<unsigned>(n.get_int("max_contexts", a.max_contexts, 1, 1'000'000));
  a.max_terminations_per_context =
      static_cast<unsigned>(n.get_int("max_terminations_per_context", a.max_terminations_per_context, 2, 16));
  a.retry_after_all_failed = n.get_ms("retry_after_all_failed_ms", a.retry_after_all_failed, milliseconds{100}, milliseconds{600'000});
  a.continuity_timeout = n.get_ms("continuity_timeout_ms", a.continuity_timeout, milliseconds{100}, milliseconds{60'000});
  auto& x = out.transactions;
  x.version = a.version;
  x.compact = n.get_bool("compact", x.compact);
  if (auto t = n.group("transactions")) {
    t->check_known({"initial_rto_ms", "max_rto_ms", "max_retransmissions", "long_timer_ms", "pending_after_ms"});
    x.initial_rto = t->get_ms("initial_rto_ms", x.initial_rto, milliseconds{20}, milliseconds{10'000});
    x.max_rto = t->get_ms("max_rto_ms", x.max_rto, milliseconds{20}, milliseconds{60'000});
    x.max_retransmissions = static_cast<unsigned>(t->get_int("max_retransmissions", x.max_retransmissions, 1, 20));
    x.long_timer = t->get_ms("long_timer_ms", x.long_timer, milliseconds{1000}, milliseconds{600'000});
    x.pending_after = t->get_ms("pending_after_ms", x.pending_after, milliseconds{0}, milliseconds{60'000});
    if (x.initial_rto > x.max_rto) t->error("initial_rto_ms", "above max_rto_ms");
  }
}

void share_gateway_settings(h248_settings& s, const mgcp::agent_config& g) {
  auto& a = s.agent;
  a.spans = g.spans;
  a.codecs = g.codecs;
  a.dtmf_relay = g.dtmf_relay;
  a.telephone_event_payload_type = g.telephone_event_payload_type;
  a.default_ptime = g.default_ptime;
  a.echo_cancellation_default = g.echo_cancellation_default;
}

std::string dump_h248(const h248_settings& s) {
  std::string out;
  auto it = std::back_inserter(out);
  const auto& a = s.agent;
  const auto& x = s.transactions;
  fmt::format_to(it, "  h248 = {{\n    bind = \"{}\";\n    port = {};\n    mid = \"{}\";\n    controllers = (", s.bind_address,
                 s.port, s.mid);
  for (std::size_t i = 0; i < a.controllers.size(); ++i)
    fmt::format_to(it, "{}\n      {{ address = \"{}\"; port = {}; }}", i ? "," : "", a.controllers[i].address,
                   a.controllers[i].port);
  out += a.controllers.empty() ? ");\n" : "\n    );\n";
  fmt::format_to(it,
                 "    version = {};\n    profile = \"{}\";\n    max_contexts = {};\n    max_terminations_per_context = {};\n"
                 "    retry_after_all_failed_ms = {};\n    continuity_timeout_ms = {};\n    compact = {};\n",
                 a.version, a.profile, a.max_contexts, a.max_terminations_per_context, a.retry_after_all_failed.count(),
                 a.continuity_timeout.count(), x.compact);
  fmt::format_to(it,
                 "    transactions = {{ initial_rto_ms = {}; max_rto_ms = {}; max_retransmissions = {}; long_timer_ms = {}; "
                 "pending_after_ms = {}; }};\n  }};\n",
                 x.initial_rto.count(), x.max_rto.count(), x.max_retransmissions, x.long_timer.count(),
                 x.pending_after.count());
  return out;
}

}  // namespace tandem::gateway::h248
