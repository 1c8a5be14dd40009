#pragma once
/// A pcapng writer (draft-ietf-opsawg-pcapng: Section Header, Interface Description and
/// Enhanced Packet blocks, little-endian) for call traces that Wireshark and tshark open, and
/// the IPv4/UDP framing MGCP datagrams get in a trace.
///
/// Sans-I/O: blocks are appended to a byte buffer the caller writes out (take()).
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::ops::trace {

/// Link types (tcpdump.org LINKTYPE_*).
enum class link_type : std::uint16_t {
  ipv4 = 228,  ///< LINKTYPE_IPV4: raw IPv4 packets (MGCP, SIP, RTP over UDP)
  lapd = 203,  ///< LINKTYPE_LAPD: Q.921 frames from the address field, no pseudo-header (Q.931 inside)
};

class pcapng_writer {
 public:
  /// Writes the section header and one interface description per entry of `interfaces`.
  pcapng_writer(std::vector<link_type> interfaces, std::string_view application);

  /// One packet on interface `interface` (its index in the constructor's list), time in µs.
  /// An unknown interface is ignored and returns false.
  bool packet(std::size_t interface, std::chrono::system_clock::time_point at, std::span<const std::uint8_t> data);

  /// The bytes written since the last take() (the first call includes the headers).
  [[nodiscard]] std::string take();

 private:
  void block(std::uint32_t type, const std::string& body);
  std::size_t interfaces_ = 0;
  std::string out_;
};

/// An IPv4 header and a UDP header (both checksums computed, RFC 791 and RFC 768) around
/// `payload`. Addresses are dotted-quad IPv4 literals; anything else becomes 0.0.0.0.
[[nodiscard]] std::vector<std::uint8_t> udp_ipv4(std::string_view source, std::uint16_t source_port,
                                                 std::string_view destination, std::uint16_t destination_port,
                                                 std::span<const std::uint8_t> payload);

}  // namespace tandem::ops::trace
