#include <gtest/gtest.h>

#include "ops/ctl/render.hpp"

using json = nlohmann::ordered_json;
using tandem::ops::ctl::render_text;

TEST(render, when_result_is_an_array_of_objects_then_columns_are_the_union_of_keys) {
  const auto j = json::parse(R"([{"span":1,"state":"up"},{"span":2,"alarm":"los"}])");
  EXPECT_EQ(render_text(j),
            "SPAN  STATE  ALARM\n"
            "1     up     -\n"
            "2     -      los\n");
}

TEST(render, when_result_is_an_object_then_key_value_lines_with_nested_tables) {
  const auto j = json::parse(R"({"gateway":"mg1","codecs":["PCMA","G729"],"none":[],"spans":[{"span":1}],"ep":{"a":null}})");
  EXPECT_EQ(render_text(j),
            "gateway: mg1\n"
            "codecs:  PCMA, G729\n"
            "none:    (none)\n"
            "spans:\n"
            "  SPAN\n"
            "  1\n"
            "ep:\n"
            "  a: -\n");
}

TEST(render, when_result_is_scalar_empty_or_null_then_it_prints_plainly) {
  EXPECT_EQ(render_text(json("done")), "done\n");
  EXPECT_EQ(render_text(json(3)), "3\n");
  EXPECT_EQ(render_text(json(nullptr)), "");
  EXPECT_EQ(render_text(json::array()), "(none)\n");
  EXPECT_EQ(render_text(json::parse(R"(["a","b"])")), "a\nb\n");
}
