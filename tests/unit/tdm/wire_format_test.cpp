#include <gtest/gtest.h>

#include "tdm/sim/wire_format.hpp"

namespace tandem::tdm::wire {
namespace {

TEST(sim_wire, when_hello_is_encoded_then_bytes_match_the_documented_layout) {
  hello h{span_type::t1, companding_law::ulaw, true, 3, 10};
  std::uint8_t buf[64];
  ASSERT_EQ(encode_hello(buf, h), 20u);
  const std::uint8_t expected[] = {'T', 'D', 'M', 'S', 1, 1, 0, 8, 0, 0, 0, 0,
                                   2,   2,   1,   0,   0, 3, 0, 10};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), buf));
  const auto m = decode(std::span(buf, 20));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, message_type::hello);
  const auto back = decode_hello(m->payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->type, span_type::t1);
  EXPECT_EQ(back->law, companding_law::ulaw);
  EXPECT_TRUE(back->sender_is_master);
  EXPECT_EQ(back->span, 3);
  EXPECT_EQ(back->tick_ms, 10);
}

TEST(sim_wire, when_block_round_trips_then_sequence_shape_and_samples_survive) {
  block b(24, 8);
  for (unsigned p = 0; p < 24; ++p)
    for (unsigned i = 0; i < 8; ++i) b.slot(p)[i] = static_cast<std::uint8_t>(p * 8 + i);
  std::vector<std::uint8_t> buf(max_message);
  const auto n = encode_block(buf, 0x01020304, b);
  ASSERT_EQ(n, header_size + 4 + 24 * 8);
  EXPECT_EQ(buf[8], 1);
  EXPECT_EQ(buf[11], 4);
  const auto m = decode(std::span(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->sequence, 0x01020304u);
  const auto v = decode_block(m->payload);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->slot_count, 24u);
  EXPECT_EQ(v->samples_per_slot, 8u);
  EXPECT_TRUE(std::equal(v->data.begin(), v->data.end(), b.bytes().begin()));
}

TEST(sim_wire, when_header_is_damaged_then_each_damage_has_its_error) {
  std::uint8_t buf[64];
  const auto n = encode_alarm(buf, {true});
  ASSERT_EQ(n, 16u);
  auto check = [&](std::size_t at, std::uint8_t value, decode_error e) {
    std::uint8_t copy[64];
    std::copy(buf, buf + n, copy);
    copy[at] = value;
    const auto r = decode(std::span(copy, n));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), e) << "byte " << at;
  };
  check(0, 'X', decode_error::bad_magic);
  check(4, 0, decode_error::bad_version);
  check(5, 0, decode_error::unknown_type);
  check(5, 5, decode_error::unknown_type);
  check(7, 5, decode_error::bad_length);
  EXPECT_EQ(decode(std::span(buf, 5)).error(), decode_error::bad_length);
  std::vector<std::uint8_t> big(max_message + 1);
  EXPECT_EQ(decode(big).error(), decode_error::oversized);
}

TEST(sim_wire, when_payloads_are_malformed_then_decoders_refuse_them) {
  const std::uint8_t bad_type[] = {3, 1, 1, 0, 0, 1, 0, 10};
  EXPECT_EQ(decode_hello(bad_type).error(), decode_error::bad_field);
  const std::uint8_t short_hello[] = {1, 1, 1};
  EXPECT_EQ(decode_hello(short_hello).error(), decode_error::bad_length);
  const std::uint8_t block_too_big[] = {200, 0, 0xFF, 0xFF};
  EXPECT_EQ(decode_block(block_too_big).error(), decode_error::oversized);
  const std::uint8_t block_short[] = {1, 0, 0, 8, 1, 2};
  EXPECT_EQ(decode_block(block_short).error(), decode_error::bad_length);
  const std::uint8_t empty_frame[] = {16, 0};
  EXPECT_EQ(decode_dchannel(empty_frame).error(), decode_error::bad_length);
  std::vector<std::uint8_t> long_frame(dchannel_payload_header + max_dchannel_frame + 1, 0);
  EXPECT_EQ(decode_dchannel(long_frame).error(), decode_error::oversized);
  std::uint8_t out[16];
  const std::uint8_t frame[] = {1, 2, 3};
  EXPECT_EQ(encode_dchannel(out, 0, 16, frame), 0u);  // buffer too small: refused, not clipped
}

}  // namespace
}  // namespace tandem::tdm::wire
