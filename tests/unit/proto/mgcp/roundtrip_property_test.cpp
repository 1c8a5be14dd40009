#include <gtest/gtest.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "tests/unit/proto/mgcp/message_generator.hpp"

namespace tandem::mgcp {
namespace {

/// The generator fills parameters at random, regardless of which command takes which
/// (command_rules.hpp); the grammar round trip is what is checked here.
parse_options grammar_only() {
  parse_options o;
  o.check_command_rules = false;
  return o;
}

TEST(mgcp_roundtrip, when_many_generated_messages_are_serialised_then_parsing_gives_them_back) {
  test::message_generator gen(20261124);
  int with_sdp = 0;
  for (int i = 0; i < 20000; ++i) {
    const message m = gen.next();
    const std::string text = serialize(m, serialize_options{i % 2 == 0});
    auto back = parse_message(text, grammar_only());
    ASSERT_TRUE(back) << "message " << i << " byte " << back.error().position << ": " << back.error().reason << "\n"
                      << text;
    ASSERT_EQ(*back, m) << "message " << i << ":\n" << text << "\nreserialised:\n" << serialize(*back);
    std::visit([&](const auto& x) { with_sdp += x.sessions.empty() ? 0 : 1; }, m);
  }
  EXPECT_GT(with_sdp, 1000) << "the generator must exercise session descriptions";
}

TEST(mgcp_roundtrip, when_generated_messages_are_piggybacked_then_the_datagram_parses_back) {
  test::message_generator gen(7);
  for (int i = 0; i < 500; ++i) {
    std::vector<message> batch{gen.next(), gen.next(), gen.next()};
    auto back = parse_datagram(serialize_datagram(batch), grammar_only());
    ASSERT_EQ(back.size(), batch.size());
    for (std::size_t k = 0; k < batch.size(); ++k) {
      ASSERT_TRUE(back[k]) << back[k].error().reason;
      EXPECT_EQ(*back[k], batch[k]);
    }
  }
}

}  // namespace
}  // namespace tandem::mgcp
