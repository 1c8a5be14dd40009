#pragma once
/// One RTP session (RFC 3550) per connection, over oRTP 5.1 without its scheduler: the media
/// tick pulls what is due (`poll`) and pushes what is ready (`send_audio`, `send_event`). No oRTP
/// type appears here (oRTP is GPL-3 and stays behind gateway/rtp/, DESIGN.md "Licences").
///
/// What oRTP does for us: sockets (non-blocking, read only inside `poll`), sequence numbers and
/// SSRC, the adaptive jitter buffer, RTCP SR/RR with jitter, loss and round-trip time, symmetric
/// RTP latching. What this adapter adds: RFC 4733 telephone-events decoded to plain structs,
/// MGCP statistics (RFC 3435 ConnectionParameters, "P:"), error values.
///
/// Threading: `create` and the destructor run on the control thread; every other call on the
/// media thread that owns the connection (one at a time). `poll` and `send_*` do not log above
/// debug; oRTP allocates its packet buffers internally (its own allocator), nothing else does.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/expected.hpp"

namespace tandem::gateway::rtp {

enum class rtp_error {
    bind_failed,       ///< the local address/port could not be bound
    bad_address,       ///< remote address is not a numeric IPv4/IPv6 address, or port 0
    bad_payload_type,  ///< payload type outside 0..127 or equal to the telephone-event type
    send_failed,       ///< the socket refused the datagram (counted; the stream goes on)
    not_negotiated,    ///< telephone-event asked of a session without RFC 4733
    library_failure,   ///< oRTP refused (out of memory)
};

/// oRTP's adaptive jitter buffer (RFC 3550 §A.8 jitter estimate drives its size).
struct jitter_buffer_config {
    std::chrono::milliseconds nominal{60};  ///< initial delay added to incoming packets
    std::chrono::milliseconds max{200};     ///< the adaptive delay never exceeds this
    bool adaptive = true;
};

struct rtp_session_config {
    std::string bind_address = "127.0.0.1";
    std::uint16_t local_port = 0;  ///< RTP port (even); RTCP on local_port + 1
    std::uint8_t payload_type = 0;  ///< audio payload type (static or from SDP negotiation)
    std::uint32_t clock_rate = 8000;
    /// RFC 4733 telephone-event payload type (dynamic, e.g. 101); nullopt: not negotiated.
    std::optional<std::uint8_t> telephone_event_payload_type;
    jitter_buffer_config jitter{};
    /// Symmetric RTP: send to where the peer's packets come from (peers behind NAT).
    bool latch_remote = false;
    bool rtcp = true;
    std::chrono::milliseconds rtcp_interval{5000};
    /// RFC 3389 comfort noise on a dynamic type (static 13 is always known to the session).
    std::optional<std::uint8_t> comfort_noise_payload_type;
};

/// One RFC 4733 §2.3 event block as received.
struct telephone_event {
    std::uint8_t event = 0;      ///< 0-9, 10 '*', 11 '#', 12-15 A-D, ...
    bool end = false;            ///< E bit
    std::uint8_t volume = 0;     ///< -dBm0, 0..63
    std::uint16_t duration = 0;  ///< in RTP clock units since the event's timestamp
    std::uint32_t timestamp = 0; ///< RTP timestamp of the event start
    bool marker = false;         ///< M bit: first packet of a new event
};

/// One audio packet taken out of the jitter buffer. `payload` stays valid until the next poll.
struct received_packet {
    std::span<const std::uint8_t> payload;
    std::uint32_t timestamp = 0;
    std::uint16_t sequence = 0;
    std::uint8_t payload_type = 0;
    bool marker = false;
};

/// MGCP connection parameters (RFC 3435 ConnectionParameters, "P:": PS, OS, PR, OR,
/// PL, JI, LA). Octets are RTP payload octets, as in RTCP SR (RFC 3550 §6.4.1).
struct rtp_statistics {
    std::uint64_t packets_sent = 0;      ///< PS
    std::uint64_t octets_sent = 0;       ///< OS
    std::uint64_t packets_received = 0;  ///< PR
    std::uint64_t octets_received = 0;   ///< OR
    std::int64_t packets_lost = 0;       ///< PL (RFC 3550 §6.4.1 cumulative lost, from seq gaps)
    std::uint32_t jitter_ms = 0;         ///< JI interarrival jitter (RFC 3550 §A.8)
    std::uint32_t latency_ms = 0;        ///< LA half the RTCP round-trip time (0 until known)
    std::uint64_t late_packets = 0;      ///< arrived after their playout time (jitter buffer)
    std::uint64_t rtcp_sent = 0;
    std::uint64_t rtcp_received = 0;
    std::uint64_t send_errors = 0;
    std::uint64_t events_sent = 0;       ///< telephone-event packets sent
    std::uint64_t events_received = 0;   ///< telephone-event packets received
};

/// Sink for telephone-events seen while polling (one call per event block).
class telephone_event_handler {
public:
    virtual ~telephone_event_handler() = default;
    virtual void on_telephone_event(const telephone_event& ev) = 0;
};

class rtp_session {
public:
    /// Opens and binds the sockets. Errors: bind_failed, bad_payload_type, library_failure.
    static expected<std::unique_ptr<rtp_session>, rtp_error> create(const rtp_session_config& c);
    virtual ~rtp_session() = default;

