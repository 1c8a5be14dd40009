/// The valid corpus (RFC 3525's examples that follow the grammar, and a real fax call) parses
/// and re-serialises, in both forms, to the same meaning; the as-printed examples are refused
/// with the code and at the byte the manifest gives.
#include <gtest/gtest.h>

#include <sstream>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"
#include "tests/unit/proto/h248/test_files.hpp"

namespace tandem::h248 {
namespace {

TEST(h248_corpus, when_a_valid_message_is_parsed_then_both_forms_reserialise_to_the_same_meaning) {
  const auto files = test::corpus("valid");
  ASSERT_GE(files.size(), 140u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    auto first = parse_message(test::read_file(f));
    ASSERT_TRUE(first.has_value()) << "byte " << first.error().position << ": " << first.error().reason;
    for (bool compact : {false, true}) {
      const std::string again = serialize(*first, serialize_options{compact});
      auto second = parse_message(again);
      ASSERT_TRUE(second.has_value()) << again << "\nbyte " << second.error().position << ": " << second.error().reason;
      EXPECT_EQ(*second, *first) << again;
    }
  }
}

TEST(h248_corpus, when_the_file_name_says_transaction_or_reply_then_the_parse_agrees_and_has_its_id) {
  for (const auto& f : test::corpus("valid")) {
    const std::string name = f.filename().string();
    SCOPED_TRACE(name);
    auto m = parse_message(test::read_file(f));
    ASSERT_TRUE(m.has_value());
    ASSERT_EQ(m->transactions.size(), 1u);
    const auto under = name.rfind('_');
    const std::uint32_t id = static_cast<std::uint32_t>(std::stoul(name.substr(under + 1)));
    if (name.find("_reply_") != std::string::npos) {
      const auto* r = std::get_if<transaction_reply>(&m->transactions.front());
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->id.value(), id);
    } else {
      const auto* r = std::get_if<transaction_request>(&m->transactions.front());
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->id.value(), id);
    }
  }
}

TEST(h248_corpus, when_an_example_is_as_printed_in_rfc3525_then_it_is_refused_as_the_manifest_says) {
  std::istringstream manifest(test::read_file(test::source_dir() / "tests/data/h248/as_printed/MANIFEST"));
  std::string line;
  std::size_t checked = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file;
    int code = 0;
    std::size_t position = 0;
    ls >> file >> code >> position;
    SCOPED_TRACE(file);
    auto m = parse_message(test::read_file(test::source_dir() / "tests/data/h248/as_printed" / file));
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(to_int(m.error().code), code) << m.error().reason;
    EXPECT_EQ(m.error().position, position) << m.error().reason;
    ++checked;
  }
  EXPECT_EQ(checked, test::corpus("as_printed").size());
  EXPECT_GE(checked, 10u);
}

TEST(h248_corpus, when_an_as_printed_request_is_refused_then_its_transaction_can_be_answered) {
  auto m = parse_message(test::read_file(test::source_dir() /
                                         "tests/data/h248/as_printed/rfc3525_A1_03_step03_MGC_to_MG1_transaction_9999.h248.txt"));
  ASSERT_FALSE(m.has_value());
  ASSERT_TRUE(m.error().answerable());
  EXPECT_EQ(m.error().transaction->value(), 9999u);
  ASSERT_TRUE(m.error().sender.has_value());
  EXPECT_EQ(m.error().sender->name, "123.123.123.4");
}

TEST(h248_corpus, when_the_lenient_option_is_set_then_the_service_change_without_reason_parses) {
  parse_options lenient;
  lenient.require_service_change_reason = false;
  auto m = parse_message(test::read_file(test::source_dir() /
                                         "tests/data/h248/as_printed/rfc3525_A1_01_step01_MG1_to_MGC_transaction_9998.h248.txt"),
                         lenient);
  ASSERT_TRUE(m.has_value()) << m.error().reason;
  const auto& sc = std::get<transaction_request>(m->transactions.front()).actions.front().commands.front();
  EXPECT_EQ(sc.kind, command_kind::service_change);
  EXPECT_EQ(sc.descriptors.service_change->method, service_change_method::restart);
  EXPECT_EQ(sc.descriptors.service_change->profile, "ResGW/1");
  EXPECT_EQ(sc.descriptors.service_change->address->port, 55555);
}

}  // namespace
}  // namespace tandem::h248
