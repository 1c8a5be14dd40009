/// Descriptor productions of Annex B: Media (TerminationState, Stream, LocalControl, Local,
/// Remote, Statistics), Modem, Mux, DigitMap, Packages, Audit, ServiceChange, Error, Topology.
/// Events, Signals, EventBuffer and ObservedEvents are in parser_events.cpp.
#include "proto/h248/detail/parser_impl.hpp"
#include "proto/h248/sdp_text.hpp"

namespace tandem::h248::detail {

#define TRY TANDEM_H248_TRY

// ---- Media ----------------------------------------------------------------------------------

bool parser_impl::media(media_descriptor& out) {
  TRY(expect('{', "'{' expected after Media"));
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("descriptor expected in Media");
    if (!n.tok) return fail(error_code::unknown_descriptor, "unknown descriptor in Media", n.at);
    switch (*n.tok) {
      case token::termination_state:
        if (out.termination_state) return fail(error_code::descriptor_twice, "TerminationState twice", n.at);
        TRY(termination_state(out.termination_state.emplace()));
        break;
      case token::stream: {
        if (out.single_stream) return fail(level_code_, "Stream mixed with stream parameters", n.at);
        stream_descriptor s;
        TRY(expect('=', "'=' expected after Stream"));
        TRY(uint16_value(s.id, "stream id expected"));
        for (const auto& other : out.streams)
          if (other.id == s.id) return fail(error_code::descriptor_twice, "Stream id given twice", n.at);
        TRY(expect('{', "'{' expected after stream id"));
        do {
          const item_name p = read_item(*this);
          if (p.word.empty()) return syntax("stream parameter expected");
          if (!p.tok) return fail(error_code::unknown_descriptor, "unknown descriptor in Stream", p.at);
          TRY(stream_parm(*p.tok, p.at, s.parms));
        } while (accept(','));
        TRY(expect('}', "'}' expected after Stream"));
        out.streams.push_back(std::move(s));
        break;
      }
      case token::local_control:
      case token::local:
      case token::remote:
      case token::statistics:
        if (!out.streams.empty()) return fail(level_code_, "stream parameters mixed with Stream", n.at);
        if (!out.single_stream) out.single_stream.emplace();
        TRY(stream_parm(*n.tok, n.at, *out.single_stream));
        break;
      default:
        return fail(error_code::unknown_descriptor, "descriptor not allowed in Media", n.at);
    }
  } while (accept(','));
  return expect('}', "'}' expected after Media");
}

bool parser_impl::stream_parm(token t, std::size_t at, stream_parms& out) {
  switch (t) {
    case token::local_control:
      if (out.local_control) return fail(error_code::descriptor_twice, "LocalControl twice", at);
      return local_control(out.local_control.emplace());
    case token::statistics:
      if (out.statistics) return fail(error_code::descriptor_twice, "Statistics twice", at);
      return statistics(out.statistics.emplace());
    case token::local:
    case token::remote: {
      std::optional<std::string>& slot = t == token::local ? out.local : out.remote;
      if (slot) return fail(error_code::descriptor_twice, t == token::local ? "Local twice" : "Remote twice", at);
      TRY(expect('{', "'{' expected after Local/Remote"));
      const std::size_t start = pos_;
      TRY(octet_string(slot.emplace()));
      if (options_.validate_sdp) {
        auto ok = check_sdp(*slot);
        if (!ok) {
          // The stored text is trimmed: find where it starts in the input.
          const std::size_t offset = text_.substr(start).find_first_not_of(" \t\r\n");
          return fail(level_code_, "bad SDP in Local/Remote", start + offset + ok.error());
        }
      }
      return true;
    }
    default:
      return fail(error_code::unknown_descriptor, "descriptor not allowed in a stream", at);
  }
}

