#include "tests/unit/proto/h248/message_generator.hpp"

#include <string>

namespace tandem::h248::test {

std::string message_generator::name(unsigned max_len) {
  static const std::string first = "abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ";
  static const std::string rest = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::string s(1, first[pick(static_cast<unsigned>(first.size()))]);
  const unsigned n = pick(max_len);
  for (unsigned i = 0; i < n; ++i) s += rest[pick(static_cast<unsigned>(rest.size()))];
  // A name that spells a token would be read as that token where tokens are allowed.
  return s + "q";
}

std::string message_generator::pkgd() { return name(5) + "/" + (pick(8) == 0 ? std::string("*") : name(6)); }

std::string message_generator::value() {
  switch (pick(4)) {
    case 0: return std::to_string(pick(100000));
    case 1: return "\"" + name(6) + (wireshark_ ? " text, with: marks\"" : " text, with: {marks}\"");
    case 2: return name(6) + "-" + std::to_string(pick(99)) + ".x";
    default: return name(4);
  }
}

parm_value message_generator::parm(bool simple) {
  parm_value v;
  switch (simple ? 3 + pick(2) * 3 : pick(7)) {
    case 0: v.rel = relation::greater; v.values = {value()}; return v;
    case 1: v.rel = relation::less; v.values = {value()}; return v;
    case 2: v.rel = relation::not_equal; v.values = {value()}; return v;
    case 3: v.form = value_form::alternatives; v.values = {value(), value(), value()}; return v;
    case 4: v.form = value_form::range; v.values = {std::to_string(pick(10)), std::to_string(10 + pick(10))}; return v;
    case 5: v.form = value_form::sublist; v.values = {value(), value()}; return v;
    default: v.values = {value()}; return v;
  }
}

std::vector<property> message_generator::properties(bool pkgd_names, unsigned max) {
  std::vector<property> out(pick(max + 1));
  for (auto& p : out) {
    p.name = pkgd_names ? pkgd() : name(6);
    p.value = parm();
  }
  return out;
}

message_id message_generator::mid() {
  message_id m;
  switch (pick(5)) {
    case 0: m.kind = mid_kind::ipv4; m.name = "10.0." + std::to_string(pick(256)) + "." + std::to_string(pick(256)); break;
    case 1: m.kind = mid_kind::ipv6; m.name = "2001:db8::" + std::to_string(1 + pick(999)); break;
    case 2: m.kind = mid_kind::domain_name; m.name = "mgc" + std::to_string(pick(9)) + ".example.net"; break;
    case 3: m.kind = mid_kind::device_name; m.name = "mg" + std::to_string(pick(99)) + "/unit"; return m;
    default: m.kind = mid_kind::mtp; m.name = "0A1" + std::to_string(pick(10)); return m;
  }
  if (coin()) m.port = static_cast<std::uint16_t>(1 + pick(65535));
  return m;
}

termination_id message_generator::termination(bool wildcards) {
  if (wildcards) {
    switch (pick(8)) {
      case 0: return {"*"};
      case 1: return {"$"};
      case 2: return {"RTP/$"};
      case 3: return {"tdm/" + std::to_string(pick(8)) + "/*"};
      default: break;
    }
  }
  switch (pick(4)) {
    case 0: return {"ROOT"};
    case 1: return {"tdm/" + std::to_string(pick(8)) + "/" + std::to_string(1 + pick(31))};
    case 2: return {"RTP/" + std::to_string(pick(9999))};
    default: return {name(6)};
  }
}

context_id message_generator::context(bool request) {
  switch (pick(request ? 4 : 2)) {
    case 0: return context_id::null();
    case 1: return context_id::of(1 + pick(max_context_id));
    case 2: return context_id::choose();
    default: return context_id::all();
  }
}

std::string message_generator::sdp() {
  std::string port = coin() ? "$" : std::to_string(1024 + pick(60000));
  std::string addr = coin() ? "$" : "192.0.2." + std::to_string(pick(255));
  std::string s = "v=0\n";
  if (coin()) s += "o=- " + std::to_string(pick(99999)) + " 1 IN IP4 192.0.2.1\ns=-\n";
  s += "c=IN IP4 " + addr + "\n";
  if (coin()) s += "t=0 0\n";
  s += "m=audio " + port + " RTP/AVP 0 18 101\na=rtpmap:101 telephone-event/8000\na=ptime:" +
       std::to_string(10 * (1 + pick(3)));
  if (coin()) s += "\nv=0\nc=IN IP4 " + addr + "\nm=image " + port + " udptl t38";
  return s;
}

std::string message_generator::timestamp() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026%02u%02uT%02u%02u%02u%02u", 1 + pick(12), 1 + pick(28), pick(24), pick(60),
                pick(60), pick(100));
  return buf;
}

