#include "tests/unit/proto/h248/test_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tandem::h248::test {

std::filesystem::path source_dir() {
  const char* env = std::getenv("TANDEM_SOURCE_DIR");
  return env ? std::filesystem::path(env) : std::filesystem::current_path();
}

std::vector<std::filesystem::path> corpus(const std::string& sub) {
  std::vector<std::filesystem::path> out;
  const auto dir = source_dir() / "tests" / "data" / "h248" / sub;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".txt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tandem::h248::test
