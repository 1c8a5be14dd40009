#pragma once
/// One connection of an endpoint: an RTP session and the media pipeline between the endpoint's
/// audio (a timeslot or the other connections) and RTP.
///
/// State (one enum, transitions written here; every change happens on the media thread):
///
///     created ──(remote address known: CRCX with SDP, MDCX, or latched from the first
///                packet when symmetric RTP is on)──► connected
///     connected ──(MDCX with a new remote)──► connected
///     created | connected ──(DLCX: removed from its endpoint)──► deleted
///
/// `created` can receive (and latch, if enabled) but sends nothing; `deleted` does nothing and
/// the object goes back to the control thread to be freed there.
///
/// Per tick, the endpoint calls `receive` (RTP -> linear, for the line or the mix) and then
/// `transmit` (linear -> RTP). See docs/media.md for the life of a packet.
///
/// Threading: built on the control thread (everything allocated then), then owned by the media
/// thread until deleted. Only `stats()` (atomics) is read from the control thread meanwhile.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codecs/codec.hpp"
#include "common/expected.hpp"
#include "gateway/media/connection_mode.hpp"
#include "gateway/media/dsp.hpp"
#include "gateway/media/media_event.hpp"
#include "gateway/rtp/rtp_session.hpp"

namespace tandem::gateway::media {

enum class media_error {
    unknown_endpoint,
    unknown_connection,
    too_many_connections,  ///< the endpoint's connection slots are all taken
    unsupported_codec,     ///< not an 8 kHz narrow-band codec, or no codec given
    unsupported_ptime,     ///< ptime not allowed by the codec or not a whole number of ticks
    bad_payload_type,
    bad_address,
    no_port,               ///< the RTP port range is exhausted
    bind_failed,
    codec_failure,         ///< the codec library refused to make an encoder/decoder
    queue_full,            ///< the media thread has not taken earlier changes yet; retry
    bad_config,
};
[[nodiscard]] const char* to_string(media_error e) noexcept;

/// What SDP negotiation decided for one direction pair.
struct codec_choice {
    const codecs::codec_factory* codec = nullptr;
    std::uint8_t payload_type = 0;
    std::chrono::milliseconds ptime{20};
    bool vad = false;  ///< G.729 Annex B / silence suppression when the codec has it
    /// RFC 3389 comfort noise packets accepted on this payload type (G.711 legs): the gap
    /// after one is filled with noise at its level. We never send CN.
    std::optional<std::uint8_t> comfort_noise_payload_type;
};

struct remote_address {
    std::string address;
    std::uint16_t port = 0;
};

/// Everything a CRCX decides for the media plane.
struct connection_params {
    codec_choice codec{};
    /// RFC 4733 telephone-event payload type when negotiated (e.g. 101).
    std::optional<std::uint8_t> telephone_event_payload_type;
    connection_mode mode = connection_mode::sendrecv;
    std::optional<remote_address> remote;
    bool echo_canceller = true;
    std::chrono::milliseconds echo_tail{64};  ///< up to 128 ms
    bool latch_remote = false;                ///< symmetric RTP for peers behind NAT
    rtp::jitter_buffer_config jitter{};
    std::chrono::milliseconds rtp_timeout{0};  ///< 0: never report
    /// With RFC 4733: how long the trunk's audio is held back before encoding, so that the
    /// start of a digit (which the detector needs 20-40 ms to recognise) is removed from the
    /// audio stream too. Adds this much delay toward IP on relay connections; 0 disables.
    std::chrono::milliseconds dtmf_lookahead{30};
    bool rtcp = true;                          ///< RTCP SR/RR (RFC 3550 §6)
    std::chrono::milliseconds rtcp_interval{5000};
};

/// What an MDCX may change (unset: unchanged).
struct connection_changes {
    std::optional<connection_mode> mode;
    std::optional<remote_address> remote;
    std::optional<bool> echo_canceller;
    /// A new codec (the pipeline's encoder and decoder are rebuilt on the control thread).
    std::optional<codec_choice> codec;
};

/// Counters published by the media thread (the RTP ones when a packet moved, the others as they
/// change), read by the control thread (MGCP P:).
struct published_statistics {
    std::atomic<std::uint64_t> packets_sent{0}, octets_sent{0}, packets_received{0},
        octets_received{0};
    std::atomic<std::int64_t> packets_lost{0};
    std::atomic<std::uint32_t> jitter_ms{0}, latency_ms{0};
    std::atomic<std::uint64_t> frames_concealed{0}, late_packets{0}, playout_resyncs{0}, events_sent{0},
        events_received{0}, digits_detected{0}, decode_errors{0}, rtcp_sent{0}, rtcp_received{0},
        comfort_noise_received{0};  ///< RFC 3389 CN packets taken
};

/// The codec half of a pipeline: built on the control thread, swapped in on the media thread.
struct codec_pipeline {
    codec_choice choice{};
    std::unique_ptr<codecs::encoder> encoder;
    std::unique_ptr<codecs::decoder> decoder;
    std::size_t samples_per_packet = 0;
    std::vector<std::int16_t> encode_buffer;   ///< one packet of linear samples
    std::vector<std::uint8_t> payload_buffer;  ///< one packet of coded bytes
    std::vector<std::int16_t> decode_buffer;   ///< the longest packet accepted, decoded

