#pragma once
/// The agent's media_control over the media plane's engines (gateway/media): one engine per
/// span, and one for the virtual rtp/<n> endpoints. Maps the agent's connection ids (hex
/// strings) to the engines' numeric ones, the negotiated codecs to codec factories, and the
/// engines' events (DTMF, answer tone, RTP timeout, continuity tone returned) back to MGCP
/// observed events.
///
/// Signals (RFC 3660 G, D, T, R) are played by the engines (docs/media.md "Signals"): each
/// one started is counted (`signals.played.<pkg>_<name>`, digits `signals.played.d_digit`);
/// one the engine cannot take (queue full, connection gone) is counted (`signals.failed`) and
/// reported to the agent as `<pkg>/of(<pkg>/<name>)` at the next poll. EPCF's law is applied
/// to the timeslot (`bearer.applied`). A Z2 pair is bridged through RTP over the loopback
/// address (each half's remote is the other's port).
///
/// Threads: the control-plane thread only (the engines' control side).
#include <map>
#include <optional>
#include <vector>

#include "codecs/registry.hpp"
#include "common/counters.hpp"
#include "gateway/media/media_engine.hpp"
#include "gateway/mgcp/media_control.hpp"
#include "gateway/mgcp/media_event_handler.hpp"

namespace tandem::gateway::app {

class engine_media_control final : public mgcp::media_control {
 public:
  engine_media_control(std::vector<media::media_engine*> engines, const codecs::registry& codecs,
                       std::string local_address, counter_set& counters);

  expected<mgcp::local_media, mgcp::media_error> create_connection(const mgcp::connection_key& key,
                                                                   const mgcp::media_settings& s) override;
  expected<void, mgcp::media_error> modify_connection(const mgcp::connection_key& key,
                                                      const mgcp::media_settings& s) override;
  tandem::mgcp::connection_parameters delete_connection(const mgcp::connection_key& key) override;
  tandem::mgcp::connection_parameters statistics(const mgcp::connection_key& key) const override;
  void set_bearer_encoding(const mgcp::endpoint_address& e, tandem::mgcp::bearer_encoding law) override;
  void start_signal(const mgcp::endpoint_address& e, const tandem::mgcp::signal_request& s,
                    const std::optional<tandem::mgcp::connection_id>& on) override;
  void stop_signal(const mgcp::endpoint_address& e, const tandem::mgcp::signal_request& s) override;
  void stop_signals(const mgcp::endpoint_address& e) override;
  void set_detection(const mgcp::endpoint_address& e, const std::vector<tandem::mgcp::event_name>& events) override;

  /// Reads every engine's events and hands them to `handler`; frees what the media threads
  /// retired. Call it from a periodic timer on the control thread.
  void poll(mgcp::media_event_handler& handler);

 private:
  struct placed {
    media::media_engine* engine = nullptr;
    media::connection_id id{};
    std::uint16_t port = 0;
  };
  std::optional<std::pair<media::media_engine*, media::endpoint_index>> locate(const mgcp::endpoint_address& e) const;
  std::optional<media::connection_params> params_of(const mgcp::media_settings& s) const;
  /// The engine's id of the agent's connection `id` on `e`.
  std::optional<media::connection_id> media_id(const mgcp::endpoint_address& e, const std::string& id) const;
  /// Reports `<pkg>/of(<pkg>/<name>)` for a signal the media plane could not play.
  void signal_failed(const mgcp::endpoint_address& e, const tandem::mgcp::signal_request& s);

  std::vector<media::media_engine*> engines_;
  const codecs::registry& codecs_;
  std::string local_address_;
  counter_set& counters_;
  std::map<mgcp::connection_key, placed> connections_;
  /// Continuity signal last started per endpoint ("co1" or "co2"): names the return tone.
  std::map<mgcp::endpoint_address, std::string> continuity_;
  /// Signals that failed, reported at the next poll.
  std::vector<std::pair<mgcp::endpoint_address, tandem::mgcp::observed_event>> failed_;
};

}  // namespace tandem::gateway::app
