#pragma once
/// A lab: the processes of a test bed and how they connect, loaded from one libconfig file
/// (etc/lab/*.cfg; reference in docs/lab.md).
///
/// Today a lab holds exchanges (tandem-pstn) joined by sim spans. The model is a list of
/// nodes, each of one kind, and a list of links between nodes; gateways (spans between an
/// exchange and a gateway), the call agent (its routes and the gateways it controls) and SIP
/// user agents join as further node kinds without changing how labs start, stop and run
/// scenarios. The loader recognises their sections and says plainly that they are not
/// available yet.
#include <chrono>
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
  gateway,     ///< tandem-mgw (not yet)
  call_agent,  ///< tandem-ca (not yet)
  sip_ua,      ///< sipp or baresip (not yet)
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
  std::vector<span_link> spans;
  /// WAV files (8 kHz mono 16-bit) given to every exchange, played and recognised by name
  /// (`play A file speech`, `expect B hears file speech`). Paths are absolute after loading.
  std::vector<pstn::media_file_config> media;
  /// How long `up` waits for every PRI link (D-channel) to come up.
  std::chrono::milliseconds link_up_timeout{10'000};

  [[nodiscard]] const exchange_node* exchange(std::string_view name) const;
  /// Names of every node, in definition order.
  [[nodiscard]] std::vector<std::string> node_names() const;
};

/// Loads and validates a lab file; every error with its setting path and line.
[[nodiscard]] expected<lab_config, config::config_errors> load_lab_config(const std::string& file);
/// The same from text (tests); `base_dir` resolves relative media paths.
[[nodiscard]] expected<lab_config, config::config_errors> parse_lab_config(std::string_view text,
                                                                           const std::string& base_dir = ".");

}  // namespace tandem::lab::runner
