#include "ops/trace/pcapng.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace tandem::ops::trace {
namespace {

void put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}

void put32(std::string& s, std::uint32_t v) {
  put16(s, static_cast<std::uint16_t>(v & 0xffff));
  put16(s, static_cast<std::uint16_t>(v >> 16));
}

void pad32(std::string& s) {
  while (s.size() % 4 != 0) s.push_back('\0');
}

/// One option (code, length, value padded to 32 bits).
void option(std::string& s, std::uint16_t code, std::string_view value) {
  put16(s, code);
  put16(s, static_cast<std::uint16_t>(value.size()));
  s.append(value);
  pad32(s);
}

std::uint32_t ipv4_of(std::string_view text) {
  in_addr a{};
  const std::string z(text);
  if (::inet_pton(AF_INET, z.c_str(), &a) != 1) return 0;
  return ntohl(a.s_addr);
}

/// RFC 1071 one's complement sum.
std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) acc += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 != 0) acc += static_cast<std::uint32_t>(p[n - 1] << 8);
  return acc;
}

std::uint16_t fold(std::uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}

}  // namespace

pcapng_writer::pcapng_writer(std::vector<link_type> interfaces, std::string_view application) {
  // Section Header Block: byte-order magic, version 1.0, section length unknown (-1).
  std::string shb;
  put32(shb, 0x1A2B3C4D);
  put16(shb, 1);
  put16(shb, 0);
  put32(shb, 0xffffffff);
  put32(shb, 0xffffffff);
  option(shb, 4, application);  // shb_userappl
  put32(shb, 0);                // opt_endofopt
  block(0x0A0D0D0A, shb);
  for (auto l : interfaces) {
    // Interface Description Block; if_tsresol defaults to 6 (microseconds).
    std::string idb;
    put16(idb, static_cast<std::uint16_t>(l));
    put16(idb, 0);
    put32(idb, 0);  // snaplen: no limit
    block(0x00000001, idb);
  }
  interfaces_ = interfaces.size();
}

bool pcapng_writer::packet(std::size_t interface, std::chrono::system_clock::time_point at,
                           std::span<const std::uint8_t> data) {
  if (interface >= interfaces_) return false;
  const auto us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count());
  std::string epb;
  put32(epb, static_cast<std::uint32_t>(interface));
  put32(epb, static_cast<std::uint32_t>(us >> 32));
  put32(epb, static_cast<std::uint32_t>(us & 0xffffffff));
  put32(epb, static_cast<std::uint32_t>(data.size()));
  put32(epb, static_cast<std::uint32_t>(data.size()));
  epb.append(reinterpret_cast<const char*>(data.data()), data.size());
  pad32(epb);
  block(0x00000006, epb);
  return true;
}

std::string pcapng_writer::take() {
  std::string out;
  out.swap(out_);
  return out;
}

void pcapng_writer::block(std::uint32_t type, const std::string& body) {
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  put32(out_, type);
  put32(out_, total);
  out_.append(body);
  put32(out_, total);
}

std::vector<std::uint8_t> udp_ipv4(std::string_view source, std::uint16_t source_port, std::string_view destination,
                                   std::uint16_t destination_port, std::span<const std::uint8_t> payload) {
  const std::uint32_t src = ipv4_of(source), dst = ipv4_of(destination);
  const std::size_t udp_len = 8 + payload.size();
  const std::size_t total = 20 + udp_len;
  std::vector<std::uint8_t> p(total, 0);
  auto be16 = [&p](std::size_t at, std::uint32_t v) {
    p[at] = static_cast<std::uint8_t>(v >> 8);
    p[at + 1] = static_cast<std::uint8_t>(v & 0xff);
  };
  auto be32 = [&be16](std::size_t at, std::uint32_t v) {
    be16(at, v >> 16);
    be16(at + 2, v & 0xffff);
  };
  p[0] = 0x45;  // version 4, header 5 words
  be16(2, static_cast<std::uint32_t>(total));
  p[6] = 0x40;  // don't fragment
  p[8] = 64;    // TTL
  p[9] = 17;    // UDP
  be32(12, src);
  be32(16, dst);
  be16(10, fold(sum16(p.data(), 20)));
  be16(20, source_port);
  be16(22, destination_port);
  be16(24, static_cast<std::uint32_t>(udp_len));
  if (!payload.empty()) std::memcpy(p.data() + 28, payload.data(), payload.size());
  // UDP checksum over the pseudo-header (RFC 768), the header and the data.
  std::uint32_t acc = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17 + static_cast<std::uint32_t>(udp_len);
  std::uint16_t c = fold(sum16(p.data() + 20, udp_len, acc));
  be16(26, c == 0 ? 0xffff : c);
  return p;
}

}  // namespace tandem::ops::trace
