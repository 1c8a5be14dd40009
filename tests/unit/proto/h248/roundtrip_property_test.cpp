/// Property: every generated message serialises (pretty and compact) to text that parses back
/// to the same value.
#include <gtest/gtest.h>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"
#include "tests/unit/proto/h248/message_generator.hpp"

namespace tandem::h248 {
namespace {

TEST(h248_roundtrip, when_a_generated_message_is_serialised_then_it_parses_back_equal_in_both_forms) {
  test::message_generator gen(20260101);
  for (int i = 0; i < 3000; ++i) {
    const message m = gen.next();
    for (bool compact : {false, true}) {
      const std::string text = serialize(m, serialize_options{compact});
      auto back = parse_message(text);
      ASSERT_TRUE(back.has_value()) << "message " << i << ":\n" << text << "\nbyte " << back.error().position
                                    << ": " << back.error().reason << " near '"
                                    << text.substr(back.error().position, 30) << "'";
      ASSERT_EQ(*back, m) << "message " << i << ":\n" << text;
    }
  }
}

TEST(h248_roundtrip, when_a_message_is_serialised_compact_then_it_uses_short_tokens_and_no_optional_space) {
  test::message_generator gen(7);
  for (int i = 0; i < 200; ++i) {
    const message m = gen.next();
    const std::string compact = serialize(m, serialize_options{true});
    const std::string pretty = serialize(m, serialize_options{false});
    EXPECT_EQ(compact.rfind("!/", 0), 0u);
    EXPECT_EQ(pretty.rfind("MEGACO/", 0), 0u);
    EXPECT_LE(compact.size(), pretty.size());
    EXPECT_EQ(compact.find(" = "), std::string::npos) << compact;
  }
}

}  // namespace
}  // namespace tandem::h248
