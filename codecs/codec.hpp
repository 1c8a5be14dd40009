#pragma once
/// The one codec interface of Tandem.
///
/// A codec is a static description (`codec_info`, what SDP and RTP need to know) plus a factory
/// that makes encoder and decoder objects. Encoders and decoders work on whole frames of 16-bit
/// linear PCM at the codec's linear sample rate (`codec_info::sample_rate`); a call may carry
/// several frames at once (one RTP packet of `ptime`).
///
/// Threading: a `codec_factory` is immutable and may be shared by every thread. An `encoder` or
/// `decoder` holds per-stream state and belongs to one thread (one media worker) at a time.
/// Encoders and decoders never allocate after construction.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "common/expected.hpp"

namespace tandem::codecs {

/// Why a codec operation failed. Bad input is always one of these, never a crash.
enum class codec_error {
    wrong_frame_length,    ///< PCM input is not a positive whole number of frames
    truncated_frame,       ///< payload ends inside a frame (or has a length no frame sequence has)
    invalid_frame,         ///< payload bits that the codec rejects (e.g. a reserved frame type)
    buffer_too_small,      ///< the output span cannot hold the result
    unknown_payload_type,  ///< no codec is registered for this static RTP payload type
    unknown_codec,         ///< no codec of this name / clock rate / channels is known at all
    not_built_in,          ///< a known codec that this binary was built without
    unsupported_ptime,     ///< ptime is not a multiple of the frame or outside the allowed range
    unsupported_option,    ///< e.g. VAD asked of a codec that has none
    backend_failure,       ///< the third-party library refused or failed
};

/// Stable lower-case name of an error, for logs and the codec tool (`"truncated_frame"`).
std::string_view to_string(codec_error e) noexcept;

/// Static facts about a codec: what SDP (RFC 4566 / RFC 3551) and the RTP packetiser need.
struct codec_info {
    /// SDP encoding name as in the rtpmap attribute (RFC 3551 §6), e.g. "PCMU", "G729", "G726-32".
    std::string_view encoding_name;
    /// Static RTP payload type from RFC 3551 Table 4, or nullopt when the codec needs a dynamic one.
    std::optional<std::uint8_t> static_payload_type;
    /// RTP timestamp clock rate. Not always the sample rate: G.722 uses 8000 (RFC 3551 §4.5.2).
    std::uint32_t clock_rate = 8000;
    /// Sample rate of the linear PCM that the encoder takes and the decoder gives.
    std::uint32_t sample_rate = 8000;
    std::uint8_t channels = 1;
    /// Nominal bit rate of the coded stream in bit/s.
    std::uint32_t bit_rate = 0;
    /// Duration of one codec frame (the unit of encode/decode calls).
    std::chrono::microseconds frame_duration{10'000};
    /// Linear samples per frame (`frame_duration * sample_rate`).
    std::size_t samples_per_frame = 80;
    /// Bytes of one coded speech frame.
    std::size_t bytes_per_frame = 80;
    /// Bytes of a SID (silence descriptor) frame; 0 when the codec has no SID frames.
    /// G.729 Annex B: 2 bytes; G.723.1 Annex A: 4 bytes.
    std::size_t sid_bytes = 0;
    /// Packetisation: default ptime, and the allowed range (every multiple of the frame inside).
    std::chrono::milliseconds default_ptime{20};
    std::chrono::milliseconds min_ptime{10};
    std::chrono::milliseconds max_ptime{200};
    /// The encoder can run voice activity detection and send SID frames (discontinuous TX).
    bool has_vad = false;
    /// The decoder conceals lost frames itself (its `conceal()` is the codec's own algorithm);
    /// otherwise `conceal()` uses spandsp's generic PLC (G.711 Appendix I style).
    bool has_internal_plc = false;
    /// One line for humans ("ITU-T G.729 Annex A, CS-ACELP 8 kbit/s").
    std::string_view description;

    /// RTP timestamp ticks per frame (the clock rate, not the sample rate, counts).
    [[nodiscard]] std::uint32_t rtp_ticks_per_frame() const noexcept {
        return static_cast<std::uint32_t>(frame_duration.count() * clock_rate / 1'000'000);
    }
    /// Whether `ptime` is a whole number of frames inside [min_ptime, max_ptime].
    [[nodiscard]] bool allows_ptime(std::chrono::milliseconds ptime) const noexcept {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(ptime);
        return ptime >= min_ptime && ptime <= max_ptime && us.count() % frame_duration.count() == 0;
    }
    /// Frames in one packet of `ptime` (0 when the ptime is not allowed).
    [[nodiscard]] std::size_t frames_per_packet(std::chrono::milliseconds ptime) const noexcept {
        if (!allows_ptime(ptime)) return 0;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(ptime);
        return static_cast<std::size_t>(us.count() / frame_duration.count());
    }
};

/// Per-encoder choices.
struct encoder_options {
    /// Voice activity detection with SID frames (G.729 Annex B). Refused with
    /// `unsupported_option` by codecs without `has_vad`.
    bool vad = false;
};

/// Linear PCM -> coded frames. One per stream direction; not thread-safe.
class encoder {
public:
    virtual ~encoder() = default;
    [[nodiscard]] virtual const codec_info& info() const noexcept = 0;
    /// Encodes `pcm` (a positive whole number of frames) into `out`; returns the bytes written.
    /// With VAD on, a frame may come out as a SID frame (`sid_bytes`) or as nothing at all
    /// (no transmission, G.729 Annex B); the result can then be shorter, even 0.
    /// Errors: wrong_frame_length, buffer_too_small, backend_failure.
    virtual expected<std::size_t, codec_error> encode(std::span<const std::int16_t> pcm,
                                                      std::span<std::uint8_t> out) = 0;
    /// Back to the initial state (a new stream).
    virtual void reset() = 0;
};

/// Coded frames -> linear PCM. One per stream direction; not thread-safe.
class decoder {
public:
    virtual ~decoder() = default;
    [[nodiscard]] virtual const codec_info& info() const noexcept = 0;
    /// Decodes one RTP payload (one or more whole frames, possibly ending in a SID frame) into
    /// `pcm`; returns the number of samples written. A SID frame decodes to comfort noise of one
    /// frame. Errors: truncated_frame, invalid_frame, buffer_too_small, backend_failure.
    virtual expected<std::size_t, codec_error> decode(std::span<const std::uint8_t> payload,
                                                      std::span<std::int16_t> pcm) = 0;
    /// A lost frame (or several): fills `pcm` (a positive whole number of frames) with the
    /// codec's own concealment, or spandsp PLC for codecs without one. Returns samples written.
    virtual expected<std::size_t, codec_error> conceal(std::span<std::int16_t> pcm) = 0;
    /// Back to the initial state (a new stream).
    virtual void reset() = 0;
};

/// Makes encoders and decoders of one codec. Immutable, shared.
class codec_factory {
public:
    virtual ~codec_factory() = default;
    [[nodiscard]] virtual const codec_info& info() const noexcept = 0;
    [[nodiscard]] virtual expected<std::unique_ptr<encoder>, codec_error> make_encoder(
        const encoder_options& options = {}) const = 0;
    [[nodiscard]] virtual expected<std::unique_ptr<decoder>, codec_error> make_decoder() const = 0;
};

}  // namespace tandem::codecs
