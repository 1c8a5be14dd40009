#pragma once
/// SDP (RFC 4566) as MGCP carries it: an adapter over Sofia-SIP's parser (sdp_parse). No
/// Sofia type appears here; the structure holds what a media gateway and a call agent use.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace tandem::sdp {

struct sdp_error {
  /// Offset in the text of the line where the parser stopped (0 when it cannot tell).
  std::size_t position = 0;
  std::string reason;  ///< the parser's message
};

struct rtpmap {
  unsigned payload_type = 0;
  std::string encoding;  ///< "PCMU", "telephone-event"
  unsigned clock_rate = 0;
  unsigned channels = 0;  ///< 0 when not given
  std::string fmtp;       ///< the a=fmtp parameters for this payload type, if any
  friend bool operator==(const rtpmap&, const rtpmap&) = default;
};

enum class direction { sendrecv, sendonly, recvonly, inactive };

struct media_description {
  std::string media;  ///< "audio", "image"
  std::uint16_t port = 0;
  std::string protocol;  ///< "RTP/AVP", "udptl"
  std::vector<std::string> formats;  ///< as listed on the m= line ("0", "96", "t38")
  std::vector<rtpmap> rtpmaps;
  std::optional<std::string> connection_address;  ///< media-level c= address
  std::optional<unsigned> ptime_ms;
  direction mode = direction::sendrecv;
  friend bool operator==(const media_description&, const media_description&) = default;
};

struct session_description {
  std::string origin_user;
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string origin_address;
  std::string session_name;
  std::optional<std::string> connection_address;  ///< session-level c= address (IN IP4/IP6)
  std::string address_type;                      ///< "IP4" / "IP6" of the session c= line
  std::vector<media_description> media;
  friend bool operator==(const session_description&, const session_description&) = default;
};

/// Checks that `text` is one well-formed session description (RFC 4566; lenient about LF line
/// ends and the partial descriptions RFC 3435 allows, such as a bare "v=0").
expected<void, sdp_error> validate(std::string_view text);

/// Parses `text` into the structure above.
expected<session_description, sdp_error> parse(std::string_view text);

/// Writes a session description (CRLF line ends, RFC 4566 order).
std::string format(const session_description& s);

}  // namespace tandem::sdp
