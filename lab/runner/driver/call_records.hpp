#pragma once
/// The call agent's call records as the lab reads them: the CSV file tandem-ca appends to
/// (docs/cdr.md: a header line, then one line per finished call, RFC 4180 quoting).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace tandem::lab::runner {

/// One record: column name -> value (`codec`, `cause`, `called`, `route`...).
using call_record = std::map<std::string, std::string, std::less<>>;

/// Parses the whole file's text. A last line without its line end is left out (being
/// written). Errors: a line with another number of fields than the header, an unterminated
/// quote; with the line number.
[[nodiscard]] expected<std::vector<call_record>, std::string> parse_call_records(std::string_view text);

}  // namespace tandem::lab::runner
