#pragma once
/// MGCP connection modes (RFC 3435 §3.2.2.6 ConnectionMode "M:"), as the media plane obeys them.
#include <optional>
#include <string_view>

namespace tandem::gateway::media {

enum class connection_mode {
    inactive,  ///< neither sends nor plays; RTCP goes on
    sendonly,  ///< TDM -> RTP only (what arrives is read and dropped)
    recvonly,  ///< RTP -> TDM only
    sendrecv,  ///< both directions
    confrnce,  ///< both, and hears (and is heard by) the other confrnce connections of the endpoint
    loopback,  ///< the line's audio is returned to the line; nothing sent to RTP
    conttest,  ///< continuity test: line looped back as for loopback (RFC 3435 §2.3.5 note)
    netwloop,  ///< network loopback: RTP decoded and re-encoded back to the sender
    netwtest,  ///< network continuity test: RTP packets returned to the sender unchanged
};

[[nodiscard]] std::string_view to_string(connection_mode m) noexcept;
/// Parses the RFC 3435 token ("sendrecv", case-insensitive).
[[nodiscard]] std::optional<connection_mode> parse_connection_mode(std::string_view s) noexcept;

/// Whether audio from RTP reaches the line (or the other connections).
[[nodiscard]] constexpr bool plays_to_line(connection_mode m) noexcept {
    return m == connection_mode::sendrecv || m == connection_mode::recvonly ||
           m == connection_mode::confrnce;
}
/// Whether the line (or the other connections) is encoded and sent to RTP.
[[nodiscard]] constexpr bool sends_to_network(connection_mode m) noexcept {
    return m == connection_mode::sendrecv || m == connection_mode::sendonly ||
           m == connection_mode::confrnce;
}

}  // namespace tandem::gateway::media