digit_map_value message_generator::digit_map() {
  digit_map_value v;
  if (coin()) v.start_timer = pick(99);
  if (coin()) v.short_timer = pick(99);
  if (coin()) v.long_timer = pick(99);
  static const char* alts[] = {"0", "00", "[1-7]xxx", "8xxxxxxx", "Fxxxxxxx", "Exx", "91xxxxxxxxxx", "9011x.", "xxLxx", "Z5"};
  v.body = "(";
  const unsigned n = 1 + pick(5);
  for (unsigned i = 0; i < n; ++i) v.body += (i ? "|" : "") + std::string(alts[pick(10)]);
  v.body += ")";
  if (coin()) v.body = alts[pick(10)];
  return v;
}

request_id message_generator::request() { return pick(8) == 0 ? request_id{true, 0} : request_id{false, pick(100000)}; }

stream_parms message_generator::stream(bool allow_empty) {
  stream_parms p;
  do {
    if (coin()) {
      local_control_descriptor& lc = p.local_control.emplace();
      do {
        if (coin()) lc.mode = static_cast<stream_mode>(pick(5));
        if (coin()) lc.reserve_value = coin();
        if (coin()) lc.reserve_group = coin();
        lc.properties = properties(true);
        if (wireshark_)
          for (auto& prop : lc.properties) prop.value = {relation::equal, value_form::single, {name(4)}};
      } while (!lc.mode && !lc.reserve_value && !lc.reserve_group && lc.properties.empty());
    }
    if (coin()) p.local = coin() ? sdp() : std::string();
    if (coin()) p.remote = sdp();
    if (pick(4) == 0) {
      statistics_descriptor& s = p.statistics.emplace();
      s.items.resize(1 + pick(3));
      for (auto& st : s.items) {
        st.name = pkgd();
        if (coin()) st.value = value();
      }
    }
  } while (!allow_empty && p.empty());
  return p;
}

media_descriptor message_generator::media() {
  media_descriptor m;
  do {
    if (coin()) {
      termination_state_descriptor& ts = m.termination_state.emplace();
      do {
        if (coin()) ts.service_states = static_cast<service_state>(pick(3));
        if (coin()) ts.event_buffer_control = static_cast<buffer_control>(pick(2));
        ts.properties = properties(true);
      } while (!ts.service_states && !ts.event_buffer_control && ts.properties.empty());
    }
    if (coin()) {
      m.single_stream = stream(false);
    } else if (coin()) {
      const unsigned n = 1 + pick(3);
      for (unsigned i = 0; i < n; ++i) m.streams.push_back({static_cast<std::uint16_t>(i + pick(2) * 10), stream(false)});
    }
  } while (!m.termination_state && !m.single_stream && m.streams.empty());
  return m;
}

signal_request message_generator::signal() {
  signal_request s;
  s.name = pkgd();
  if (pick(3) == 0) s.stream = static_cast<std::uint16_t>(pick(5));
  if (pick(3) == 0) s.type = static_cast<signal_type>(pick(3));
  if (pick(3) == 0) s.duration = static_cast<std::uint16_t>(pick(65536));
  if (pick(3) == 0)
    for (unsigned i = 0, n = 1 + pick(4); i < n; ++i) s.notify_completion.push_back(static_cast<notify_reason>(pick(4)));
  s.keep_active = pick(4) == 0;
  s.parameters = properties(false, 2);
  return s;
}

signals_descriptor message_generator::signals() {
  signals_descriptor d;
  for (unsigned i = 0, n = pick(4); i < n; ++i) {
    if (pick(4) == 0) {
      signal_list l;
      l.id = static_cast<std::uint16_t>(pick(100));
      for (unsigned j = 0, m = 1 + pick(3); j < m; ++j) l.signals.push_back(signal());
      d.items.emplace_back(std::move(l));
    } else {
      d.items.emplace_back(signal());
    }
  }
  return d;
}

