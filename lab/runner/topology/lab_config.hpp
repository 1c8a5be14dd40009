#pragma once
/// A lab: the processes of a test bed and how they connect, loaded from one libconfig file
/// (etc/lab/*.cfg; reference in docs/lab.md).
///
/// A lab holds exchanges (tandem-pstn), gateways (tandem-mgw) and at most one call agent
/// (tandem-ca), joined by sim spans: exchange to exchange (back to back, no call agent), or
/// exchange to gateway (the exchange is the network side and keeps the clock; the gateway
/// backhauls the span's D-channel to the call agent, which runs Q.931 user side), and SIP
/// user agents (sipp) that the call agent reaches as SIP trunk peers.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/config/config_error.hpp"
#include "common/expected.hpp"
#include "lab/pstn/pstn_config.hpp"
#include "tdm/span.hpp"

namespace tandem::lab::runner {

/// The kinds of process a lab can start.
enum class node_kind {
  exchange,    ///< tandem-pstn
  gateway,     ///< tandem-mgw
  call_agent,  ///< tandem-ca
  sip_ua,      ///< sipp: a SIP peer of the call agent (answers calls; places calls per scenario)
};

[[nodiscard]] std::string_view to_string(node_kind k);

/// An exchange simulator node.
struct exchange_node {
  std::string name;
  pstn::interface_side side = pstn::interface_side::network;
  unsigned record_seconds = 20;
  /// Subscribers answer incoming calls on every span of the exchange.
  std::vector<pstn::subscriber_config> subscribers;
};

/// A media gateway node: its spans are the span links naming it (as slave), numbered 1.. in
/// the order of lab.spans.
struct gateway_node {
  std::string name;  ///< also its MGCP domain (endpoints ds/e1-1/5@<name>) and backhaul name
  /// Codecs the gateway offers on RTP (tandem-mgw codecs.enabled).
  std::vector<std::string> codecs{"PCMA", "PCMU", "G729", "G723"};
  bool dtmf_relay = true;          ///< RFC 4733 telephone-events
  bool echo_cancellation = false;  ///< off: tones and markers arrive unchanged
  std::string log_level = "info";
  int line = 0;
};

/// A route of the call agent: called numbers starting with `prefix` go to the spans facing
/// exchange `to`, offering `codecs` in order (the call agent's route policy).
struct ca_route {
  std::string name;
  std::string prefix;
  unsigned strip = 0;
  std::string prepend;
  std::string to;  ///< an exchange reached through a gateway, or a SIP user agent
  std::vector<std::string> codecs{"PCMA"};
  int line = 0;
};

/// The call agent node. Its gateways are every gateway of the lab; each gateway span is one
/// trunk group (PRI, user side) named <gateway>-<span>.
struct call_agent_node {
  std::string name = "ca";
  std::vector<ca_route> routes;
  std::chrono::milliseconds no_answer{30'000};
  int line = 0;
};

/// How a SIP user agent answers the INVITEs the call agent sends it.
enum class sip_behaviour { answer, reject };

/// A SIP user agent node (sipp). It is a SIP trunk peer of the call agent: routes with
/// `to = <name>` send calls to it, and a scenario's call from it (`call alice:5001 -> ...`)
/// is an INVITE from a sipp UAC to the call agent. Both echo the RTP they receive.
struct sip_ua_node {
  std::string name;
  sip_behaviour behaviour = sip_behaviour::answer;
  int status = 486;  ///< the final response when behaviour is reject (RFC 3261 §21)
  std::chrono::milliseconds answer_after{200};  ///< 180 Ringing, then 200 OK after this
  std::string codec = "PCMA";  ///< PCMA or PCMU: the one codec of its SDP
  int line = 0;
};

/// A sim span between two nodes. `master` keeps the clock and creates the socket (the network
/// side, as on a real E1); `slave` connects to it.
struct span_link {
  std::string master;
  std::string slave;
  tdm::span_type type = tdm::span_type::e1;
  std::chrono::milliseconds tick{10};
  int line = 0;  ///< where it is defined, for errors found later
};

struct lab_config {
  std::string name;
  std::string file;  ///< where it was loaded from
  std::vector<exchange_node> exchanges;
  std::vector<gateway_node> gateways;
  std::optional<call_agent_node> call_agent;
  std::vector<sip_ua_node> sip_peers;
  std::vector<span_link> spans;
  /// WAV files (8 kHz mono 16-bit) given to every exchange, played and recognised by name
  /// (`play A file speech`, `expect B hears file speech`). Paths are absolute after loading.
  std::vector<pstn::media_file_config> media;
  /// How long `up` waits for every PRI link (D-channel) to come up.
  std::chrono::milliseconds link_up_timeout{10'000};

  [[nodiscard]] const exchange_node* exchange(std::string_view name) const;
  [[nodiscard]] const gateway_node* gateway(std::string_view name) const;
  [[nodiscard]] const sip_ua_node* sip_peer(std::string_view name) const;
  /// Spans of a gateway (links whose slave it is), in lab order; their number on the gateway
  /// is the position + 1.
  [[nodiscard]] std::vector<const span_link*> gateway_spans(std::string_view gateway) const;
  /// Names of every node, in definition order.
  [[nodiscard]] std::vector<std::string> node_names() const;
};

/// Loads and validates a lab file; every error with its setting path and line.
[[nodiscard]] expected<lab_config, config::config_errors> load_lab_config(const std::string& file);
/// The same from text (tests); `base_dir` resolves relative media paths.
[[nodiscard]] expected<lab_config, config::config_errors> parse_lab_config(std::string_view text,
                                                                           const std::string& base_dir = ".");

}  // namespace tandem::lab::runner
