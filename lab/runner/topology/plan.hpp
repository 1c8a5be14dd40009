#pragma once
/// From a lab to the processes that make it: for each node the program, its arguments, the
/// configuration file generated for it and where its log, port file and sockets go, all inside
/// one run folder so that two labs never share a socket or a file. Pure: nothing is written
/// or started here (see lab_instance).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "lab/runner/topology/lab_config.hpp"

namespace tandem::lab::runner {

/// One span as a node sees it: its number on that node and the far node.
struct node_span {
  unsigned number = 0;
  std::string peer;
};

/// The IP ports of a lab's daemons, found free by the runner before start (topology/ports.hpp)
/// and written into their generated configs.
struct port_allocation {
  std::uint16_t ca_mgcp = 0;      ///< the call agent's MGCP UDP port
  std::uint16_t ca_backhaul = 0;  ///< its D-channel backhaul TCP listener
  struct gateway_ports {
    std::uint16_t mgcp = 0;
    std::uint16_t rtp_min = 0;
    std::uint16_t rtp_max = 0;
  };
  std::map<std::string, gateway_ports, std::less<>> gateways;
  /// Exchanges' control ports (TCP). Found in advance only in labs with a call agent, so that
  /// the capture can start before the first process (and see the gateways' RSIP); otherwise
  /// each exchange binds port 0 and writes the port it got.
  std::map<std::string, std::uint16_t, std::less<>> exchange_control;
  std::uint16_t ca_sip = 0;  ///< the call agent's SIP port (UDP and TCP); 0 without SIP peers
  struct sip_ports {
    std::uint16_t sip = 0;
    std::uint16_t media = 0;  ///< even; the next three are free too (RTCP, sipp's video pair)
  };
  std::map<std::string, sip_ports, std::less<>> sip_peers;
};

/// One process to start.
struct process_plan {
  std::string name;  ///< the node's name
  node_kind kind = node_kind::exchange;
  std::string program;  ///< "tandem-pstn": looked up by the runner (docs/lab.md, "Programs")
  std::vector<std::string> args;
  std::string config_path;
  std::string config_text;
  std::string log_path;
  std::string port_file;  ///< the process writes its control port there once listening (exchanges only)
  std::vector<node_span> spans;
};

struct topology_plan {
  /// In start order: span masters (which create the sockets) before the nodes that connect,
  /// then the call agent, then the gateways (which connect to the exchanges and the agent).
  std::vector<process_plan> processes;
  /// The call agent's call records (CSV, docs/cdr.md); empty without a call agent.
  std::string cdr_path;
  /// Folder of the Unix sockets (the run folder's sockets/, or a short folder under /tmp when
  /// that path would not fit in sun_path).
  std::string socket_dir;
};

/// Longest Unix socket path (sun_path holds 108 bytes with the terminating NUL).
inline constexpr std::size_t max_socket_path = 107;

/// Plans the processes of `lab` in `run_dir`. `socket_dir` holds the span sockets (the caller
/// picks it: inside the run folder when short enough). Errors: a path too long for a socket.
[[nodiscard]] expected<topology_plan, std::string> plan_topology(const lab_config& lab, const std::string& run_dir,
                                                                 const std::string& socket_dir,
                                                                 const port_allocation& ports = {});

/// The tandem-mgw configuration text of one gateway; `sockets` are its spans' socket paths in
/// span order.
[[nodiscard]] std::string gateway_config_text(const lab_config& lab, const gateway_node& gw,
                                              const std::vector<std::string>& sockets, const port_allocation& ports);

/// The tandem-ca configuration text: every gateway, one PRI trunk group per gateway span
/// (<gateway>-<span>), the lab's routes toward the trunk groups facing their exchange.
[[nodiscard]] std::string call_agent_config_text(const lab_config& lab, const port_allocation& ports,
                                                 const std::string& cdr_path);

/// The tandem-pstn configuration text of one exchange (libconfig; docs/configuration.md).
[[nodiscard]] std::string exchange_config_text(const lab_config& lab, const exchange_node& node,
                                               const std::vector<std::pair<node_span, std::string>>& spans_with_sockets,
                                               const std::vector<bool>& masters, std::uint16_t control_port = 0);

}  // namespace tandem::lab::runner
