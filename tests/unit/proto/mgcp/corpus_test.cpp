#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "tests/unit/proto/mgcp/test_files.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_corpus, when_a_valid_rfc_example_is_parsed_then_it_reserialises_to_the_same_meaning) {
  const auto files = test::corpus("valid");
  ASSERT_GE(files.size(), 120u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const std::string text = test::read_file(f);
    auto first = parse_datagram(text);
    ASSERT_FALSE(first.empty());
    std::vector<message> messages;
    for (auto& m : first) {
      ASSERT_TRUE(m.has_value()) << "byte " << m.error().position << ": " << m.error().reason;
      messages.push_back(*m);
    }
    for (bool crlf : {true, false}) {
      const std::string again = serialize_datagram(messages, serialize_options{crlf});
      auto second = parse_datagram(again);
      ASSERT_EQ(second.size(), messages.size());
      for (std::size_t i = 0; i < messages.size(); ++i) {
        ASSERT_TRUE(second[i].has_value()) << again;
        EXPECT_EQ(*second[i], messages[i]) << again;
      }
    }
  }
}

TEST(mgcp_corpus, when_the_file_name_says_command_or_response_then_the_parse_agrees) {
  for (const auto& f : test::corpus("valid")) {
    const std::string name = f.filename().string();
    if (name.find("piggyback") != std::string::npos) continue;
    SCOPED_TRACE(name);
    auto m = parse_message(test::read_file(f));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(std::holds_alternative<response>(*m), name.find("_rsp") != std::string::npos);
  }
}

/// docs/mgcp-conformance.md: examples printed with folded lines, without the protocol version,
/// or with command transaction id 0 are not valid on the wire and are refused with 510.
TEST(mgcp_corpus, when_an_example_is_as_printed_in_the_rfc_then_it_is_refused_with_510) {
  const auto files = test::corpus("as_printed");
  ASSERT_GE(files.size(), 9u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    auto m = parse_message(test::read_file(f));
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(m.error().code, return_code::protocol_error);
  }
}

TEST(mgcp_corpus, when_an_as_printed_command_lacks_its_version_then_its_transaction_can_still_be_answered) {
  auto m = parse_message(test::read_file(test::source_dir() / "tests/data/mgcp/as_printed/rfc3660_2.3_002_crcx_3001.mgcp"));
  ASSERT_FALSE(m.has_value());
  ASSERT_TRUE(m.error().answerable());
  EXPECT_EQ(m.error().id->value(), 3001u);
}

struct expectation {
  int code;
  std::string id;
};

std::map<std::string, expectation> load_manifest() {
  std::map<std::string, expectation> out;
  std::istringstream in(test::read_file(test::source_dir() / "tests/data/mgcp/malformed/expected.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file, id;
    int code = 0;
    ls >> file >> code >> id;
    out[file] = {code, id};
  }
  return out;
}

TEST(mgcp_corpus, when_a_malformed_message_is_parsed_then_the_error_names_the_expected_code_and_transaction) {
  const auto manifest = load_manifest();
  const auto files = test::corpus("malformed");
  ASSERT_GE(files.size(), 40u);
  EXPECT_EQ(files.size(), manifest.size()) << "every malformed file needs a line in expected.txt";
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    SCOPED_TRACE(name);
    auto it = manifest.find(name);
    ASSERT_NE(it, manifest.end());
    const std::string text = test::read_file(f);
    auto results = parse_datagram(text);
    const parse_error* err = nullptr;
    for (const auto& r : results)
      if (!r) {
        err = &r.error();
        break;
      }
    ASSERT_NE(err, nullptr) << "expected a parse error";
    EXPECT_EQ(to_int(err->code), it->second.code) << err->reason;
    EXPECT_LE(err->position, text.size());
    if (it->second.id == "-") {
      EXPECT_FALSE(err->answerable());
    } else {
      ASSERT_TRUE(err->answerable());
      EXPECT_EQ(std::to_string(err->id->value()), it->second.id);
    }
  }
}

}  // namespace
}  // namespace tandem::mgcp
