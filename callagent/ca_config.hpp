#pragma once
/// The call agent's configuration: plain structs with defaults, filled by load_ca_config
/// (libconfig, see docs/callagent.md for the file syntax) and checked by validate().
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config_error.hpp"
#include "common/expected.hpp"
#include "common/log_sink.hpp"
#include "isdn/pri_adapter.hpp"
#include "ops/ops_config.hpp"

namespace tandem::callagent {

/// One media gateway the call agent controls.
struct gateway_config {
  std::string name;              ///< as routes and trunk groups refer to it
  std::string address = "127.0.0.1";
  std::uint16_t port = 2427;     ///< RFC 3435 §3.5: gateways listen on 2427
  /// The domain part of its endpoint names (`ds/e1-1/1@mgw1`); defaults to `name`.
  std::string domain;
  /// Local name of a circuit: `{span}` and `{channel}` are replaced.
  std::string endpoint_pattern = "ds/e1-{span}/{channel}";
  /// Period of the AUEP keep-alive (0: none).
  std::chrono::milliseconds keepalive{30'000};
};

/// RFC-less but universal: how a trunk group picks an idle B-channel.
enum class hunting { ascending, descending, round_robin, least_used };

/// Channels of one span in a trunk group.
struct span_channels {
  unsigned span = 1;
  std::vector<unsigned> channels;  ///< in the order written ("1-15,17-31")
};

/// How a trunk group's calls are signalled.
enum class trunk_signalling {
  pri,   ///< ISDN PRI: Q.931 (libpri, user side) over each span's D-channel backhaul
  none,  ///< no signalling from this call agent (circuits reached otherwise, tests)
};

/// A set of B-channels on one gateway, hunted as one.
struct trunk_group_config {
  std::string name;
  std::string gateway;
  std::vector<span_channels> spans;
  callagent::hunting hunting = hunting::ascending;
  trunk_signalling signalling = trunk_signalling::pri;
  /// Q.931 dialect of the spans' D-channels (pri only).
  isdn::switch_type switch_kind = isdn::switch_type::euroisdn_e1;
};

/// Where a route sends a call.
enum class target_kind { trunk_group, sip_peer, user };
struct route_target {
  target_kind kind = target_kind::trunk_group;
  std::string name;
};

/// How a number is matched: a literal prefix, or a pattern (see number_rule.hpp).
enum class match_kind { prefix, pattern };

/// Number manipulation: strip leading digits, then prepend.
struct number_edit {
  unsigned strip = 0;
  std::string prepend;
};

/// A normalisation rule applied to the called number before routing.
struct normalise_rule {
  match_kind kind = match_kind::prefix;
  std::string match;
  number_edit edit;
};

/// A routing rule: first match in file order wins.
struct route_config {
  std::string name;
  match_kind kind = match_kind::prefix;
  std::string match;
  number_edit called;   ///< applied to the called number sent out
  number_edit calling;  ///< applied to the calling number sent out
  /// Targets in the order tried: route advance on congestion or codec refusal.
  std::vector<route_target> targets;
  /// Codecs in preference order, one per attempt (MGCP names: "G729", "PCMA", "PCMU").
  std::vector<std::string> codecs{"PCMA"};
};

struct cdr_config {
  std::string path;  ///< empty: no records written
  bool fsync = false;  ///< fsync after every line (durability over speed)
};

struct timers_config {
  /// No answer: from SETUP sent until CONNECT (cause 18 before ALERTING, 19 after).
  std::chrono::milliseconds no_answer{90'000};
  /// RFC 3435 §4.4.1 RSIP graceful with no RD: drain for at most this long.
  std::chrono::milliseconds graceful_drain{60'000};
};

/// Where the call agent accepts its gateways' D-channel backhaul links (docs/backhaul.md).
struct backhaul_listen_config {
  std::string address = "0.0.0.0";
  std::uint16_t port = 2944;  ///< 0: any free port (the daemon logs the one bound)
};

/// A SIP trunk peer (docs/sip.md).
struct sip_peer_config {
  std::string name;
  /// IP address or DNS name; a name with no port is resolved per RFC 3263 (NAPTR, SRV, A).
  std::string host;
  std::uint16_t port = 0;  ///< 0: none given (RFC 3263 resolution, else 5060)
  std::string transport = "udp";  ///< "udp" or "tcp"
  /// OPTIONS keep-alive toward this peer (RFC 3261 §11); a peer that does not answer is
  /// skipped by routes until it answers again.
  bool keepalive = true;
};

/// A SIP user that may REGISTER (digest authentication, RFC 3261 §22).
struct sip_user_config {
  std::string name;
  std::string password;
};

/// The SIP side of the call agent (Sofia-SIP); off unless the `sip` group is present.
struct sip_config {
  bool enabled = false;
  std::string address = "127.0.0.1";  ///< address to bind (and put in Contact/Via)
  std::uint16_t port = 5060;          ///< UDP and TCP
  std::string realm = "tandem";       ///< digest realm of the registrar
  std::chrono::milliseconds options_interval{30'000};
  std::chrono::seconds max_expires{3600};  ///< registrations are cut to this
  std::vector<sip_peer_config> peers;
  std::vector<sip_user_config> users;
};

/// The `log` group (docs/logging.md): where lines go and the levels.
struct log_config {
  log::log_settings settings;  ///< stderr at info when the group is absent
  std::string sink = "stderr";  ///< as written (--dump-config)
  std::string levels;           ///< as written ("" : unchanged)
};

struct ca_config {
  std::string notified_entity = "ca@127.0.0.1:2727";
  std::string mgcp_address = "0.0.0.0";  ///< address the MGCP UDP socket binds
  std::uint16_t mgcp_port = 2727;  ///< RFC 3435 §3.5: call agents listen on 2727; 0: any
  backhaul_listen_config backhaul;
  std::vector<gateway_config> gateways;
  std::vector<trunk_group_config> trunk_groups;
  std::vector<normalise_rule> normalise;
  std::vector<route_config> routes;
  cdr_config cdr;
  timers_config timers;
  sip_config sip;
  /// `metrics` and `control` groups (docs/operations.md); `--metrics` and `--control` on the
  /// command line replace what they give.
  ops::ops_config ops;
  log_config log;
};

/// Loads a file; every error carries its setting path and line.
expected<ca_config, config::config_errors> load_ca_config_file(const std::string& path);
/// Loads text (tests).
expected<ca_config, config::config_errors> load_ca_config_string(std::string_view text);

/// Cross-field rules: names unique, trunk groups name known gateways, routes name known
/// trunk groups, a channel in one trunk group only, codecs known.
config::config_errors validate(const ca_config& config);

}  // namespace tandem::callagent
