/// The malformed corpus: every file is refused with the code tests/data/h248/malformed/
/// MANIFEST gives, with the transaction id when the manifest names one, and at a byte
/// inside the input.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "proto/h248/parser.hpp"
#include "tests/unit/proto/h248/test_files.hpp"

namespace tandem::h248 {
namespace {

struct expectation {
  int code = 0;
  std::string transaction;  ///< "-" when no request id can be answered
};

std::map<std::string, expectation> load_manifest() {
  std::map<std::string, expectation> out;
  std::istringstream in(test::read_file(test::source_dir() / "tests/data/h248/malformed/MANIFEST"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file;
    expectation e;
    ls >> file >> e.code >> e.transaction;
    out[file] = e;
  }
  return out;
}

TEST(h248_malformed, when_a_malformed_message_is_parsed_then_it_gets_the_manifest_code_and_transaction) {
  const auto manifest = load_manifest();
  const auto files = test::corpus("malformed");
  ASSERT_GE(files.size(), 40u);
  EXPECT_EQ(manifest.size(), files.size()) << "every file needs a manifest line";
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    SCOPED_TRACE(name);
    const auto it = manifest.find(name);
    ASSERT_NE(it, manifest.end());
    const std::string text = test::read_file(f);
    auto m = parse_message(text);
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(to_int(m.error().code), it->second.code) << m.error().reason << " at " << m.error().position;
    EXPECT_LE(m.error().position, text.size());
    if (it->second.transaction == "-") {
      EXPECT_FALSE(m.error().answerable());
    } else {
      ASSERT_TRUE(m.error().answerable());
      EXPECT_EQ(std::to_string(m.error().transaction->value()), it->second.transaction);
    }
  }
}

}  // namespace
}  // namespace tandem::h248
