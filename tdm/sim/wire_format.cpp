#include "tdm/sim/wire_format.hpp"

#include <algorithm>
#include <cstring>

namespace tandem::tdm::wire {
namespace {

std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

/// Writes the header; returns false when `out` cannot hold header and payload.
bool put_header(std::span<std::uint8_t> out, message_type type, std::size_t payload,
                std::uint32_t sequence) {
  if (payload > 0xFFFF || out.size() < header_size + payload) return false;
  std::memcpy(out.data(), magic, sizeof magic);
  out[4] = version;
  out[5] = static_cast<std::uint8_t>(type);
  put16(out.data() + 6, static_cast<std::uint16_t>(payload));
  put32(out.data() + 8, sequence);
  return true;
}

}  // namespace

const char* to_string(decode_error e) {
  switch (e) {
    case decode_error::bad_magic: return "bad_magic";
    case decode_error::bad_version: return "bad_version";
    case decode_error::unknown_type: return "unknown_type";
    case decode_error::bad_length: return "bad_length";
    case decode_error::oversized: return "oversized";
    case decode_error::bad_field: return "bad_field";
  }
  return "unknown";
}

expected<message_view, decode_error> decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > max_message) return make_unexpected(decode_error::oversized);
  if (bytes.size() < header_size) return make_unexpected(decode_error::bad_length);
  if (!std::equal(std::begin(magic), std::end(magic), bytes.begin()))
    return make_unexpected(decode_error::bad_magic);
  if (bytes[4] != version) return make_unexpected(decode_error::bad_version);
  const auto type = bytes[5];
  if (type < 1 || type > 4) return make_unexpected(decode_error::unknown_type);
  const std::size_t length = get16(bytes.data() + 6);
  if (length != bytes.size() - header_size) return make_unexpected(decode_error::bad_length);
  return message_view{static_cast<message_type>(type), get32(bytes.data() + 8),
                      bytes.subspan(header_size)};
}

expected<hello, decode_error> decode_hello(std::span<const std::uint8_t> p) {
  if (p.size() != hello_payload_size) return make_unexpected(decode_error::bad_length);
  hello h;
  if (p[0] == 1) h.type = span_type::e1;
  else if (p[0] == 2) h.type = span_type::t1;
  else return make_unexpected(decode_error::bad_field);
  if (p[1] == 1) h.law = companding_law::alaw;
  else if (p[1] == 2) h.law = companding_law::ulaw;
  else return make_unexpected(decode_error::bad_field);
  if (p[2] != 1 && p[2] != 2) return make_unexpected(decode_error::bad_field);
  h.sender_is_master = p[2] == 1;
  h.span = get16(p.data() + 4);
  h.tick_ms = get16(p.data() + 6);
  return h;
}

expected<block_view, decode_error> decode_block(std::span<const std::uint8_t> p) {
  if (p.size() < block_payload_header) return make_unexpected(decode_error::bad_length);
  block_view b;
  b.slot_count = p[0];
  b.samples_per_slot = get16(p.data() + 2);
  const std::size_t data = std::size_t{b.slot_count} * b.samples_per_slot;
  if (data > max_block_data) return make_unexpected(decode_error::oversized);
  if (p.size() != block_payload_header + data) return make_unexpected(decode_error::bad_length);
  b.data = p.subspan(block_payload_header);
  return b;
}

expected<dchannel_view, decode_error> decode_dchannel(std::span<const std::uint8_t> p) {
  if (p.size() <= dchannel_payload_header) return make_unexpected(decode_error::bad_length);
  if (p.size() > dchannel_payload_header + max_dchannel_frame)
    return make_unexpected(decode_error::oversized);
  return dchannel_view{p[0], p.subspan(dchannel_payload_header)};
}

expected<alarm_indication, decode_error> decode_alarm(std::span<const std::uint8_t> p) {
  if (p.size() != alarm_payload_size) return make_unexpected(decode_error::bad_length);
  return alarm_indication{(p[0] & 0x01) != 0};
}

std::size_t encode_hello(std::span<std::uint8_t> out, const hello& h) {
  if (!put_header(out, message_type::hello, hello_payload_size, 0)) return 0;
  auto* p = out.data() + header_size;
  p[0] = h.type == span_type::e1 ? 1 : 2;
  p[1] = h.law == companding_law::alaw ? 1 : 2;
  p[2] = h.sender_is_master ? 1 : 2;
  p[3] = 0;
  put16(p + 4, h.span);
  put16(p + 6, h.tick_ms);
  return header_size + hello_payload_size;
}

std::size_t encode_block(std::span<std::uint8_t> out, std::uint32_t sequence, const block& b) {
  const auto data = b.bytes();
  if (data.size() > max_block_data || b.slot_count() > 0xFF) return 0;
  const std::size_t payload = block_payload_header + data.size();
  if (!put_header(out, message_type::block, payload, sequence)) return 0;
  auto* p = out.data() + header_size;
  p[0] = static_cast<std::uint8_t>(b.slot_count());
  p[1] = 0;
  put16(p + 2, static_cast<std::uint16_t>(b.samples_per_slot()));
  if (!data.empty()) std::memcpy(p + block_payload_header, data.data(), data.size());
  return header_size + payload;
}

std::size_t encode_dchannel(std::span<std::uint8_t> out, std::uint32_t sequence, unsigned channel,
                            std::span<const std::uint8_t> frame) {
  if (frame.empty() || frame.size() > max_dchannel_frame || channel > 0xFF) return 0;
  const std::size_t payload = dchannel_payload_header + frame.size();
  if (!put_header(out, message_type::dchannel, payload, sequence)) return 0;
  auto* p = out.data() + header_size;
  p[0] = static_cast<std::uint8_t>(channel);
  p[1] = 0;
  std::memcpy(p + dchannel_payload_header, frame.data(), frame.size());
  return header_size + payload;
}

std::size_t encode_alarm(std::span<std::uint8_t> out, alarm_indication a) {
  if (!put_header(out, message_type::alarm, alarm_payload_size, 0)) return 0;
  auto* p = out.data() + header_size;
  p[0] = a.rai ? 1 : 0;
  p[1] = p[2] = p[3] = 0;
  return header_size + alarm_payload_size;
}

}  // namespace tandem::tdm::wire
