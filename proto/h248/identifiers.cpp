#include "proto/h248/identifiers.hpp"

#include <cctype>

#include "proto/h248/tokens.hpp"

namespace tandem::h248 {

bool termination_id::is_root() const { return iequals(name, "ROOT"); }

namespace {

bool match_from(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  const char p = pattern.front();
  if (p == '*' || p == '$') {
    // One or more characters of the current level.
    for (std::size_t n = 1; n <= text.size() && text[n - 1] != '/'; ++n)
      if (match_from(pattern.substr(1), text.substr(n))) return true;
    return false;
  }
  if (text.empty()) return false;
  if (std::tolower(static_cast<unsigned char>(p)) != std::tolower(static_cast<unsigned char>(text.front())))
    return false;
  return match_from(pattern.substr(1), text.substr(1));
}

}  // namespace

bool termination_id::matches(std::string_view concrete) const { return match_from(name, concrete); }

}  // namespace tandem::h248