    /// Where to send (MDCX may change it). Errors: bad_address.
    virtual expected<void, rtp_error> set_remote(const std::string& address, std::uint16_t port) = 0;
    [[nodiscard]] virtual bool has_remote() const noexcept = 0;
    /// Changes the audio payload type (MDCX with a new codec). Does not allocate: the adapter
    /// keeps a spare payload type description for this. Errors: bad_payload_type.
    virtual expected<void, rtp_error> set_payload_type(std::uint8_t pt, std::uint32_t clock_rate) = 0;
    [[nodiscard]] virtual std::uint16_t local_port() const noexcept = 0;

    /// One audio packet of `rtp_timestamp` (the sender's clock, starting anywhere).
    virtual expected<void, rtp_error> send_audio(std::span<const std::uint8_t> payload,
                                                 std::uint32_t rtp_timestamp, bool marker) = 0;
    /// One RFC 4733 packet carrying one event block; `event_timestamp` is the event start.
    virtual expected<void, rtp_error> send_event(const telephone_event& ev,
                                                 std::uint32_t event_timestamp) = 0;
    /// Sends a received packet back unchanged in payload (network test modes).
    virtual expected<void, rtp_error> echo(const received_packet& p) = 0;

    /// Reads the socket (once per distinct `local_ts`), hands telephone-events to `events`, and
    /// returns the next audio packet due at `local_ts` (the receiver's own clock in the
    /// payload's clock units, advancing by the samples played), or nullopt.
    virtual std::optional<received_packet> poll(std::uint32_t local_ts,
                                                telephone_event_handler* events) = 0;

    [[nodiscard]] virtual rtp_statistics statistics() const = 0;
    /// The RTP and RTCP sockets (-1 where there is none), for a readiness poller (epoll): the
    /// media engine polls a session only when one is readable or `has_pending`.
    [[nodiscard]] virtual std::array<int, 2> descriptors() const noexcept = 0;
    /// Packets are waiting in the jitter buffer (they come out at later ticks without the
    /// socket becoming readable again).
    [[nodiscard]] virtual bool has_pending() const noexcept = 0;
    /// A number that changes whenever a packet (RTP or RTCP) is sent or received: statistics
    /// need publishing again only when it moved.
    [[nodiscard]] virtual std::uint64_t activity() const noexcept = 0;
    /// RTP packets received so far (cheap: the media tick reads it for RTP timeout detection).
    [[nodiscard]] virtual std::uint64_t packets_received() const noexcept = 0;
};

/// Process-wide oRTP initialisation (idempotent, thread-safe); `create` calls it.
void init_library();

}  // namespace tandem::gateway::rtp
