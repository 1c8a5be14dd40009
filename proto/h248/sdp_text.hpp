#pragma once
/// The SDP inside Local and Remote descriptors (H.248.1 §7.1.8): one or more session
/// descriptions (alternatives), where `$` stands for a value the MG chooses (CHOOSE).
#include <cstddef>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace tandem::h248 {

/// The session descriptions of a descriptor, each starting at a "v=" line.
std::vector<std::string_view> split_sessions(std::string_view text);

/// Checks each session with proto/sdp; `$` in the port of an m= line and in the address of
/// c= and o= lines is accepted. On failure returns the offset in `text` of the bad session.
expected<void, std::size_t> check_sdp(std::string_view text);

}  // namespace tandem::h248