bool parser_impl::local_control(local_control_descriptor& out) {
  TRY(expect('{', "'{' expected after LocalControl"));
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("parameter expected in LocalControl");
    if (n.pkgd) {
      property p;
      TRY(pkgd_name_rest(n.word, n.at, p.name));
      TRY(parm_value(p.value));
      out.properties.push_back(std::move(p));
      continue;
    }
    if (n.tok == token::mode) {
      if (out.mode) return fail(error_code::property_twice, "Mode twice", n.at);
      TRY(expect('=', "'=' expected after Mode"));
      std::string_view w;
      const std::size_t vat = pos_;
      const auto m = word_token(w);
      if (m == token::send_only) out.mode = stream_mode::send_only;
      else if (m == token::recv_only) out.mode = stream_mode::receive_only;
      else if (m == token::send_recv) out.mode = stream_mode::send_receive;
      else if (m == token::inactive) out.mode = stream_mode::inactive;
      else if (m == token::loopback) out.mode = stream_mode::loopback;
      else return fail(error_code::unknown_value, "unknown stream mode", vat);
    } else if (n.tok == token::reserved_value || n.tok == token::reserved_group) {
      std::optional<bool>& slot = n.tok == token::reserved_value ? out.reserve_value : out.reserve_group;
      if (slot) return fail(error_code::property_twice, "ReservedValue/ReservedGroup twice", n.at);
      TRY(expect('=', "'=' expected after ReservedValue/ReservedGroup"));
      TRY(on_off(slot.emplace()));
    } else {
      return fail(error_code::unknown_parameter, "unknown parameter in LocalControl", n.at);
    }
  } while (accept(','));
  return expect('}', "'}' expected after LocalControl");
}

bool parser_impl::termination_state(termination_state_descriptor& out) {
  TRY(expect('{', "'{' expected after TerminationState"));
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("parameter expected in TerminationState");
    if (n.pkgd) {
      property p;
      TRY(pkgd_name_rest(n.word, n.at, p.name));
      TRY(parm_value(p.value));
      out.properties.push_back(std::move(p));
      continue;
    }
    if (n.tok == token::service_states) {
      if (out.service_states) return fail(error_code::property_twice, "ServiceStates twice", n.at);
      TRY(expect('=', "'=' expected after ServiceStates"));
      std::string_view w;
      const std::size_t vat = pos_;
      const auto s = word_token(w);
      if (s == token::test) out.service_states = service_state::test;
      else if (s == token::out_of_svc) out.service_states = service_state::out_of_service;
      else if (s == token::in_svc) out.service_states = service_state::in_service;
      else return fail(error_code::unknown_value, "unknown service state", vat);
    } else if (n.tok == token::buffer) {
      if (out.event_buffer_control) return fail(error_code::property_twice, "Buffer twice", n.at);
      TRY(expect('=', "'=' expected after Buffer"));
      std::string_view w;
      const std::size_t vat = pos_;
      const auto b = word_token(w);
      if (iequals(w, "OFF")) out.event_buffer_control = buffer_control::off;
      else if (b == token::lock_step) out.event_buffer_control = buffer_control::lock_step;
      else return fail(error_code::unknown_value, "Buffer must be OFF or LockStep", vat);
    } else {
      return fail(error_code::unknown_parameter, "unknown parameter in TerminationState", n.at);
    }
  } while (accept(','));
  return expect('}', "'}' expected after TerminationState");
}

bool parser_impl::statistics(statistics_descriptor& out) {
  TRY(expect('{', "'{' expected after Statistics"));
  do {
    statistic s;
    TRY(pkgd_name(s.name));
    if (accept('=')) TRY(value(s.value.emplace()));
    out.items.push_back(std::move(s));
  } while (accept(','));
  return expect('}', "'}' expected after Statistics");
}

// ---- Modem, Mux -----------------------------------------------------------------------------

bool parser_impl::modem(modem_descriptor& out) {
  const auto modem_type = [&](std::string& t) {
    const item_name n = read_item(*this);
    if (extension_name(*this, n, t)) return true;
    switch (n.tok.value_or(token::add)) {
      case token::v18: case token::v22: case token::v22b: case token::v32: case token::v32b:
      case token::v34: case token::v90: case token::v91: case token::synch_isdn:
        t = std::string(long_name(*n.tok));
        return true;
      default:
        return fail(error_code::unknown_value, "unknown modem type", n.at);
    }
  };
  if (accept('=')) {
    TRY(modem_type(out.types.emplace_back()));
  } else {
    TRY(expect('[', "'=' or '[' expected after Modem"));
    do TRY(modem_type(out.types.emplace_back()));
    while (accept(','));
    TRY(expect(']', "']' expected after modem types"));
  }
  if (!accept('{')) return true;
  do {
    property p;
    TRY(pkgd_name(p.name));
    TRY(parm_value(p.value));
    out.properties.push_back(std::move(p));
  } while (accept(','));
  return expect('}', "'}' expected after Modem properties");
}

