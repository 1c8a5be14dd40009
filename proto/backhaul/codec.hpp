#pragma once
/// Encoding and decoding of backhaul messages (docs/backhaul.md), sans-I/O: bytes in, values
/// out. decode() reads one whole frame; frame_reader cuts a TCP byte stream into frames and
/// answers need-more, a message, or an error (after which the stream cannot be resynchronised
/// and the link must be closed). Neither logs nor counts.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "proto/backhaul/message.hpp"

namespace tandem::backhaul {

enum class decode_errc {
  truncated,         ///< fewer octets than the header or the length field says
  bad_length,        ///< length field below 4 or above max_length
  bad_version,       ///< version is not protocol_version
  unknown_type,      ///< type not in message_type
  bad_span,          ///< span number 0 where one is required, or non-zero where none is
  bad_payload,       ///< payload size or content wrong for the type
};

struct decode_error {
  decode_errc code = decode_errc::truncated;
  std::size_t offset = 0;  ///< octet of the frame where the problem is
  std::string detail;
};

std::string_view to_string(decode_errc c);
std::string to_string(const decode_error& e);

enum class encode_errc { bad_span, bad_name, too_many_spans, bad_payload };
std::string_view to_string(encode_errc c);

/// Appends the encoded frame to `out`. Fails (and appends nothing) when the message cannot be
/// represented: a span number of 0, a name empty, too long or not printable ASCII, a D-channel
/// payload empty or longer than 264 octets.
expected<void, encode_errc> encode(const message& m, std::vector<std::uint8_t>& out);

/// Decodes exactly one frame (length field included); trailing octets are an error.
expected<message, decode_error> decode(std::span<const std::uint8_t> frame);

/// Cuts a byte stream into frames. feed() appends; next() returns the next complete message,
/// nullopt when more octets are needed, or an error (sticky: every later call returns it).
class frame_reader {
 public:
  void feed(std::span<const std::uint8_t> bytes);
  expected<std::optional<message>, decode_error> next();
  /// Octets held that do not make a whole frame yet.
  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;
  std::optional<decode_error> failed_;
};

}  // namespace tandem::backhaul
