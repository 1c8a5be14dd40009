#pragma once
/// The messages of the D-channel backhaul between a media gateway and its call agent
/// (docs/backhaul.md). The gateway relays the HDLC payloads of its spans' D-channels; the call
/// agent runs Q.921/Q.931 over them, as a carrier's PRI backhaul does. Nothing here knows Q.931.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tandem::backhaul {

/// Wire version written in every header (docs/backhaul.md, "Header").
inline constexpr std::uint8_t protocol_version = 1;

/// Message types (header octet 3).
enum class message_type : std::uint8_t {
  hello = 1,        ///< who is talking and which spans it carries
  dchannel = 2,     ///< one D-channel HDLC payload of one span
  span_status = 3,  ///< a span's alarms (sent after hello and on every change)
  keepalive = 4,    ///< link supervision: a request is answered by a reply
};

enum class span_kind : std::uint8_t { e1 = 1, t1 = 2 };

/// Span alarm bits, as tdm::alarm (docs/backhaul.md, "Span status").
enum class span_alarm : std::uint8_t {
  none = 0,
  loss_of_signal = 1 << 0,
  remote_alarm = 1 << 1,
  framing = 1 << 2,
};

struct span_info {
  std::uint16_t number = 1;
  span_kind kind = span_kind::e1;
  friend bool operator==(const span_info&, const span_info&) = default;
};

/// Sent first by the gateway on every connection; the call agent may answer with its own
/// (with no spans).
struct hello {
  std::string name;  ///< the gateway's domain name (1..255 printable ASCII octets)
  std::vector<span_info> spans;
  friend bool operator==(const hello&, const hello&) = default;
};

/// One HDLC payload (address, control, information; no flags, no FCS), 1..264 octets
/// (Q.921 §5.9.3: N201 = 260 plus address and control).
struct dchannel_frame {
  std::uint16_t span = 1;
  std::vector<std::uint8_t> payload;
  friend bool operator==(const dchannel_frame&, const dchannel_frame&) = default;
};

struct span_status {
  std::uint16_t span = 1;
  std::uint8_t alarms = 0;  ///< span_alarm bits; 0: in service
  friend bool operator==(const span_status&, const span_status&) = default;
};

struct keepalive {
  bool reply = false;  ///< false: a request, to be answered; true: the answer
  friend bool operator==(const keepalive&, const keepalive&) = default;
};

using message = std::variant<hello, dchannel_frame, span_status, keepalive>;

/// Limits of the format.
inline constexpr std::size_t header_size = 6;        ///< length(2) version(1) type(1) span(2)
inline constexpr std::size_t max_dchannel_payload = 264;
inline constexpr std::size_t max_name = 255;
inline constexpr std::size_t max_spans = 255;
/// The largest value of the length field (a hello with 255 spans and a 255-octet name).
inline constexpr std::size_t max_length = 4 + 1 + max_name + 1 + max_spans * 3;

}  // namespace tandem::backhaul