    /// Errors: unsupported_codec, unsupported_ptime, codec_failure.
    static expected<std::unique_ptr<codec_pipeline>, media_error> create(const codec_choice& c,
                                                                         unsigned tick_samples);
};

class connection final : public rtp::telephone_event_handler {
public:
    enum class state { created, connected, deleted };

    /// Errors: see media_error. `session` is already bound (its port comes from the allocator).
    static expected<std::unique_ptr<connection>, media_error> create(
        connection_id id, endpoint_index ep, const connection_params& params,
        std::unique_ptr<rtp::rtp_session> session, unsigned tick_samples,
        media_event_notifier* events);
    ~connection() override;

    [[nodiscard]] connection_id id() const noexcept { return id_; }
    [[nodiscard]] endpoint_index endpoint() const noexcept { return endpoint_; }
    [[nodiscard]] connection_mode mode() const noexcept { return mode_; }
    [[nodiscard]] state current_state() const noexcept { return state_; }
    [[nodiscard]] std::uint16_t local_port() const noexcept { return session_->local_port(); }
    [[nodiscard]] const std::shared_ptr<published_statistics>& stats() const noexcept {
        return stats_;
    }
    [[nodiscard]] bool echo_canceller_active() const noexcept { return ec_on_; }

    // ---- media thread ------------------------------------------------------------------------
    /// RTP -> linear: pulls what is due, decodes or conceals, regenerates DTMF. Writes exactly
    /// `out.size()` (= tick) samples; returns false (and silence) when nothing is playing.
    bool receive(std::span<std::int16_t> out) noexcept;
    /// linear -> RTP. `line`: what the trunk sent (empty for virtual endpoints or when the line
    /// does not feed this connection); `line_ref`: what was written to the trunk this tick
    /// (echo reference); `mix`: audio of the other connections (or the own decoded audio in
    /// netwloop). Any of them may be empty.
    void transmit(std::span<const std::int16_t> line, std::span<const std::int16_t> line_ref,
                  std::span<const std::int16_t> mix) noexcept;
    /// Applies an MDCX. `codec` (when present) replaces the pipeline and the old one is
    /// returned for freeing on the control thread.
    std::unique_ptr<codec_pipeline> apply(const connection_changes& c,
                                          std::unique_ptr<codec_pipeline> codec) noexcept;
    /// DLCX: stops all media; the object is then handed back to the control thread.
    void close() noexcept;

    /// The sockets to watch for readiness (see media_engine::tick).
    [[nodiscard]] std::array<int, 2> descriptors() const noexcept { return session_->descriptors(); }
    /// From now on `receive` reads the session only when `mark_readable` was called this tick,
    /// packets wait in the jitter buffer, or `idle_poll_ticks` went by (oRTP's own RTCP
    /// timing); without it (the default), every tick.
    void track_readiness() noexcept { readiness_tracked_ = true; }
    void mark_readable() noexcept { readable_ = true; }
    /// Ticks it may miss (the engine does not tick its endpoint) with nothing lost: 0 while it
    /// sends, plays audio or a digit, or has packets queued; otherwise until its next idle poll
    /// or the tick its RTP timeout would fire. Only with readiness tracking.
    [[nodiscard]] unsigned quiet_ticks() const noexcept;
    /// The engine left it out for `ticks` ticks: the playout clock and the idle and timeout
    /// counts move on as if they had run.
    void skipped(unsigned ticks) noexcept;

