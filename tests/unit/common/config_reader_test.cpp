// The shared config reader (common/config): typed lookups with defaults, and every error with
// its setting path and line.
#include "common/config/reader.hpp"

#include <gtest/gtest.h>

namespace tandem::config {
namespace {

document load(std::string_view text) {
  auto doc = document::load_string(text);
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : to_string(doc.error()));
  return std::move(*doc);
}

TEST(config_reader, when_values_are_present_then_typed_lookups_return_them) {
  auto doc = load("name = \"x\";\nn = 7;\nbig = 5000000000L;\nf = 2.5;\nb = true;\nd = 250;\n");
  auto r = doc.root();
  EXPECT_EQ(r.get_string("name", "y"), "x");
  EXPECT_EQ(r.get_int("n", 0, 0, 10), 7);
  EXPECT_EQ(r.get_int("big", 0, 0, 10'000'000'000LL), 5'000'000'000LL);
  EXPECT_DOUBLE_EQ(r.get_number("f", 0, 0, 10), 2.5);
  EXPECT_DOUBLE_EQ(r.get_number("n", 0, 0, 10), 7.0);
  EXPECT_TRUE(r.get_bool("b", false));
  EXPECT_EQ(r.get_ms("d", std::chrono::milliseconds{1}, std::chrono::milliseconds{0},
                     std::chrono::milliseconds{1000}),
            std::chrono::milliseconds{250});
  EXPECT_TRUE(doc.ok());
}

TEST(config_reader, when_values_are_absent_then_defaults_apply_without_error) {
  auto doc = load("a = 1;");
  auto r = doc.root();
  EXPECT_EQ(r.get_string("name", "y"), "y");
  EXPECT_EQ(r.get_int("n", 3, 0, 10), 3);
  EXPECT_FALSE(r.get_bool("b", false));
  EXPECT_FALSE(r.group("g").has_value());
  EXPECT_TRUE(r.groups("l").empty());
  EXPECT_TRUE(doc.ok());
}

TEST(config_reader, when_a_type_is_wrong_then_the_error_names_path_and_line) {
  auto doc = load("a = 1;\nspans = (\n  { type = \"e1\"; },\n  { type = 5; }\n);\n");
  auto spans = doc.root().groups("spans");
  ASSERT_EQ(spans.size(), 2u);
  (void)spans[1].get_string("type", "e1");
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].to_string(), "spans.[1].type: expected a string, found an integer (line 4)");
}

TEST(config_reader, when_an_enum_value_is_unknown_then_the_error_lists_the_choices) {
  auto doc = load("spans = ( { type = \"e1\"; },\n{ type = \"j1\"; } );\n");
  auto spans = doc.root().groups("spans");
  enum class kind { e1, t1 };
  auto k = spans[1].get_enum<kind>("type", {{"e1", kind::e1}, {"t1", kind::t1}}, kind::e1);
  EXPECT_EQ(k, kind::e1);
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].to_string(), "spans.[1].type: expected \"e1\" or \"t1\" (line 2)");
}

TEST(config_reader, when_an_integer_is_out_of_range_then_the_error_gives_the_range) {
  auto doc = load("g = {\n  port = 70000;\n};\n");
  auto g = doc.root().group("g");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->get_int("port", 5, 0, 65535), 5);
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].to_string(), "g.port: 70000 is out of range [0, 65535] (line 2)");
}

TEST(config_reader, when_a_required_setting_is_missing_then_the_error_names_it_at_its_parent) {
  auto doc = load("g = {\n  x = 1;\n};\n");
  auto g = doc.root().group("g");
  EXPECT_FALSE(g->require_string("socket").has_value());
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].path, "g.socket");
  EXPECT_NE(doc.errors()[0].message.find("missing"), std::string::npos);
  EXPECT_EQ(doc.errors()[0].line, 1);
}

TEST(config_reader, when_a_setting_name_is_unknown_then_check_known_reports_it) {
  auto doc = load("g = {\n  port = 1;\n  prot = 2;\n};\n");
  doc.root().group("g")->check_known({"port"});
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].to_string(), "g.prot: unknown setting (line 3)");
}

TEST(config_reader, when_a_group_is_expected_but_a_scalar_is_found_then_it_is_an_error) {
  auto doc = load("g = 1;\nl = 2;\n");
  EXPECT_FALSE(doc.root().group("g").has_value());
  EXPECT_TRUE(doc.root().groups("l").empty());
  ASSERT_EQ(doc.errors().size(), 2u);
  EXPECT_EQ(doc.errors()[0].path, "g");
  EXPECT_EQ(doc.errors()[1].path, "l");
  EXPECT_EQ(doc.errors()[1].line, 2);
}

TEST(config_reader, when_the_syntax_is_wrong_then_loading_fails_with_the_line) {
  auto doc = document::load_string("a = 1;\nb = ;\n");
  ASSERT_FALSE(doc.has_value());
  ASSERT_EQ(doc.error().size(), 1u);
  EXPECT_EQ(doc.error()[0].line, 2);
  EXPECT_NE(doc.error()[0].message.find("syntax error"), std::string::npos);
}

TEST(config_reader, when_the_file_is_missing_then_loading_fails_naming_it) {
  auto doc = document::load_file("/nonexistent/tandem.cfg");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error()[0].message.find("/nonexistent/tandem.cfg"), std::string::npos);
}

TEST(config_reader, when_an_integer_is_wider_than_32_bits_without_L_then_loading_fails) {
  // libconfig 1.5 would read 5000000000 as 705032704 without a word.
  auto doc = document::load_string("a = 1;\n\nbig = 5000000000;\n");
  ASSERT_FALSE(doc.has_value());
  ASSERT_EQ(doc.error().size(), 1u);
  EXPECT_EQ(doc.error()[0].line, 3);
  EXPECT_NE(doc.error()[0].message.find("5000000000L"), std::string::npos);
}

TEST(config_reader, when_wide_looking_digits_sit_in_strings_comments_or_floats_then_they_pass) {
  EXPECT_TRUE(find_truncated_integers("s = \"5000000000\"; # 99999999999\n// 88888888888\n"
                                      "/* 77777777777 */ f = 5000000000.0; g = 1e12; h = 2147483647;"
                                      " i = -2147483648; j = 0xFFFFFFFF; k = 0x100000000L;")
                  .empty());
  EXPECT_EQ(find_truncated_integers("a = 2147483648;").size(), 1u);
  EXPECT_EQ(find_truncated_integers("a = 0x1FFFFFFFF;").size(), 1u);
}

TEST(config_reader, when_a_list_of_strings_holds_a_number_then_the_element_path_is_reported) {
  auto doc = load("names = [ \"a\", \"b\" ];\nmixed = ( \"a\",\n 3 );\n");
  EXPECT_EQ(doc.root().strings("names"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(doc.root().strings("mixed"), (std::vector<std::string>{"a"}));
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_EQ(doc.errors()[0].to_string(), "mixed.[1]: expected a string, found an integer (line 3)");
}

}  // namespace
}  // namespace tandem::config
