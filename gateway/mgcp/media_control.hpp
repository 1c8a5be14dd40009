#pragma once
/// The seam between the MGCP agent (control) and the media plane (gateway/media, gateway/rtp).
/// The agent decides; the media plane carries it out and reports what it observes.
///
/// Threads: every call is made on the control-plane thread (the io_context of the agent); the
/// media plane hands the change to its workers at the next tick and returns at once. Media
/// events come back on the control thread too (the media plane posts them).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "gateway/mgcp/endpoint_address.hpp"
#include "proto/mgcp/connection_options.hpp"
#include "proto/mgcp/event.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::gateway::mgcp {

/// A payload format both sides agreed on (RFC 3264 answer order: the first is sent).
struct negotiated_codec {
  std::string encoding;  ///< "PCMU", "G729", as the codec registry names it
  unsigned payload_type = 0;
  unsigned clock_rate = 8000;
  std::string fmtp;
  friend bool operator==(const negotiated_codec&, const negotiated_codec&) = default;
};

/// Where the far end receives RTP (from its SDP).
struct remote_media {
  std::string address;
  std::uint16_t port = 0;
  friend bool operator==(const remote_media&, const remote_media&) = default;
};

/// Everything the media plane needs for one connection.
struct media_settings {
  tandem::mgcp::connection_mode_kind mode = tandem::mgcp::connection_mode_kind::inactive;
  std::vector<negotiated_codec> codecs;
  std::optional<unsigned> telephone_event_payload_type;  ///< RFC 4733 relay when set
  std::optional<unsigned> comfort_noise_payload_type;    ///< RFC 3389 CN received when set
  std::chrono::milliseconds ptime{20};
  std::optional<remote_media> remote;  ///< none until the remote SDP is known
  /// CRCX with Z2 (RFC 3435 §2.3.5): the connection on the second endpoint that this one is
  /// bridged to inside the gateway, instead of a remote RTP address.
  std::optional<std::string> joined_endpoint;
  std::optional<std::string> joined_connection;
  bool echo_cancellation = true;
  bool silence_suppression = false;
  std::optional<std::uint8_t> type_of_service;
  friend bool operator==(const media_settings&, const media_settings&) = default;
};

struct connection_key {
  endpoint_address endpoint;
  tandem::mgcp::connection_id id;
  friend auto operator<=>(const connection_key&, const connection_key&) = default;
};

/// What the media plane allocated for a connection: our RTP address and port.
struct local_media {
  std::string address;
  std::uint16_t port = 0;
};

enum class media_error {
  no_resources,  ///< no RTP port, no DSP channel (502)
  refused,       ///< the change cannot be applied now (529)
};

/// Commands from the agent to the media plane.
class media_control {
 public:
  virtual ~media_control() = default;
  /// Allocates the RTP port and starts the connection.
  virtual expected<local_media, media_error> create_connection(const connection_key& key,
                                                              const media_settings& settings) = 0;
  /// Applies new settings to an existing connection.
  virtual expected<void, media_error> modify_connection(const connection_key& key,
                                                        const media_settings& settings) = 0;
  /// Stops and frees the connection; returns its statistics (RFC 3435 §3.2.2 P:).
  virtual tandem::mgcp::connection_parameters delete_connection(const connection_key& key) = 0;
  /// The statistics of a live connection.
  virtual tandem::mgcp::connection_parameters statistics(const connection_key& key) const = 0;
  /// EPCF: the line side's encoding law (RFC 3435 §2.3.2).
  virtual void set_bearer_encoding(const endpoint_address& e, tandem::mgcp::bearer_encoding law) = 0;
  /// Starts a signal (tone, digit) on the endpoint, or on one connection when `on` is set.
  virtual void start_signal(const endpoint_address& e, const tandem::mgcp::signal_request& s,
                            const std::optional<tandem::mgcp::connection_id>& on) = 0;
  /// Stops one signal (an on/off signal turned off, a time-out signal that timed out).
  virtual void stop_signal(const endpoint_address& e, const tandem::mgcp::signal_request& s) = 0;
  /// Stops every signal the endpoint plays.
  virtual void stop_signals(const endpoint_address& e) = 0;
  /// The events the media plane must watch on the endpoint (empty: none).
  virtual void set_detection(const endpoint_address& e,
                             const std::vector<tandem::mgcp::event_name>& events) = 0;
};

}  // namespace tandem::gateway::mgcp
