#pragma once
/// The far end of an MGCP association as the transaction layer knows it: where datagrams go.
#include <compare>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace tandem::mgcp {

/// A UDP peer: address as text (an IPv4/IPv6 literal or a host name the transport resolves)
/// and port. Value type, ordered, so that it can key maps.
struct peer {
  std::string address;
  std::uint16_t port = 0;

  friend bool operator==(const peer&, const peer&) = default;
  friend auto operator<=>(const peer&, const peer&) = default;
};

}  // namespace tandem::mgcp

template <>
struct fmt::formatter<tandem::mgcp::peer> : fmt::formatter<std::string> {
  template <class Context>
  auto format(const tandem::mgcp::peer& p, Context& ctx) const {
    return fmt::formatter<std::string>::format(fmt::format("{}:{}", p.address, p.port), ctx);
  }
};
