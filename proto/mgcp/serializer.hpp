#pragma once
/// The MGCP message serializer (RFC 3435 §3.1-§3.3): parse(serialize(m)) == m.
#include <string>
#include <vector>

#include "proto/mgcp/message.hpp"

namespace tandem::mgcp {

struct serialize_options {
  /// RFC 3435 §3.1 allows LF or CRLF; CRLF is what SDP (RFC 4566) asks for, so it is the default.
  bool crlf = true;
};

/// Appends one message. Parameters come in a fixed order (K first, as RFC 3435 §3.5.6 suggests
/// for the transaction layer), then extensions, then the session descriptions.
void serialize_to(std::string& out, const message& m, const serialize_options& options = {});
std::string serialize(const message& m, const serialize_options& options = {});

/// Several messages in one datagram, separated by "." lines (RFC 3435 §3.5.5).
std::string serialize_datagram(const std::vector<message>& messages, const serialize_options& options = {});

}  // namespace tandem::mgcp
