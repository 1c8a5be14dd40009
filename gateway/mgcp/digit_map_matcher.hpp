#pragma once
/// Matching a dial string against a digit map (RFC 3435 §2.1.5): each pattern is a sequence
/// of positions (a digit letter 0-9 # * A-D T, "x" for 0-9, a bracketed set "[2-9#]"), each
/// optionally followed by "." (the position zero or more times).
#include <string>
#include <string_view>
#include <vector>

#include "proto/mgcp/digit_map.hpp"

namespace tandem::gateway::mgcp {

struct digit_map_match {
  bool full = false;     ///< some pattern matches the whole dial string
  bool partial = false;  ///< some pattern could match if more digits came
  bool timer_next = false;  ///< some pattern would take "T" next (arm the short timer)
};

/// Matches `dialed` (characters 0-9 * # A-D T) against every pattern of `map`.
digit_map_match match_digit_map(const tandem::mgcp::digit_map& map, std::string_view dialed);

}  // namespace tandem::gateway::mgcp
