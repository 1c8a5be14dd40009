#pragma once
/// Reading the corpora under tests/data/mgcp.
#include <filesystem>
#include <string>
#include <vector>

namespace tandem::mgcp::test {

/// The repository root (TANDEM_SOURCE_DIR, else the working directory).
std::filesystem::path source_dir();
/// Files of tests/data/mgcp/<sub> ending in .mgcp, sorted.
std::vector<std::filesystem::path> corpus(const std::string& sub);
std::string read_file(const std::filesystem::path& p);

}  // namespace tandem::mgcp::test
