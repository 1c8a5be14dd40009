#pragma once
/// Reading the corpora under tests/data/h248.
#include <filesystem>
#include <string>
#include <vector>

namespace tandem::h248::test {

/// The repository root (TANDEM_SOURCE_DIR, else the working directory).
std::filesystem::path source_dir();
/// Files of tests/data/h248/<sub> ending in .txt (not the manifests), sorted.
std::vector<std::filesystem::path> corpus(const std::string& sub);
std::string read_file(const std::filesystem::path& p);

}  // namespace tandem::h248::test
