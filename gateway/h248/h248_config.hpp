#pragma once
/// The `h248` group of tandem-mgw's configuration (docs/h248-gateway.md):
///
///   h248 = {
///     bind = "0.0.0.0"; port = 2944;        # port 0: any free port (tests)
///     mid = "[192.0.2.10]:2944";            # our mId; default "[<bind>]:<port>"
///     controllers = ( { address = "192.0.2.1"; port = 2944; },   # primary
///                     { address = "192.0.2.2"; port = 2944; } ); # failover, in order
///     version = 1; profile = "";
///     max_contexts = 1024; max_terminations_per_context = 3;
///     retry_after_all_failed_ms = 5000; continuity_timeout_ms = 2000;
///     compact = true;                       # short tokens in what we send
///     transactions = { initial_rto_ms = 200; max_rto_ms = 4000; max_retransmissions = 7;
///                      long_timer_ms = 30000; pending_after_ms = 500; };
///   };
///
/// Absent: the gateway speaks MGCP only. Spans and codecs are the gateway's (mgw.spans,
/// mgw.codecs): both front-ends serve the same timeslots.
#include <cstdint>
#include <string>

#include "common/config/reader.hpp"
#include "gateway/h248/agent_config.hpp"
#include "proto/h248/transaction/transaction_config.hpp"

namespace tandem::gateway::h248 {

struct h248_settings {
  bool enabled = false;
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 2944;  ///< H.248.1 Annex D.1: the MG listens on 2944 (text encoding)
  /// "" : "[<bind>]:<port>" (with the bound port when port is 0).
  std::string mid;
  agent_config agent;  ///< spans and codecs are filled from the gateway's own settings
  tandem::h248::transaction_config transactions;
};

/// Reads the group into `out` (enabled = true); errors go to the document, with their path.
void load_h248(const config::node& n, h248_settings& out);

/// Gives the H.248 agent the gateway's spans and codec settings (the MGCP agent's).
void share_gateway_settings(h248_settings& s, const mgcp::agent_config& gateway);

/// Parses a mid written as "[a.b.c.d]:port" or "<name>:port"; nullopt when malformed.
std::optional<tandem::h248::message_id> parse_mid(std::string_view text);

/// The group as libconfig text (for --dump-config), indented two spaces, ending in a newline.
std::string dump_h248(const h248_settings& s);

}  // namespace tandem::gateway::h248
