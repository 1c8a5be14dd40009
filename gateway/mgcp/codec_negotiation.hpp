#pragma once
/// Codec negotiation for CRCX/MDCX (RFC 3435 §2.3.5, RFC 3264): the call agent's L: a: list
/// (its order of preference), the remote SDP's formats and our capabilities (the codec
/// registry filtered by the configured list) meet; the result is our SDP answer.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codecs/registry.hpp"
#include "gateway/mgcp/failure.hpp"
#include "gateway/mgcp/media_control.hpp"
#include "proto/mgcp/connection_options.hpp"
#include "proto/sdp/session.hpp"

namespace tandem::gateway::mgcp {

/// One codec we can run, as the registry describes it.
struct codec_capability {
  std::string encoding;  ///< canonical name ("PCMU")
  std::optional<std::uint8_t> static_payload_type;
  unsigned clock_rate = 8000;
  unsigned bit_rate_kbps = 64;
  std::chrono::milliseconds frame{10};
  std::chrono::milliseconds min_ptime{10};
  std::chrono::milliseconds max_ptime{200};
  std::chrono::milliseconds default_ptime{20};
  bool has_vad = false;
  bool allows(std::chrono::milliseconds p) const {
    return p >= min_ptime && p <= max_ptime && p.count() % frame.count() == 0;
  }
};

/// Builds our capabilities from the configured names in order; names the registry lacks are
/// left out (and reported in `missing`).
std::vector<codec_capability> load_capabilities(const codecs::registry& reg,
                                                const std::vector<std::string>& names,
                                                std::vector<std::string>* missing = nullptr);

struct negotiation_input {
  const std::vector<codec_capability>* capabilities = nullptr;
  const tandem::mgcp::local_connection_options* options = nullptr;  ///< L:, may be null
  const sdp::session_description* remote = nullptr;                 ///< may be null
  bool dtmf_relay = true;
  unsigned telephone_event_payload_type = 101;
  std::chrono::milliseconds default_ptime{20};
};

struct negotiation_result {
  std::vector<negotiated_codec> codecs;
  std::optional<unsigned> telephone_event_payload_type;
  /// RFC 3389 comfort noise ("CN", static 13 or dynamic): answered when the offer lists it and
  /// the audio codec is G.711 (codecs with their own silence frames, G.729 Annex B, keep those).
  std::optional<unsigned> comfort_noise_payload_type;
  std::chrono::milliseconds ptime{20};
  std::optional<remote_media> remote;
};

/// Checks L: against our capabilities and negotiates. Failures: 524 (a: vs b: conflict),
/// 532 (b: excludes every codec, nt: not IN), 535 (p: fits no codec), 534 (nothing in
/// common), 505 (no RTP/AVP audio stream in the SDP), 509 (no connection address).
expected<negotiation_result, rejection> negotiate(const negotiation_input& in);

/// Our LocalConnectionDescriptor: one audio stream listing what we accept (RFC 3264 §6.1).
std::string build_answer(const negotiation_result& n, const local_media& local,
                         tandem::mgcp::connection_mode_kind mode, std::uint64_t session_id,
                         std::uint64_t session_version);

}  // namespace tandem::gateway::mgcp
