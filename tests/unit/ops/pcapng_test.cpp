#include <gtest/gtest.h>

#include <cstring>

#include "ops/trace/pcapng.hpp"

namespace t = tandem::ops::trace;

namespace {

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

std::uint32_t be16(const std::vector<std::uint8_t>& p, std::size_t at) { return p[at] << 8 | p[at + 1]; }

/// RFC 1071: the one's complement sum over data including its checksum field is 0xffff.
std::uint32_t ones_sum(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) acc += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) acc += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return acc;
}

}  // namespace

TEST(pcapng, when_written_then_blocks_follow_the_format_with_lengths_repeated_and_padding) {
  t::pcapng_writer w({t::link_type::ipv4, t::link_type::lapd}, "test");
  const std::uint8_t frame[] = {0x02, 0x01, 0x00, 0x00, 0x08};  // 5 octets: padded to 8
  const auto at = std::chrono::system_clock::time_point(std::chrono::microseconds(0x1'0000'0002LL));
  EXPECT_TRUE(w.packet(1, at, frame));
  EXPECT_FALSE(w.packet(2, at, frame));  // no such interface
  const std::string s = w.take();
  EXPECT_TRUE(w.take().empty());
  std::size_t pos = 0;
  std::vector<std::uint32_t> types;
  while (pos < s.size()) {
    ASSERT_LE(pos + 12, s.size());
    const auto type = le32(s, pos), len = le32(s, pos + 4);
    ASSERT_EQ(len % 4, 0u);
    ASSERT_LE(pos + len, s.size());
    EXPECT_EQ(le32(s, pos + len - 4), len) << "trailing length of block " << types.size();
    types.push_back(type);
    if (type == 0x0A0D0D0A) {
      EXPECT_EQ(le32(s, pos + 8), 0x1A2B3C4Du);
    }
    if (type == 1) {
      EXPECT_TRUE(le32(s, pos + 8) == 228u || le32(s, pos + 8) == 203u);
    }
    if (type == 6) {
      EXPECT_EQ(le32(s, pos + 8), 1u);            // interface
      EXPECT_EQ(le32(s, pos + 12), 1u);           // timestamp high
      EXPECT_EQ(le32(s, pos + 16), 2u);           // timestamp low
      EXPECT_EQ(le32(s, pos + 20), 5u);           // captured length
      EXPECT_EQ(len, 28u + 8u + 4u);              // header, data padded, trailing length
      EXPECT_EQ(std::memcmp(s.data() + pos + 28, frame, 5), 0);
    }
    pos += len;
  }
  EXPECT_EQ(types, (std::vector<std::uint32_t>{0x0A0D0D0A, 1, 1, 6}));
}

TEST(pcapng, when_a_datagram_is_framed_then_ip_and_udp_checksums_verify) {
  const std::string payload = "200 1001 OK\r\n";  // odd length
  const auto p = t::udp_ipv4("192.0.2.1", 2727, "198.51.100.7", 2427,
                             std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
  ASSERT_EQ(p.size(), 20 + 8 + payload.size());
  EXPECT_EQ(p[0], 0x45);
  EXPECT_EQ(p[9], 17);
  EXPECT_EQ(be16(p, 2), p.size());
  EXPECT_EQ(ones_sum(p.data(), 20), 0xffffu);
  EXPECT_EQ(be16(p, 20), 2727u);
  EXPECT_EQ(be16(p, 22), 2427u);
  EXPECT_EQ(be16(p, 24), 8 + payload.size());
  // UDP: pseudo-header + header + data sums to 0xffff.
  std::uint32_t acc = 0;
  for (std::size_t i = 12; i < 20; i += 2) acc += be16(p, i);
  acc += 17 + static_cast<std::uint32_t>(8 + payload.size());
  EXPECT_EQ(ones_sum(p.data() + 20, p.size() - 20, acc), 0xffffu);
  EXPECT_EQ(std::string(p.begin() + 28, p.end()), payload);
}

TEST(pcapng, when_an_address_is_not_ipv4_then_it_is_zero_rather_than_garbage) {
  const auto p = t::udp_ipv4("mgw1.example.net", 1, "::1", 2, {});
  for (std::size_t i = 12; i < 20; ++i) EXPECT_EQ(p[i], 0) << i;
}