events_descriptor message_generator::events(bool second_level) {
  events_descriptor d;
  d.id = request();
  for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) {
    requested_event e;
    e.name = pkgd();
    if (pick(4) == 0) e.stream = static_cast<std::uint16_t>(pick(5));
    e.keep_active = pick(4) == 0;
    if (pick(4) == 0) {
      event_digit_map& dm = e.digit_map.emplace();
      if (coin()) dm.name = name(6);
      else dm.value = digit_map();
    }
    if (pick(4) == 0) e.embedded_signals = signals();
    if (!second_level && pick(4) == 0) {
      events_descriptor inner = events(true);
      e.embedded = embedded_events{inner.id, std::move(inner.events)};
    }
    e.parameters = properties(false, 2);
    d.events.push_back(std::move(e));
  }
  return d;
}

event_spec message_generator::spec() {
  event_spec e;
  e.name = pkgd();
  if (pick(4) == 0) e.stream = static_cast<std::uint16_t>(pick(5));
  e.parameters = properties(false, 2);
  return e;
}

observed_events_descriptor message_generator::observed() {
  observed_events_descriptor d;
  d.id = request();
  for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) {
    observed_event e;
    if (coin()) e.timestamp = timestamp();
    e.event = spec();
    d.events.push_back(std::move(e));
  }
  return d;
}

service_change_descriptor message_generator::service_change(bool reply) {
  service_change_descriptor s;
  if (!reply) {
    s.method = static_cast<service_change_method>(pick(7));
    if (s.method == service_change_method::extension) s.method_extension = "X-" + std::string("meth");
    static const char* reasons[] = {"\"901 Cold Boot\"", "\"900 Service Restored\"", "905", "\"908 MG Impending Failure\""};
    s.reason = reasons[pick(4)];
    if (coin()) s.delay = pick(100000);
  }
  if (coin()) {
    service_change_address& a = s.address.emplace();
    if (coin()) a.port = static_cast<std::uint16_t>(1 + pick(65535));
    else a.mid = mid();
  }
  if (coin()) s.profile = "ResGW/" + std::to_string(1 + pick(9));
  if (coin()) s.version = 1 + pick(3);
  if (coin()) s.mgc_id = mid();
  if (coin()) s.timestamp = timestamp();
  if (!reply && pick(4) == 0) s.extensions.push_back({"X-" + std::string("abc"), parm()});
  if (reply && !s.address && !s.profile && !s.version && !s.mgc_id && !s.timestamp) s.version = 2;
  return s;
}

error_descriptor message_generator::error() {
  static const error_code codes[] = {error_code::syntax_error_in_command, error_code::unknown_termination_id,
                                     error_code::insufficient_resources, error_code::not_ready, error_code{999}};
  error_descriptor e;
  e.code = codes[pick(5)];
  if (coin()) e.text = std::string(description(e.code));
  return e;
}

context_properties message_generator::context_props(bool request) {
  context_properties p;
  if (pick(4) == 0) p.priority = static_cast<std::uint16_t>(pick(16));
  if (pick(4) == 0) p.emergency = coin();
  if (pick(4) == 0)
    for (unsigned i = 0, n = 1 + pick(2); i < n; ++i)
      p.topology.push_back({termination(false), termination(true), static_cast<topology_direction>(pick(3))});
  if (request && !wireshark_ && pick(6) == 0)
    for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) p.audit.push_back(static_cast<context_audit_item>(pick(3)));
  return p;
}

descriptor_set message_generator::request_descriptors(command_kind k) {
  descriptor_set d;
  const auto audit = [&] {
    audit_descriptor a;
    for (unsigned i = 0, n = pick(4); i < n; ++i) a.items.push_back(static_cast<audit_item>(pick(10)));
    return a;
  };
  switch (k) {
    case command_kind::add:
    case command_kind::modify:
    case command_kind::move:
      if (coin()) d.media = media();
      if (pick(8) == 0) d.modem = modem_descriptor{{coin() ? "V34" : "SynchISDN"}, properties(true, 2)};
      if (pick(8) == 0) d.mux = mux_descriptor{coin() ? "H223" : "X-mx", {termination(false), termination(false)}};
      if (coin()) d.events = coin() || wireshark_ ? events(false) : events_descriptor{};
      if (coin()) d.signals = signals();
      if (pick(4) == 0) {
        digit_map_descriptor& dm = d.digit_map.emplace();
        if (coin()) dm.name = name(6);
        if (!dm.name || coin()) dm.value = digit_map();
      }
      if (!wireshark_ && pick(6) == 0) {
        event_buffer_descriptor& eb = d.event_buffer.emplace();
        for (unsigned i = 0, n = pick(3); i < n; ++i) eb.events.push_back(spec());
      }
      if (pick(6) == 0) d.audit = audit();
      break;
    case command_kind::subtract:
      if (coin()) d.audit = audit();
      break;
    case command_kind::audit_value:
    case command_kind::audit_capabilities:
      d.audit = audit();
      break;
    case command_kind::notify:
      d.observed_events = observed();
      if (pick(4) == 0) d.error = error();
      break;
    case command_kind::service_change:
      d.service_change = service_change(false);
      break;
  }
  return d;
}

