#include "proto/backhaul/codec.hpp"

#include <fmt/format.h>

namespace tandem::backhaul {

namespace {

constexpr std::uint8_t known_alarm_bits = 0x07;

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

bool printable(std::string_view s) {
  for (char c : s)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

decode_error fail(decode_errc c, std::size_t offset, std::string detail) {
  return decode_error{c, offset, std::move(detail)};
}

/// The span number a type requires: hello and keep-alive carry 0, the others 1..65535.
bool span_allowed(message_type t, std::uint16_t span) {
  const bool per_span = t == message_type::dchannel || t == message_type::span_status;
  return per_span ? span != 0 : span == 0;
}

expected<message, decode_error> decode_hello(std::span<const std::uint8_t> p) {
  constexpr std::size_t base = header_size;
  if (p.empty()) return make_unexpected(fail(decode_errc::bad_payload, base, "hello without a name length"));
  const std::size_t name_len = p[0];
  if (name_len == 0) return make_unexpected(fail(decode_errc::bad_payload, base, "hello with an empty name"));
  if (p.size() < 1 + name_len + 1)
    return make_unexpected(fail(decode_errc::bad_payload, base, "hello shorter than its name and span count"));
  hello h;
  h.name.assign(reinterpret_cast<const char*>(p.data() + 1), name_len);
  if (!printable(h.name))
    return make_unexpected(fail(decode_errc::bad_payload, base + 1, "hello name is not printable ASCII"));
  const std::size_t count = p[1 + name_len];
  const std::size_t spans_at = 2 + name_len;
  if (p.size() != spans_at + count * 3)
    return make_unexpected(fail(decode_errc::bad_payload, base + spans_at,
                                fmt::format("hello announces {} spans in {} octets", count, p.size() - spans_at)));
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = spans_at + i * 3;
    span_info s;
    s.number = get16(p, at);
    if (s.number == 0) return make_unexpected(fail(decode_errc::bad_payload, base + at, "hello lists span 0"));
    const auto kind = p[at + 2];
    if (kind != static_cast<std::uint8_t>(span_kind::e1) && kind != static_cast<std::uint8_t>(span_kind::t1))
      return make_unexpected(fail(decode_errc::bad_payload, base + at + 2, fmt::format("span kind {}", kind)));
    s.kind = static_cast<span_kind>(kind);
    h.spans.push_back(s);
  }
  return message{std::move(h)};
}

}  // namespace

std::string_view to_string(decode_errc c) {
  switch (c) {
    case decode_errc::truncated: return "truncated";
    case decode_errc::bad_length: return "bad_length";
    case decode_errc::bad_version: return "bad_version";
    case decode_errc::unknown_type: return "unknown_type";
    case decode_errc::bad_span: return "bad_span";
    case decode_errc::bad_payload: return "bad_payload";
  }
  return "unknown";
}

std::string to_string(const decode_error& e) {
  return fmt::format("{} at octet {}: {}", to_string(e.code), e.offset, e.detail);
}

std::string_view to_string(encode_errc c) {
  switch (c) {
    case encode_errc::bad_span: return "bad_span";
    case encode_errc::bad_name: return "bad_name";
    case encode_errc::too_many_spans: return "too_many_spans";
    case encode_errc::bad_payload: return "bad_payload";
  }
  return "unknown";
}

expected<void, encode_errc> encode(const message& m, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> body;  // version, type, span, payload
  auto header = [&body](message_type t, std::uint16_t span) {
    body.push_back(protocol_version);
    body.push_back(static_cast<std::uint8_t>(t));
    put16(body, span);
  };
  if (const auto* h = std::get_if<hello>(&m)) {
    if (h->name.empty() || h->name.size() > max_name || !printable(h->name)) return make_unexpected(encode_errc::bad_name);
    if (h->spans.size() > max_spans) return make_unexpected(encode_errc::too_many_spans);
    header(message_type::hello, 0);
    body.push_back(static_cast<std::uint8_t>(h->name.size()));
    body.insert(body.end(), h->name.begin(), h->name.end());
    body.push_back(static_cast<std::uint8_t>(h->spans.size()));
    for (const auto& s : h->spans) {
      if (s.number == 0) return make_unexpected(encode_errc::bad_span);
      put16(body, s.number);
      body.push_back(static_cast<std::uint8_t>(s.kind));
    }
  } else if (const auto* d = std::get_if<dchannel_frame>(&m)) {
    if (d->span == 0) return make_unexpected(encode_errc::bad_span);
    if (d->payload.empty() || d->payload.size() > max_dchannel_payload) return make_unexpected(encode_errc::bad_payload);
    header(message_type::dchannel, d->span);
    body.insert(body.end(), d->payload.begin(), d->payload.end());
  } else if (const auto* s = std::get_if<span_status>(&m)) {
    if (s->span == 0) return make_unexpected(encode_errc::bad_span);
    if ((s->alarms & ~known_alarm_bits) != 0) return make_unexpected(encode_errc::bad_payload);
    header(message_type::span_status, s->span);
    body.push_back(s->alarms);
  } else {
    header(message_type::keepalive, 0);
    body.push_back(std::get<keepalive>(m).reply ? 1 : 0);
  }
  put16(out, static_cast<std::uint16_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return {};
}

expected<message, decode_error> decode(std::span<const std::uint8_t> f) {
  if (f.size() < 2) return make_unexpected(fail(decode_errc::truncated, f.size(), "no length field"));
  const std::size_t length = get16(f, 0);
  if (length < header_size - 2 || length > max_length)
    return make_unexpected(fail(decode_errc::bad_length, 0, fmt::format("length {}", length)));
  if (f.size() < 2 + length)
    return make_unexpected(fail(decode_errc::truncated, f.size(), fmt::format("{} of {} octets", f.size(), 2 + length)));
  if (f.size() > 2 + length)
    return make_unexpected(fail(decode_errc::bad_length, 2 + length, "octets after the frame"));
  if (f[2] != protocol_version) return make_unexpected(fail(decode_errc::bad_version, 2, fmt::format("version {}", f[2])));
  const auto type = f[3];
  if (type < 1 || type > 4) return make_unexpected(fail(decode_errc::unknown_type, 3, fmt::format("type {}", type)));
  const auto t = static_cast<message_type>(type);
  const std::uint16_t span = get16(f, 4);
  if (!span_allowed(t, span)) return make_unexpected(fail(decode_errc::bad_span, 4, fmt::format("span {}", span)));
  const auto p = f.subspan(header_size);
  switch (t) {
    case message_type::hello: return decode_hello(p);
    case message_type::dchannel:
      if (p.empty() || p.size() > max_dchannel_payload)
        return make_unexpected(fail(decode_errc::bad_payload, header_size, fmt::format("D-channel frame of {} octets", p.size())));
      return message{dchannel_frame{span, {p.begin(), p.end()}}};
    case message_type::span_status:
      if (p.size() != 1 || (p[0] & ~known_alarm_bits) != 0)
        return make_unexpected(fail(decode_errc::bad_payload, header_size, "span status is one octet of alarm bits 0-2"));
      return message{span_status{span, p[0]}};
    case message_type::keepalive:
      if (p.size() != 1 || p[0] > 1)
        return make_unexpected(fail(decode_errc::bad_payload, header_size, "keep-alive is one octet, 0 or 1"));
      return message{keepalive{p[0] == 1}};
  }
  return make_unexpected(fail(decode_errc::unknown_type, 3, "unreachable"));
}

void frame_reader::feed(std::span<const std::uint8_t> bytes) {
  // Compact now and then so that the buffer does not grow with the stream.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

expected<std::optional<message>, decode_error> frame_reader::next() {
  if (failed_) return make_unexpected(*failed_);
  const std::span<const std::uint8_t> held(buffer_.data() + start_, buffer_.size() - start_);
  if (held.size() < 2) return std::optional<message>{};
  const std::size_t length = get16(held, 0);
  // Why check before waiting for the rest: a bad length would otherwise wait forever.
  if (length < header_size - 2 || length > max_length) {
    failed_ = fail(decode_errc::bad_length, 0, fmt::format("length {}", length));
    return make_unexpected(*failed_);
  }
  if (held.size() < 2 + length) return std::optional<message>{};
  auto m = decode(held.first(2 + length));
  if (!m) {
    failed_ = m.error();
    return make_unexpected(*failed_);
  }
  start_ += 2 + length;
  return std::optional<message>{std::move(*m)};
}

}  // namespace tandem::backhaul
