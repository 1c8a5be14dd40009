#include "ops/trace/trace_file.hpp"

#include <cerrno>
#include <cstring>

namespace tandem::ops::trace {

expected<std::unique_ptr<trace_file>, std::string> trace_file::create(const std::string& path,
                                                                      std::string_view application) {
  std::FILE* f = std::fopen(path.c_str(), "wbx");  // C11 "x": fails if the file exists
  if (f == nullptr) return make_unexpected("cannot create " + path + ": " + std::strerror(errno));
  return std::unique_ptr<trace_file>(new trace_file(path, f, application));
}

trace_file::trace_file(std::string path, std::FILE* f, std::string_view application)
    : path_(std::move(path)), file_(f), writer_({link_type::ipv4, link_type::lapd}, application) {
  flush();
}

trace_file::~trace_file() { std::fclose(file_); }

void trace_file::write(const traced_packet& p) {
  if (p.what == traced_packet::kind::mgcp)
    writer_.packet(0, p.at, udp_ipv4(p.source, p.source_port, p.destination, p.destination_port, p.data));
  else
    writer_.packet(1, p.at, p.data);
  ++packets_;
  flush();
}

void trace_file::flush() {
  const auto bytes = writer_.take();
  std::fwrite(bytes.data(), 1, bytes.size(), file_);
  std::fflush(file_);
}

}  // namespace tandem::ops::trace