descriptor_set message_generator::reply_descriptors(command_kind k) {
  descriptor_set d;
  if (k == command_kind::notify) {
    if (coin()) d.error = error();
    return d;
  }
  if (k == command_kind::service_change) {
    if (coin()) d.service_change = service_change(true);
    else if (coin()) d.error = error();
    return d;
  }
  if (coin()) d.media = media();
  if (pick(4) == 0) d.events = events(false);
  if (pick(4) == 0) d.signals = signals();
  if (pick(4) == 0) d.observed_events = observed();
  if (pick(4) == 0) {
    statistics_descriptor& s = d.statistics.emplace();
    for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) s.items.push_back({pkgd(), coin() ? std::optional(value()) : std::nullopt});
  }
  if (pick(4) == 0) {
    packages_descriptor& p = d.packages.emplace();
    for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) p.items.push_back({name(4), static_cast<std::uint16_t>(1 + pick(3))});
  }
  if (!wireshark_ && pick(4) == 0)
    for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) d.audited.push_back(static_cast<audit_item>(pick(10)));
  if (pick(8) == 0) d.error = error();
  return d;
}

transaction_request message_generator::request_transaction() {
  transaction_request t;
  t.id = id();
  for (unsigned i = 0, n = 1 + pick(2); i < n; ++i) {
    action_request a;
    a.context = context(true);
    a.properties = context_props(true);
    for (unsigned j = 0, m = 1 + pick(3); j < m; ++j) {
      command_request c;
      c.kind = static_cast<command_kind>(pick(8));
      c.optional = pick(4) == 0;
      c.wildcard_reply = pick(4) == 0;
      c.termination = termination(true);
      c.descriptors = request_descriptors(c.kind);
      a.commands.push_back(std::move(c));
    }
    t.actions.push_back(std::move(a));
  }
  return t;
}

transaction_reply message_generator::reply_transaction() {
  transaction_reply t;
  t.id = id();
  t.immediate_ack_required = pick(4) == 0;
  if (pick(6) == 0) {
    if (wireshark_) t.immediate_ack_required = false;
    t.error = error();
    return t;
  }
  for (unsigned i = 0, n = 1 + pick(2); i < n; ++i) {
    action_reply a;
    a.context = context(false);
    a.properties = context_props(false);
    for (unsigned j = 0, m = 1 + pick(3); j < m; ++j) {
      command_reply c;
      c.kind = static_cast<command_kind>(pick(8));
      if ((c.kind == command_kind::audit_value || c.kind == command_kind::audit_capabilities) && !wireshark_ &&
          pick(6) == 0) {
        c.context_audit = true;
        if (coin()) c.descriptors.error = error();
        else c.context_terminations = {termination(false), termination(false)};
      } else {
        c.termination = termination(false);
        c.descriptors = reply_descriptors(c.kind);
      }
      a.commands.push_back(std::move(c));
    }
    if (pick(6) == 0) a.error = error();
    t.actions.push_back(std::move(a));
  }
  return t;
}

message message_generator::next() {
  message m;
  m.version = 1 + pick(3);
  m.sender = mid();
  if (pick(20) == 0) {
    m.error = error();
    return m;
  }
  for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) {
    switch (pick(6)) {
      case 0:
      case 1: m.transactions.emplace_back(request_transaction()); break;
      case 2:
      case 3: m.transactions.emplace_back(reply_transaction()); break;
      case 4: m.transactions.emplace_back(transaction_pending{id()}); break;
      default: {
        transaction_response_ack k;
        for (unsigned j = 0, r = 1 + pick(3); j < r; ++j) {
          const std::uint32_t first = 1 + pick(1'000'000);
          k.ranges.push_back({transaction_id{first}, transaction_id{first + (coin() ? 0 : pick(100))}});
        }
        m.transactions.emplace_back(std::move(k));
      }
    }
  }
  return m;
}

}  // namespace tandem::h248::test
