/// Parse and serialise costs of H.248 text messages: the whole valid corpus (RFC 3525 and the
/// fax call), with and without the SDP check, and both serialised forms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"

namespace {

using namespace tandem::h248;

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(TANDEM_H248_CORPUS)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }();
  return texts;
}

void parse_corpus(benchmark::State& state) {
  parse_options po;
  po.validate_sdp = state.range(0) != 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& t : corpus()) {
      auto m = parse_message(t, po);
      benchmark::DoNotOptimize(m);
      bytes += t.size();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus().size()));
}
BENCHMARK(parse_corpus)->Arg(1)->Arg(0)->ArgName("sdp");

void serialize_corpus(benchmark::State& state) {
  std::vector<message> messages;
  for (const auto& t : corpus()) messages.push_back(*parse_message(t));
  const serialize_options so{state.range(0) != 0};
  for (auto _ : state) {
    for (const auto& m : messages) {
      auto s = serialize(m, so);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages.size()));
}
BENCHMARK(serialize_corpus)->Arg(0)->Arg(1)->ArgName("compact");

}  // namespace

BENCHMARK_MAIN();
