#pragma once
/// A readable, structured view of a parsed MGCP message, for the tandem-mgcp tool.
#include <string>

#include "proto/mgcp/message.hpp"

namespace tandem::mgcp::tool {

/// Multi-line description, every line indented by `indent` spaces.
std::string describe(const message& m, int indent = 2);

}  // namespace tandem::mgcp::tool
