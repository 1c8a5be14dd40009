#pragma once
/// The far end of an H.248 association as the transaction layer knows it: where datagrams go.
#include <compare>
#include <cstdint>
#include <string>

namespace tandem::h248 {

/// A UDP peer: address as text (an IPv4/IPv6 literal or a name the transport resolves) and
/// port. Value type, ordered, so that it can key maps.
struct peer {
  std::string address;
  std::uint16_t port = 0;
  friend bool operator==(const peer&, const peer&) = default;
  friend auto operator<=>(const peer&, const peer&) = default;
};

}  // namespace tandem::h248