bool parser_impl::mux(mux_descriptor& out) {
  TRY(expect('=', "'=' expected after Mux"));
  const item_name n = read_item(*this);
  if (!extension_name(*this, n, out.type)) {
    switch (n.tok.value_or(token::add)) {
      case token::h221: case token::h223: case token::h226: case token::v76:
        out.type = std::string(long_name(*n.tok));
        break;
      default:
        return fail(error_code::unknown_value, "unknown mux type", n.at);
    }
  }
  TRY(expect('{', "'{' expected after mux type"));
  do TRY(termination(out.terminations.emplace_back()));
  while (accept(','));
  return expect('}', "'}' expected after Mux");
}

// ---- DigitMap ----------------------------------------------------------------------------------

bool parser_impl::digit_map(digit_map_descriptor& out) {
  TRY(expect('=', "'=' expected after DigitMap"));
  if (!next_is('{')) {
    lwsp();
    const std::size_t at = pos_;
    const std::string_view name = word();
    if (name.empty() || name.size() > max_name_length || !std::isalpha(static_cast<unsigned char>(name.front())))
      return fail(error_code::incorrect_identifier, "digit map name expected", at);
    out.name = std::string(name);
  }
  if (!accept('{')) return true;
  TRY(digit_map_value(out.value.emplace()));
  return expect('}', "'}' expected after digit map");
}

// ---- Packages, Audit ------------------------------------------------------------------------

bool parser_impl::packages(packages_descriptor& out) {
  TRY(expect('{', "'{' expected after Packages"));
  do {
    lwsp();
    const std::size_t at = pos_;
    const std::string_view name = word();
    if (name.empty() || name.size() > max_name_length || !std::isalpha(static_cast<unsigned char>(name.front())))
      return fail(error_code::incorrect_identifier, "package name expected", at);
    if (peek() != '-') return syntax("'-' expected between package name and version");
    ++pos_;
    package_item& p = out.items.emplace_back();
    p.name = std::string(name);
    TRY(uint16_value(p.version, "package version expected"));
  } while (accept(','));
  return expect('}', "'}' expected after Packages");
}

std::optional<audit_item> audit_item_of(token t) {
  switch (t) {
    case token::mux: return audit_item::mux;
    case token::modem: return audit_item::modem;
    case token::media: return audit_item::media;
    case token::signals: return audit_item::signals;
    case token::event_buffer: return audit_item::event_buffer;
    case token::digit_map: return audit_item::digit_map;
    case token::statistics: return audit_item::statistics;
    case token::events: return audit_item::events;
    case token::observed_events: return audit_item::observed_events;
    case token::packages: return audit_item::packages;
    default: return std::nullopt;
  }
}

bool parser_impl::audit(audit_descriptor& out) {
  TRY(expect('{', "'{' expected after Audit"));
  if (accept('}')) return true;
  do {
    const item_name n = read_item(*this);
    const auto item = n.tok ? audit_item_of(*n.tok) : std::nullopt;
    if (!item) return fail(error_code::unknown_descriptor, "unknown audit item", n.at);
    if (next_is('{') || next_is('='))
      return fail(error_code::not_implemented, "individual audit (version 2) is not supported", n.at);
    out.items.push_back(*item);
  } while (accept(','));
  return expect('}', "'}' expected after Audit");
}

// ---- ServiceChange, Error, Topology ---------------------------------------------------------

