#pragma once
/// The sim span wire format, version 1 (docs/sim-span.md gives it byte by byte). Sans-I/O:
/// encoders write into caller buffers, decoders return views into the received bytes or an
/// error; nothing here logs, counts or allocates.
///
/// Every message: a 12-octet header, then the payload. Integers are big-endian.
///   0..3  magic 'T' 'D' 'M' 'S'
///   4     version (1)
///   5     type (message_type)
///   6..7  payload length
///   8..11 sequence (blocks: block number; D-channel frames: frame number; else 0)
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/expected.hpp"
#include "tdm/span.hpp"

namespace tandem::tdm::wire {

inline constexpr std::uint8_t magic[4] = {'T', 'D', 'M', 'S'};
inline constexpr std::uint8_t version = 1;
inline constexpr std::size_t header_size = 12;
inline constexpr std::size_t hello_payload_size = 8;
inline constexpr std::size_t alarm_payload_size = 4;
inline constexpr std::size_t block_payload_header = 4;
inline constexpr std::size_t dchannel_payload_header = 2;
/// Largest D-channel payload: the Q.921 N201 of 260 information octets plus a 2-octet address
/// and a 2-octet control field (ITU-T Q.921 §5.9.3).
inline constexpr std::size_t max_dchannel_frame = 264;
/// 20 ms ticks on an E1: 32 slots of 160 samples.
inline constexpr std::size_t max_block_data = 32 * 160;
/// No valid message is longer than this; a longer one is rejected as oversized.
inline constexpr std::size_t max_message = header_size + block_payload_header + max_block_data;

enum class message_type : std::uint8_t {
  hello = 1,     ///< sent once by each side after connecting
  block = 2,     ///< one tick of samples for every slot
  dchannel = 3,  ///< one HDLC payload of the D-channel
  alarm = 4,     ///< the sender's alarm indication (RAI) changed
};

enum class decode_error : std::uint8_t {
  bad_magic,
  bad_version,
  unknown_type,
  bad_length,  ///< length field disagrees with the message, or a payload of the wrong size
  oversized,   ///< longer than max_message (or a D-channel frame above max_dchannel_frame)
  bad_field,   ///< an enumerated field holds an unknown value
};

[[nodiscard]] const char* to_string(decode_error e);

/// A decoded header; `payload` views into the received bytes.
struct message_view {
  message_type type = message_type::hello;
  std::uint32_t sequence = 0;
  std::span<const std::uint8_t> payload;
};

/// hello payload: 0 span type (1 E1, 2 T1), 1 law (1 A-law, 2 µ-law), 2 sender's clock role
/// (1 master, 2 slave), 3 reserved 0, 4..5 span number, 6..7 tick in milliseconds.
struct hello {
  span_type type = span_type::e1;
  companding_law law = companding_law::alaw;
  bool sender_is_master = false;
  std::uint16_t span = 0;
  std::uint16_t tick_ms = 0;
};

/// block payload: 0 slot count, 1 reserved 0, 2..3 samples per slot, then the samples, slot
/// after slot.
struct block_view {
  unsigned slot_count = 0;
  unsigned samples_per_slot = 0;
  std::span<const std::uint8_t> data;
};

/// D-channel payload: 0 timeslot/channel number carrying it, 1 reserved 0, then the frame.
struct dchannel_view {
  unsigned channel = 0;
  std::span<const std::uint8_t> frame;
};

/// alarm payload: 0 flags (bit 0: remote alarm indication), 1..3 reserved 0.
struct alarm_indication {
  bool rai = false;
};

[[nodiscard]] expected<message_view, decode_error> decode(std::span<const std::uint8_t> bytes);
[[nodiscard]] expected<hello, decode_error> decode_hello(std::span<const std::uint8_t> payload);
[[nodiscard]] expected<block_view, decode_error> decode_block(
    std::span<const std::uint8_t> payload);
[[nodiscard]] expected<dchannel_view, decode_error> decode_dchannel(
    std::span<const std::uint8_t> payload);
[[nodiscard]] expected<alarm_indication, decode_error> decode_alarm(
    std::span<const std::uint8_t> payload);

/// Encoders return the message size, or 0 when `out` is too small or the input too large.
[[nodiscard]] std::size_t encode_hello(std::span<std::uint8_t> out, const hello& h);
[[nodiscard]] std::size_t encode_block(std::span<std::uint8_t> out, std::uint32_t sequence,
                                       const block& b);
[[nodiscard]] std::size_t encode_dchannel(std::span<std::uint8_t> out, std::uint32_t sequence,
                                          unsigned channel, std::span<const std::uint8_t> frame);
[[nodiscard]] std::size_t encode_alarm(std::span<std::uint8_t> out, alarm_indication a);

}  // namespace tandem::tdm::wire
