#pragma once
/// A pcapng trace file being written (docs/traces.md): MGCP datagrams as IPv4/UDP on interface
/// 0, Q.921/Q.931 frames as LAPD on interface 1. Every packet is flushed as it is written, so a
/// running trace can be read; a file is never overwritten.
///
/// Threads: one at a time.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "ops/trace/call_sorter.hpp"
#include "ops/trace/pcapng.hpp"

namespace tandem::ops::trace {

class trace_file {
 public:
  /// Creates `path` (which must not exist) and writes the headers.
  [[nodiscard]] static expected<std::unique_ptr<trace_file>, std::string> create(const std::string& path,
                                                                                 std::string_view application);
  ~trace_file();
  trace_file(const trace_file&) = delete;
  trace_file& operator=(const trace_file&) = delete;

  void write(const traced_packet& p);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::uint64_t packets() const { return packets_; }

 private:
  trace_file(std::string path, std::FILE* f, std::string_view application);
  void flush();

  std::string path_;
  std::FILE* file_;
  pcapng_writer writer_;
  std::uint64_t packets_ = 0;
};

}  // namespace tandem::ops::trace