bool parser_impl::service_change(service_change_descriptor& out, bool reply) {
  TRY(expect('{', "'{' expected after Services"));
  do {
    const item_name n = read_item(*this);
    if (n.word.empty()) return syntax("ServiceChange parameter expected");
    std::string ext;
    if (extension_name(*this, n, ext)) {
      property& p = out.extensions.emplace_back();
      p.name = ext;
      TRY(parm_value(p.value));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(n.word.front()))) {
      if (out.timestamp) return fail(error_code::property_twice, "TimeStamp twice", n.at);
      TRY(timestamp(n.word, n.at, out.timestamp.emplace()));
      continue;
    }
    const token t = n.tok.value_or(token::add);
    const bool request_only = t == token::method || t == token::reason || t == token::delay;
    if (!n.tok || n.pkgd || (reply && request_only))
      return fail(error_code::unknown_parameter, "unknown ServiceChange parameter", n.at);
    switch (t) {
      case token::method: {
        if (out.method) return fail(error_code::property_twice, "Method twice", n.at);
        TRY(expect('=', "'=' expected after Method"));
        const item_name m = read_item(*this);
        if (extension_name(*this, m, out.method_extension)) {
          out.method = service_change_method::extension;
          break;
        }
        switch (m.tok.value_or(token::add)) {
          case token::failover: out.method = service_change_method::failover; break;
          case token::forced: out.method = service_change_method::forced; break;
          case token::graceful: out.method = service_change_method::graceful; break;
          case token::restart: out.method = service_change_method::restart; break;
          case token::disconnected: out.method = service_change_method::disconnected; break;
          case token::handoff: out.method = service_change_method::handoff; break;
          default: return fail(error_code::unknown_value, "unknown ServiceChange method", m.at);
        }
        break;
      }
      case token::reason:
        if (out.reason) return fail(error_code::property_twice, "Reason twice", n.at);
        TRY(expect('=', "'=' expected after Reason"));
        TRY(value(out.reason.emplace()));
        break;
      case token::delay:
        if (out.delay) return fail(error_code::property_twice, "Delay twice", n.at);
        TRY(expect('=', "'=' expected after Delay"));
        TRY(uint32_value(out.delay.emplace(), "delay expected"));
        break;
      case token::service_change_address: {
        if (out.address) return fail(error_code::property_twice, "ServiceChangeAddress twice", n.at);
        TRY(expect('=', "'=' expected after ServiceChangeAddress"));
        service_change_address& a = out.address.emplace();
        if (std::isdigit(static_cast<unsigned char>(peek()))) {
          TRY(uint16_value(a.port.emplace(), "port expected"));
        } else {
          TRY(mid(a.mid.emplace()));
        }
        break;
      }
      case token::mgc_id:
        if (out.mgc_id) return fail(error_code::property_twice, "MgcIdToTry twice", n.at);
        TRY(expect('=', "'=' expected after MgcIdToTry"));
        TRY(mid(out.mgc_id.emplace()));
        break;
      case token::profile: {
        if (out.profile) return fail(error_code::property_twice, "Profile twice", n.at);
        TRY(expect('=', "'=' expected after Profile"));
        lwsp();
        const std::size_t at = pos_;
        const std::string_view name = word();
        if (name.empty() || name.size() > max_name_length || !std::isalpha(static_cast<unsigned char>(name.front())) ||
            peek() != '/')
          return fail(error_code::unknown_value, "profile name/version expected", at);
        ++pos_;
        const std::size_t vat = pos_;
        const std::string_view ver = word();
        if (ver.empty() || ver.size() > 2 || ver.find_first_not_of("0123456789") != std::string_view::npos)
          return fail(error_code::unknown_value, "profile version expected", vat);
        out.profile = std::string(name) + "/" + std::string(ver);
        break;
      }
      case token::version: {
        if (out.version) return fail(error_code::property_twice, "Version twice", n.at);
        TRY(expect('=', "'=' expected after Version"));
        std::uint64_t v = 0;
        TRY(uint_value(99, v, "version expected"));
        out.version = static_cast<unsigned>(v);
        break;
      }
      default:
        return fail(error_code::unknown_parameter, "unknown ServiceChange parameter", n.at);
    }
  } while (accept(','));
  return expect('}', "'}' expected after Services");
}

bool parser_impl::error(error_descriptor& out) {
  TRY(expect('=', "'=' expected after Error"));
  lwsp();
  const std::size_t at = pos_;
  const std::string_view digits = word();
  if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return fail(level_code_, "error code of 1 to 4 digits expected", at);
  out.code = static_cast<error_code>(std::stoi(std::string(digits)));
  TRY(expect('{', "'{' expected after error code"));
  lwsp();
  if (peek() == '"') {
    std::string quoted;
    TRY(quoted_string(quoted));
    out.text = quoted.substr(1, quoted.size() - 2);
  }
  return expect('}', "'}' expected after error text");
}

bool parser_impl::topology(std::vector<topology_triple>& out) {
  TRY(expect('{', "'{' expected after Topology"));
  do {
    topology_triple& t = out.emplace_back();
    TRY(termination(t.from));
    TRY(expect(',', "',' expected in topology triple"));
    TRY(termination(t.to));
    TRY(expect(',', "',' expected in topology triple"));
    std::string_view w;
    const std::size_t at = (lwsp(), pos_);
    const auto d = word_token(w);
    if (d == token::bothway) t.direction = topology_direction::bothway;
    else if (d == token::isolate) t.direction = topology_direction::isolate;
    else if (d == token::oneway) t.direction = topology_direction::oneway;
    else return fail(error_code::unknown_value, "topology direction expected", at);
  } while (accept(','));
  return expect('}', "'}' expected after Topology");
}

}  // namespace tandem::h248::detail
