#pragma once
/// What the media plane reports to the control plane (for MGCP NTFY, RFC 3435 §2.3.8): events
/// travel from the media thread through a queue and are read on the control thread.
#include <cstdint>

#include "common/strong_id.hpp"

namespace tandem::gateway::media {

/// A connection, unique for the life of a media engine (RFC 3435 ConnectionId is its hex form).
using connection_id = strong_id<struct connection_id_tag, std::uint32_t>;
/// An endpoint of a media engine, by index (timeslot endpoints first, then virtual ones).
using endpoint_index = strong_id<struct endpoint_index_tag, std::uint32_t>;

enum class media_event_kind {
    dtmf_digit,    ///< in-band DTMF digit detected on the line (package D, RFC 3660 §2.1)
    answer_tone,   ///< V.25 2100 Hz with phase reversals: echo canceller disabled (fax/modem)
    rtp_timeout,   ///< nothing received for the connection's RTP timeout
    rtp_resumed,   ///< packets arrive again after an RTP timeout
    continuity_tone,  ///< the 2010 Hz continuity tone came back while T/co1 or T/co2 played
                      ///< on the line (connection 0), or R/co1 or R/co2 on `connection`
                      ///< (RFC 3660 §2.3 T/co1, T/co2 and §2.7 R/co1, R/co2 as events)
};

struct media_event {
    media_event_kind kind = media_event_kind::dtmf_digit;
    endpoint_index endpoint{};
    connection_id connection{};
    char digit = 0;  ///< dtmf_digit only: '0'-'9', '*', '#', 'A'-'D'
};

/// Where a connection puts its events (the engine's queue). Called on the media thread.
class media_event_notifier {
public:
    virtual ~media_event_notifier() = default;
    virtual void notify(const media_event& ev) noexcept = 0;
};

}  // namespace tandem::gateway::media
