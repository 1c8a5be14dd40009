#include "proto/backhaul/codec.hpp"

#include <gtest/gtest.h>

#include <random>

namespace tandem::backhaul {
namespace {

std::vector<std::uint8_t> encoded(const message& m) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(encode(m, out).has_value());
  return out;
}

TEST(backhaul_codec, when_a_dchannel_frame_is_encoded_then_the_octets_match_the_documented_layout) {
  // docs/backhaul.md example: span 1, a Q.921 SABME (02 01 7F).
  const auto bytes = encoded(dchannel_frame{1, {0x02, 0x01, 0x7F}});
  const std::vector<std::uint8_t> want{0x00, 0x07, 0x01, 0x02, 0x00, 0x01, 0x02, 0x01, 0x7F};
  EXPECT_EQ(bytes, want);
}

TEST(backhaul_codec, when_a_hello_is_encoded_then_the_octets_match_the_documented_layout) {
  const auto bytes = encoded(hello{"mgw1", {{1, span_kind::e1}, {2, span_kind::t1}}});
  const std::vector<std::uint8_t> want{0x00, 0x10, 0x01, 0x01, 0x00, 0x00, 0x04, 'm', 'g', 'w', '1',
                                       0x02, 0x00, 0x01, 0x01, 0x00, 0x02, 0x02};
  EXPECT_EQ(bytes, want);
}

TEST(backhaul_codec, when_every_message_kind_round_trips_then_it_decodes_to_the_same_value) {
  const std::vector<message> all{hello{"mgw1.tandem.test", {{1, span_kind::e1}}}, hello{"ca", {}},
                                 dchannel_frame{7, std::vector<std::uint8_t>(264, 0xAB)},
                                 span_status{3, static_cast<std::uint8_t>(span_alarm::loss_of_signal)},
                                 span_status{3, 0}, keepalive{false}, keepalive{true}};
  for (const auto& m : all) {
    auto d = decode(encoded(m));
    ASSERT_TRUE(d.has_value()) << to_string(d.error());
    EXPECT_EQ(*d, m);
  }
}

TEST(backhaul_codec, when_a_message_cannot_be_represented_then_encode_refuses_and_appends_nothing) {
  std::vector<std::uint8_t> out;
  EXPECT_EQ(encode(dchannel_frame{0, {1}}, out).error(), encode_errc::bad_span);
  EXPECT_EQ(encode(dchannel_frame{1, {}}, out).error(), encode_errc::bad_payload);
  EXPECT_EQ(encode(dchannel_frame{1, std::vector<std::uint8_t>(265, 0)}, out).error(), encode_errc::bad_payload);
  EXPECT_EQ(encode(hello{"", {}}, out).error(), encode_errc::bad_name);
  EXPECT_EQ(encode(hello{"has space", {}}, out).error(), encode_errc::bad_name);
  EXPECT_EQ(encode(hello{"a", {{0, span_kind::e1}}}, out).error(), encode_errc::bad_span);
  EXPECT_EQ(encode(span_status{1, 0x80}, out).error(), encode_errc::bad_payload);
  EXPECT_TRUE(out.empty());
}

struct bad_case {
  std::vector<std::uint8_t> bytes;
  decode_errc code;
  std::size_t offset;
};

TEST(backhaul_codec, when_a_frame_is_malformed_then_decode_names_the_error_and_its_octet) {
  const std::vector<bad_case> cases{
      {{0x00}, decode_errc::truncated, 1},
      {{0x00, 0x03, 0x01, 0x04, 0x00}, decode_errc::bad_length, 0},
      {{0x00, 0x05, 0x01, 0x04, 0x00, 0x00}, decode_errc::truncated, 6},
      {{0x00, 0x05, 0x02, 0x04, 0x00, 0x00, 0x00}, decode_errc::bad_version, 2},
      {{0x00, 0x05, 0x01, 0x09, 0x00, 0x00, 0x00}, decode_errc::unknown_type, 3},
      {{0x00, 0x05, 0x01, 0x02, 0x00, 0x00, 0x00}, decode_errc::bad_span, 4},     // D-channel on span 0
      {{0x00, 0x05, 0x01, 0x04, 0x00, 0x01, 0x00}, decode_errc::bad_span, 4},     // keep-alive on a span
      {{0x00, 0x05, 0x01, 0x04, 0x00, 0x00, 0x02}, decode_errc::bad_payload, 6},  // keep-alive value 2
      {{0x00, 0x05, 0x01, 0x03, 0x00, 0x01, 0x40}, decode_errc::bad_payload, 6},  // unknown alarm bit
      {{0x00, 0x04, 0x01, 0x02, 0x00, 0x01}, decode_errc::bad_payload, 6},        // empty D-channel frame
      {{0x00, 0x07, 0x01, 0x01, 0x00, 0x00, 0x01, 'a', 0x01}, decode_errc::bad_payload, 9},  // span list cut
      {{0x00, 0x07, 0x01, 0x01, 0x00, 0x00, 0x01, 0x07, 0x00}, decode_errc::bad_payload, 7},  // name not ASCII
      {{0x00, 0x05, 0x01, 0x04, 0x00, 0x00, 0x00, 0xFF}, decode_errc::bad_length, 7},        // trailing octet
  };
  for (const auto& c : cases) {
    auto d = decode(c.bytes);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, c.code) << to_string(d.error());
    EXPECT_EQ(d.error().offset, c.offset) << to_string(d.error());
  }
}

TEST(backhaul_codec, when_a_stream_arrives_one_octet_at_a_time_then_the_reader_yields_each_frame_once) {
  std::vector<std::uint8_t> stream;
  const std::vector<message> sent{hello{"mgw2", {{1, span_kind::e1}}}, dchannel_frame{1, {0x00, 0x01, 0x01, 0x7F}},
                                  keepalive{false}, span_status{1, 1}};
  for (const auto& m : sent) ASSERT_TRUE(encode(m, stream).has_value());
  frame_reader reader;
  std::vector<message> got;
  for (auto octet : stream) {
    reader.feed(std::span<const std::uint8_t>(&octet, 1));
    while (true) {
      auto m = reader.next();
      ASSERT_TRUE(m.has_value());
      if (!*m) break;
      got.push_back(std::move(**m));
    }
  }
  EXPECT_EQ(got, sent);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(backhaul_codec, when_the_stream_carries_a_bad_length_then_the_reader_fails_without_waiting_and_stays_failed) {
  frame_reader reader;
  const std::vector<std::uint8_t> bad{0xFF, 0xFF};
  reader.feed(bad);
  auto m = reader.next();
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, decode_errc::bad_length);
  std::vector<std::uint8_t> good;
  ASSERT_TRUE(encode(keepalive{}, good).has_value());
  reader.feed(good);
  EXPECT_FALSE(reader.next().has_value());
}

TEST(backhaul_codec, when_random_octets_are_fed_then_the_reader_never_crashes_and_ends_in_need_more_or_error) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    frame_reader reader;
    std::vector<std::uint8_t> junk(rng() % 64);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    // Keep some plausible headers so that the payload decoders are reached too.
    if (junk.size() >= 4) {
      junk[0] = 0;
      junk[1] = static_cast<std::uint8_t>(junk.size() - 2);
      junk[2] = 1;
      junk[3] = static_cast<std::uint8_t>(1 + rng() % 4);
    }
    reader.feed(junk);
    int frames = 0;
    while (frames < 100) {
      auto m = reader.next();
      if (!m || !*m) break;
      ++frames;
    }
    EXPECT_LT(frames, 100);
  }
}

}  // namespace
}  // namespace tandem::backhaul
