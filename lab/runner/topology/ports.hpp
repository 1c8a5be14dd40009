#pragma once
/// Free IP ports for a lab's daemons on 127.0.0.1: the call agent's MGCP and backhaul ports,
/// each gateway's MGCP port and RTP range, and (in those labs) the exchanges' control ports. Each port is found by binding it (port 0 for
/// single ports, a random base checked port by port for RTP ranges); the sockets are held
/// until every port of the lab is found, so one lab never hands the same port out twice, then
/// closed for the daemons to bind. Between the close and the daemon's bind another program may
/// take a port: the daemon then fails to start and `up` reports it with its log.
#include <string>

#include "common/expected.hpp"
#include "lab/runner/topology/lab_config.hpp"
#include "lab/runner/topology/plan.hpp"

namespace tandem::lab::runner {

/// RTP ports given to a gateway per span: 2 per bearer channel (RTP and RTCP) with room left.
inline constexpr unsigned rtp_ports_per_span = 128;

[[nodiscard]] expected<port_allocation, std::string> allocate_ports(const lab_config& lab);

/// One free UDP port on 127.0.0.1 now (0 when none), and an even one with the next three free
/// (an RTP port for sipp: RTP, RTCP and its video pair). For the SIP calls a scenario places.
[[nodiscard]] std::uint16_t free_udp_port();
[[nodiscard]] std::uint16_t free_media_port();

}  // namespace tandem::lab::runner
