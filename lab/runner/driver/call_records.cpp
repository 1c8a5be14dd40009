#include "lab/runner/driver/call_records.hpp"

#include <fmt/format.h>

namespace tandem::lab::runner {

namespace {

/// Splits one RFC 4180 line into fields; false on an unterminated quote.
bool split_fields(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(field));
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(std::move(field));
  return !quoted;
}

}  // namespace

expected<std::vector<call_record>, std::string> parse_call_records(std::string_view text) {
  std::vector<call_record> out;
  std::vector<std::string> header;
  std::vector<std::string> fields;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    // A quoted field may hold a line end: a record ends at a line end outside quotes.
    std::size_t end = start;
    bool quoted = false;
    while (end < text.size() && (quoted || text[end] != '\n')) {
      if (text[end] == '"') quoted = !quoted;
      ++end;
    }
    if (end == text.size()) break;  // no line end yet: still being written
    ++number;
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (!split_fields(line, fields)) return make_unexpected(fmt::format("line {}: unterminated quote", number));
    if (header.empty()) {
      header = fields;
      continue;
    }
    if (fields.size() != header.size())
      return make_unexpected(
          fmt::format("line {}: {} fields, the header has {}", number, fields.size(), header.size()));
    call_record r;
    for (std::size_t i = 0; i < header.size(); ++i) r[header[i]] = fields[i];
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tandem::lab::runner
