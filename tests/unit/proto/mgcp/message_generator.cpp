#include "tests/unit/proto/mgcp/message_generator.hpp"

#include <fmt/format.h>

namespace tandem::mgcp::test {
namespace {
constexpr std::string_view lower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view digits_alphabet = "0123456789";
}  // namespace

std::string message_generator::word(int min_len, int max_len, std::string_view alphabet) {
  std::string s(static_cast<std::size_t>(pick(min_len, max_len)), ' ');
  for (char& c : s) c = alphabet[static_cast<std::size_t>(pick(0, static_cast<int>(alphabet.size()) - 1))];
  return s;
}

std::string message_generator::hex(int min_len, int max_len) { return word(min_len, max_len, "0123456789ABCDEFabcdef"); }

endpoint_name message_generator::endpoint() {
  endpoint_name e;
  switch (pick(0, 4)) {
    case 0: e.local = fmt::format("aaln/{}", pick(1, 24)); break;
    case 1: e.local = fmt::format("ds/e1-{}/{}", pick(1, 8), pick(1, 31)); break;
    case 2: e.local = fmt::format("rtp/{}", pick(0, 999)); break;
    case 3: e.local = chance(50) ? "*" : "ds/e1-1/$"; break;
    default: e.local = fmt::format("ds/ds3-1/[1-{}]", pick(2, 96)); break;
  }
  if (chance(20)) e.domain.host = fmt::format("[10.{}.{}.{}]", pick(0, 255), pick(0, 255), pick(1, 254));
  else e.domain.host = word(2, 8, lower) + ".example.net";
  if (chance(30)) e.domain.port = static_cast<std::uint16_t>(pick(1, 65535));
  return e;
}

event_name message_generator::event(bool allow_connection) {
  event_name e;
  static constexpr std::string_view packages[] = {"L", "D", "G", "T", "R", "H", "A", "X-vendor"};
  if (chance(85)) e.package = std::string(packages[pick(0, 7)]);
  if (chance(10)) e.event = "[0-9#*T]";
  else if (chance(5)) e.event = "all";
  else e.event = word(1, 4, lower);
  if (allow_connection && chance(10)) e.connection = chance(50) ? hex(1, 8) : "$";
  return e;
}

std::vector<event_parameter> message_generator::event_parameters() {
  std::vector<event_parameter> out(static_cast<std::size_t>(pick(0, 3)));
  for (auto& p : out) {
    if (chance(50)) p.name = word(1, 4, lower);
    p.value = chance(20) ? "\"" + word(1, 6, alnum) + ", x\"" : word(1, 6, alnum);
  }
  return out;
}

std::vector<requested_event> message_generator::requested_events(int depth) {
  std::vector<requested_event> out(static_cast<std::size_t>(pick(depth ? 0 : 1, 3)));
  for (auto& r : out) {
    r.name = event(true);
    if (chance(70)) {
      static constexpr action_kind exclusive[] = {action_kind::notify, action_kind::accumulate,
                                                  action_kind::accumulate_digit_map, action_kind::ignore};
      r.actions.push_back({exclusive[pick(0, 3)], {}, {}});
      if (chance(20)) r.actions.push_back({action_kind::keep_signals, {}, {}});
      if (chance(10)) r.actions.push_back({action_kind::swap, {}, {}});
      if (depth < 2 && chance(15)) {
        requested_action e{action_kind::embedded, {}, {}};
        if (chance(70)) e.embedded.requested_events = requested_events(depth + 1);
        if (chance(50)) e.embedded.signal_requests = parameterized_events();
        if (chance(30)) e.embedded.digits = digits();
        // E() must hold at least one part (RFC 3435 Appendix A: EmbeddedRequest).
        if (!e.embedded.requested_events && !e.embedded.signal_requests && !e.embedded.digits)
          e.embedded.requested_events = requested_events(depth + 1);
        r.actions.push_back(std::move(e));
      }
      if (chance(30)) r.parameters = event_parameters();
    }
  }
  return out;
}

std::vector<parameterized_event> message_generator::parameterized_events() {
  std::vector<parameterized_event> out(static_cast<std::size_t>(pick(0, 3)));
  for (auto& e : out) {
    e.name = event(true);
    if (chance(30)) e.parameters = event_parameters();
  }
  return out;
}

digit_map message_generator::digits() {
  digit_map d;
  const int n = pick(1, 4);
  for (int i = 0; i < n; ++i) {
    std::string p = word(1, 4, "0123456789#*x");
    if (chance(30)) p += "[2-9]";
    if (chance(30)) p += "x.T";
    d.patterns.push_back(std::move(p));
  }
  return d;
}

local_connection_options message_generator::options(bool capabilities) {
  local_connection_options o;
  static constexpr std::string_view codecs[] = {"PCMU", "PCMA", "G729", "G723", "G726-32", "telephone-event"};
  if (chance(80))
    for (int i = pick(1, 3); i > 0; --i) o.codecs.emplace_back(codecs[pick(0, 5)]);
  if (chance(70)) {
    const auto lo = static_cast<std::uint32_t>(pick(10, 30));
    o.packetization_ms = value_range{lo, chance(50) ? lo : lo + static_cast<std::uint32_t>(pick(0, 60))};
  }
  if (chance(20)) o.bandwidth_kbps = value_range{64, 64};
  if (chance(40)) o.echo_cancellation = chance(50);
  if (chance(20)) o.gain = chance(50) ? gain_control{true, 0} : gain_control{false, pick(-20, 20)};
  if (chance(40)) o.silence_suppression = chance(50);
  if (chance(20)) o.type_of_service = static_cast<std::uint8_t>(pick(0, 255));
  if (chance(10)) o.reservation = static_cast<resource_reservation>(pick(0, 2));
  if (chance(10)) o.encryption = encryption_key{"base64", word(4, 12, alnum)};
  if (chance(20)) o.network_types = {"IN"};
  if (capabilities) {
    if (chance(70)) o.packages = {"L", "G", "D"};
    if (chance(70)) o.modes = {{connection_mode_kind::sendonly, {}}, {connection_mode_kind::netwloop, {}}};
  }
  if (chance(10)) o.extensions.push_back({"x-" + word(1, 6, lower), word(1, 6, alnum)});
  return o;
}

std::string message_generator::session() {
  return fmt::format(
      "v=0\no=- {} {} IN IP4 10.0.0.{}\ns=-\nc=IN IP4 10.0.0.{}\nt=0 0\nm=audio {} RTP/AVP 0 18\n"
      "a=rtpmap:18 G729/8000\na=ptime:{}",
      pick(1, 1000000), pick(1, 1000000), pick(1, 254), pick(1, 254), pick(1024, 65000) & ~1, pick(1, 3) * 10);
}

parameter_set message_generator::params() {
  parameter_set p;
  if (chance(15)) {
    std::vector<transaction_range> k;
    const auto a = static_cast<std::uint32_t>(pick(1, 1000));
    k.push_back({transaction_id{a}, transaction_id{a + static_cast<std::uint32_t>(pick(0, 5))}});
    p.response_ack = chance(30) ? std::vector<transaction_range>{} : k;
  }
  if (chance(10)) p.bearer = bearer_information{chance(50) ? bearer_encoding::a_law : bearer_encoding::mu_law, {}};
  if (chance(50)) p.call = call_id{hex(1, 32)};
  if (chance(40))
    for (int i = pick(1, 2); i > 0; --i) p.connections.emplace_back(hex(1, 32));
  if (chance(30)) {
    notified_entity n;
    if (chance(70)) n.local = "ca";
    n.domain.host = word(2, 8, lower) + ".example.net";
    if (chance(50)) n.domain.port = 2727;
    p.notified = n;
  }
  if (chance(50)) p.request = request_id{hex(1, 32)};
  if (chance(40)) p.options = options(false);
  if (chance(40)) p.mode = connection_mode{static_cast<connection_mode_kind>(pick(0, 9)), {}};
  if (chance(40)) p.requested_events = requested_events(0);
  if (chance(30)) p.signal_requests = parameterized_events();
  if (chance(20)) p.digits = digits();
  if (chance(20)) p.observed_events = parameterized_events();
  if (chance(15)) {
    connection_parameters c;
    c.packets_sent = static_cast<std::uint64_t>(pick(0, 100000));
    c.octets_sent = static_cast<std::uint64_t>(pick(0, 1000000));
    if (chance(50)) c.packets_lost = pick(-5, 100);
    if (chance(50)) c.jitter_ms = static_cast<std::uint32_t>(pick(0, 100));
    if (chance(20)) c.extensions.push_back({"X-" + word(1, 4, "ABCDEFGH"), std::to_string(pick(0, 99))});
    p.connection_stats = c;
  }
  if (chance(10)) p.reason = reason_code{static_cast<std::uint16_t>(pick(900, 905)), chance(50) ? "" : "Endpoint malfunctioning"};
  if (chance(10))
    for (int i = pick(1, 3); i > 0; --i) p.specific_endpoints.push_back(endpoint());
  if (chance(10)) p.second_endpoint = endpoint();
  if (chance(10)) p.second_connection = connection_id{hex(1, 32)};
  if (chance(15)) p.info = requested_info{{parameter_code::requested_events, parameter_code::event_states,
                                           parameter_code::local_connection_descriptor}, {}};
  if (chance(10)) p.quarantine = quarantine_handling{quarantine_disposition::process, chance(50) ? std::optional{quarantine_mode::loop} : std::nullopt};
  if (chance(15)) {
    std::vector<event_name> t;
    for (int i = pick(0, 2); i > 0; --i) t.push_back(event(false));
    p.detect_events = t;
  }
  if (chance(10)) p.restart = restart_method{static_cast<restart_method_kind>(pick(0, 4)), {}};
  if (chance(10)) p.restart_delay_s = static_cast<std::uint32_t>(pick(0, 600));
  if (chance(10))
    for (int i = pick(1, 2); i > 0; --i) p.capabilities.push_back(options(true));
  if (chance(10)) p.event_states = parameterized_events();
  if (chance(5)) p.packages = std::vector<package_version>{{"L", 1}, {"G", 1}};
  if (chance(5)) p.max_datagram = static_cast<std::uint32_t>(pick(576, 65535));
  if (chance(10)) p.extensions.push_back({"X-" + word(1, 8, alnum), word(1, 12, alnum)});
  return p;
}

message message_generator::next() {
  const std::size_t sessions = chance(60) ? 0 : chance(85) ? 1 : 2;
  if (chance(50)) {
    command c;
    c.verb = static_cast<verb>(pick(0, 9));
    c.id = transaction_id{static_cast<std::uint32_t>(pick(1, 999999999))};
    c.endpoint = endpoint();
    if (chance(10)) c.version.profile = "NCS 1.0";
    c.params = params();
    for (std::size_t i = 0; i < sessions; ++i) c.sessions.push_back(session());
    return c;
  }
  response r;
  static constexpr int codes[] = {0, 100, 200, 250, 400, 401, 500, 510, 515, 524, 541, 800, 899};
  r.code = static_cast<return_code>(codes[pick(0, 12)]);
  r.id = transaction_id{static_cast<std::uint32_t>(pick(1, 999999999))};
  if (to_int(r.code) >= 800) r.package = "SCRIPT";
  if (chance(80)) r.text = chance(50) ? "OK" : "Some text with spaces";
  r.params = params();
  for (std::size_t i = 0; i < sessions; ++i) r.sessions.push_back(session());
  return r;
}

}  // namespace tandem::mgcp::test
