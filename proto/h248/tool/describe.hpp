#pragma once
/// The structured view printed by tandem-h248.
#include <string>

#include "proto/h248/message.hpp"

namespace tandem::h248::tool {

/// One line per transaction, action and command, with the descriptors each command carries.
std::string describe(const message& m);

}  // namespace tandem::h248::tool
