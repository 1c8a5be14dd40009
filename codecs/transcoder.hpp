#pragma once
/// The transcoder: joins any decoder to any encoder through linear PCM, repacketises between
/// ptimes, resamples between linear rates (speexdsp) and keeps RTP timestamps consistent.
///
///   auto t = transcoder::create(*reg.find("PCMU").value(), *reg.find("G729").value(),
///                               {.in_ptime = 20ms, .out_ptime = 30ms});
///   t.value()->push(payload, rtp_timestamp);          // per input RTP packet
///   while (auto p = t.value()->pop()) send(p->payload, p->timestamp);
///
/// Input timestamps drive loss handling: a jump forward of whole frames is concealed with the
/// decoder's own concealment (or spandsp PLC), up to `max_conceal`; a longer jump restarts the
/// stream (the decoder is not asked to invent seconds of speech). After a SID frame a gap is
/// discontinuous transmission, not loss: the decoder's comfort noise fills it, up to
/// `max_comfort_noise`, so that a non-DTX output (G.711) keeps sending. Output timestamps advance by
/// exactly the samples encoded (in the output codec's RTP clock), whatever happens on input.
///
/// Memory: everything is allocated by `create`; `push` and `pop` never allocate.
/// Threading: one transcoder belongs to one media worker.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "codecs/codec.hpp"
#include "common/expected.hpp"

namespace tandem::codecs {

struct transcoder_config {
    /// Longest input packet accepted (sizes the buffers); input ptime may vary up to this.
    std::chrono::milliseconds max_in_ptime{200};
    /// Packetisation of the output; must be allowed by the output codec.
    std::chrono::milliseconds out_ptime{20};
    encoder_options encoder{};
    /// RTP timestamp of the first output packet (RFC 3550 §5.1: random in real use).
    std::uint32_t initial_out_timestamp = 0;
    /// Longest input gap that is concealed; longer gaps restart the stream.
    std::chrono::milliseconds max_conceal{120};
    /// Longest DTX silence (after a SID frame) filled with comfort noise.
    std::chrono::milliseconds max_comfort_noise{10'000};
};

/// One output packet; the payload view stays valid until the next call to the transcoder.
struct transcoded_packet {
    std::span<const std::uint8_t> payload;
    std::uint32_t timestamp;
};

/// What happened so far (read by the owning worker, exported as counters by the gateway).
struct transcoder_stats {
    std::uint64_t packets_in = 0;
    std::uint64_t packets_out = 0;
    std::uint64_t frames_concealed = 0;
    std::uint64_t comfort_noise_frames = 0;  ///< DTX gaps filled after a SID
    std::uint64_t late_packets = 0;       ///< timestamp behind the stream: discarded, counted
    std::uint64_t restarts = 0;           ///< gaps longer than max_conceal
    std::uint64_t silent_packets = 0;     ///< VAD suppressed the whole packet: nothing to send
    std::uint64_t errors = 0;             ///< push() calls that returned an error
};

class transcoder {
public:
    /// Errors: unsupported_ptime (out_ptime not allowed by `to`), unsupported_option,
    /// backend_failure (a library refused to initialise).
    [[nodiscard]] static expected<std::unique_ptr<transcoder>, codec_error> create(
        const codec_factory& from, const codec_factory& to, const transcoder_config& config);

    virtual ~transcoder() = default;

    /// One input RTP payload with its RTP timestamp (input codec clock).
    /// Errors: truncated_frame / invalid_frame (payload rejected by the decoder),
    /// buffer_too_small (payload longer than max_in_ptime). On error nothing is queued and the
    /// stream stays consistent (the next push treats the gap as a loss).
    virtual expected<void, codec_error> push(std::span<const std::uint8_t> payload,
                                             std::uint32_t rtp_timestamp) = 0;
    /// Input known lost (e.g. the jitter buffer gave up on it): conceals `frames` input frames.
    virtual expected<void, codec_error> push_loss(std::size_t frames) = 0;
    /// The next ready output packet, or nullopt.
    virtual std::optional<transcoded_packet> pop() = 0;

    [[nodiscard]] virtual const transcoder_stats& stats() const noexcept = 0;
    [[nodiscard]] virtual const codec_info& from() const noexcept = 0;
    [[nodiscard]] virtual const codec_info& to() const noexcept = 0;
};

}  // namespace tandem::codecs
