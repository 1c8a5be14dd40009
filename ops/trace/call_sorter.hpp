#pragma once
/// Sorts signalling packets by call, for per-call traces (docs/traces.md).
///
/// - MGCP (RFC 3435 §3.2): a command carrying CallId (`C:`) belongs to that call; its response
///   is matched by peer and transaction id (§3.5). Commands without C: (RQNT, NTFY, AUEP,
///   RSIP) belong to no call.
/// - Q.931 in LAPD I-frames (Q.921 §3.4, Q.931 §4): each D-channel (link, span) carries
///   dialogues keyed by call reference value and flag; a dialogue starts at SETUP and ends at
///   RELEASE COMPLETE (or RELEASE when no COMPLETE follows). Its B-channel comes from the
///   Channel identification information element (Q.931 §4.5.13, primary rate) of any message
///   that carries one.
///
/// When a call ends, claim() hands over its MGCP packets and the packets of the dialogues on
/// its circuits (link, span, channel) that began during the call (from its seizure, less one
/// second, to its release). Packets nobody claims are
/// dropped after `linger` once their call or dialogue is over, so memory stays bounded by the
/// calls in progress.
///
/// Sans-I/O with injected time. Threads: one (the daemon's control thread).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tandem::ops::trace {

struct traced_packet {
  enum class kind { mgcp, lapd } what = kind::mgcp;
  std::chrono::system_clock::time_point at;
  std::vector<std::uint8_t> data;  ///< the datagram's payload, or the LAPD frame
  // MGCP only: where it went.
  std::string source, destination;
  std::uint16_t source_port = 0, destination_port = 0;
};

/// One circuit of a call: the D-channel it is signalled on and its B-channel.
struct traced_circuit {
  std::string link;  ///< the D-channel's link name (tandem-ca: the gateway name)
  unsigned span = 0;
  unsigned channel = 0;
};

class call_sorter {
 public:
  using clock = std::chrono::system_clock;
  explicit call_sorter(std::chrono::seconds linger = std::chrono::seconds(60), std::size_t max_packets = 200'000);

  /// An MGCP datagram. `from_self`: sent by this daemon (its peer is the destination).
  void mgcp(bool from_self, const std::string& source, std::uint16_t source_port, const std::string& destination,
            std::uint16_t destination_port, std::string_view datagram, clock::time_point at);
  /// A LAPD frame (address field first) of the D-channel of `span` on `link`; `from_network`:
  /// sent by the network side (tells which side allocated each call reference).
  void lapd(const std::string& link, unsigned span, bool from_network, std::span<const std::uint8_t> frame,
            clock::time_point at);

  /// The packets of the call, in time order, removed from the sorter.
  [[nodiscard]] std::vector<traced_packet> claim(const std::string& mgcp_call_id,
                                                 const std::vector<traced_circuit>& circuits, clock::time_point from,
                                                 clock::time_point to);

  /// Packets held (all calls and dialogues).
  [[nodiscard]] std::size_t held() const { return held_; }
  /// Packets dropped unclaimed (linger over, or the packet limit reached).
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

  /// Drops unclaimed packets of calls and dialogues over for longer than `linger`. `live`
  /// names the MGCP call ids still in progress (their packets are kept however old).
  void expire(clock::time_point now, const std::set<std::string, std::less<>>& live);

 private:
  struct dialogue {
    std::string link;
    unsigned span = 0;
    unsigned channel = 0;
    clock::time_point first, last;
    bool ended = false;
    std::vector<traced_packet> packets;
  };
  struct mgcp_call {
    clock::time_point last;
    std::vector<traced_packet> packets;
  };
  /// (link, span, call reference value, allocated by the network side) -> its dialogue.
  using ref_key = std::tuple<std::string, unsigned, std::uint32_t, bool>;

  void hold(std::vector<traced_packet>& into, traced_packet p);

  std::chrono::seconds linger_;
  std::size_t max_packets_;
  std::size_t held_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t next_dialogue_ = 1;
  std::map<std::string, mgcp_call, std::less<>> calls_;
  std::map<std::tuple<std::string, std::uint16_t, std::string>, std::string> pending_;  ///< (peer, port, txid) -> call id
  std::map<ref_key, std::uint64_t> open_;  ///< dialogues in progress
  std::map<std::uint64_t, dialogue> dialogues_;
};

}  // namespace tandem::ops::trace