    // rtp::telephone_event_handler (called from inside receive's poll)
    void on_telephone_event(const rtp::telephone_event& ev) override;

private:
    connection() = default;
    void handle_packet(const rtp::received_packet& p) noexcept;
    void conceal(std::size_t samples) noexcept;
    /// RFC 3389: a CN packet sets the level of the noise that fills the gap after it.
    void handle_comfort_noise(const rtp::received_packet& p) noexcept;
    void comfort_noise(std::size_t samples) noexcept;
    void fifo_push(std::span<const std::int16_t> pcm) noexcept;
    void encode_block(std::span<const std::int16_t> pcm) noexcept;
    void relay_dtmf(const dtmf_detector::result& r) noexcept;
    void publish() noexcept;
    /// Whether RTP is expected from the peer in this mode (RTP timeout applies).
    [[nodiscard]] bool expects_media() const noexcept {
        return plays_to_line(mode_) || mode_ == connection_mode::netwloop ||
               mode_ == connection_mode::netwtest;
    }
    void emit(media_event_kind kind, char digit = 0) noexcept;

    connection_id id_{};
    endpoint_index endpoint_{};
    state state_ = state::created;
    connection_mode mode_ = connection_mode::sendrecv;
    unsigned tick_ = 80;
    std::unique_ptr<rtp::rtp_session> session_;
    std::unique_ptr<codec_pipeline> codec_;
    std::optional<std::uint8_t> tev_pt_;
    media_event_notifier* events_ = nullptr;
    std::shared_ptr<published_statistics> stats_;

    // DSP
    std::unique_ptr<dtmf_detector> dtmf_rx_;
    std::unique_ptr<dtmf_generator> dtmf_tx_;
    std::unique_ptr<answer_tone_detector> answer_tone_;
    std::unique_ptr<echo_canceller> ec_;
    bool ec_on_ = false;
    std::vector<std::int16_t> work_;  ///< one tick of linear samples (send side)
    std::vector<std::int16_t> lookahead_;  ///< delay line of the send side (relay only)
    std::size_t lookahead_pos_ = 0;        ///< oldest sample in the delay line

    // send side
    std::size_t encode_fill_ = 0;
    std::uint32_t tx_ts_ = 0;      ///< RTP timestamp of the packet being filled
    bool marker_next_ = true;      ///< RFC 3551 §4.1: marker on the first packet of a talkspurt
    char relay_digit_ = 0;         ///< RFC 4733 event being sent
    std::uint32_t relay_ts_ = 0;   ///< its timestamp (start)
    std::uint32_t relay_samples_ = 0;
    unsigned relay_since_update_ = 0;

    // receive side
    std::uint32_t rx_clock_ = 0;   ///< local playout clock handed to the jitter buffer
    bool rx_started_ = false;
    std::uint32_t rx_expected_ts_ = 0;  ///< timestamp of the next sample the stream owes us
    unsigned rx_idle_ticks_ = 0;        ///< ticks since the last audio packet
    unsigned rx_late_run_ = 0;          ///< late packets in a row (re-anchor after a few)
    std::uint32_t rx_concealed_ = 0;    ///< samples concealed since the last packet played
    std::vector<std::int16_t> fifo_;    ///< decoded samples waiting to be played
    std::size_t fifo_fill_ = 0;
    std::uint32_t tev_last_ts_ = 0;     ///< RFC 4733 event being played (its timestamp)
    bool tev_playing_ = false;
    bool tev_ended_ = false;
    unsigned tev_idle_ticks_ = 0;
    std::uint64_t rx_packets_seen_ = 0;
    unsigned timeout_ticks_ = 0;        ///< rtp_timeout in ticks (0: off)
    unsigned silent_ticks_ = 0;         ///< ticks without any RTP packet
    bool rx_comfort_noise_ = false;     ///< the last packet ended in a SID frame
    bool cn_active_ = false;            ///< an RFC 3389 CN packet came after the last audio
    double cn_peak_ = 0;                ///< its level, as the peak of uniform noise
    std::uint32_t cn_state_ = 0x12345678u;  ///< xorshift32 state of the noise
    bool timed_out_ = false;

    // readiness (media thread)
    bool readiness_tracked_ = false;
    bool readable_ = false;
    unsigned unpolled_ticks_ = 0;
    std::uint64_t published_activity_ = ~std::uint64_t{0};  ///< session activity at the last publish
    bool publish_due_ = true;  ///< something other than packets changed (mode, close)
};

}  // namespace tandem::gateway::media
