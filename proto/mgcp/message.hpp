#pragma once
/// MGCP messages: the nine commands of RFC 3435 §2.3 (plus MESG of the Base package,
/// RFC 3435 Appendix B.3) and responses (§2.4, §3.3), with structured parameters (§3.2.2) and
/// the session descriptions that follow an empty line (§3.1, §3.2.2.x "SDP").
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/mgcp/connection_options.hpp"
#include "proto/mgcp/digit_map.hpp"
#include "proto/mgcp/endpoint_name.hpp"
#include "proto/mgcp/event.hpp"
#include "proto/mgcp/return_code.hpp"
#include "proto/mgcp/transaction/envelope.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::mgcp {

/// RFC 3435 §2.3 verbs.
enum class verb {
  epcf,  ///< EndpointConfiguration
  crcx,  ///< CreateConnection
  mdcx,  ///< ModifyConnection
  dlcx,  ///< DeleteConnection
  rqnt,  ///< NotificationRequest
  ntfy,  ///< Notify
  auep,  ///< AuditEndpoint
  aucx,  ///< AuditConnection
  rsip,  ///< RestartInProgress
  mesg,  ///< Message (Base package "B", RFC 3435 Appendix B.3)
};

/// "CRCX" etc.
std::string_view verb_text(verb v);
/// Case-insensitive (RFC 3435 §3.2.1).
std::optional<verb> find_verb(std::string_view text);

/// `MGCP 1.0`, or with a profile: `MGCP 1.0 NCS 1.0`, `MGCP 1.0 TGCP 1.0` (RFC 3435 §3.2.1).
struct protocol_version {
  unsigned major = 1;
  unsigned minor = 0;
  std::string profile;  ///< "" or e.g. "NCS 1.0", as written
  friend bool operator==(const protocol_version&, const protocol_version&) = default;
};

/// A package extension parameter or a vendor one (`X-Foo: bar`); `X+` names are mandatory
/// extensions which Tandem does not implement, so the parser refuses them (511).
struct extension_parameter {
  std::string name;
  std::string value;
  friend bool operator==(const extension_parameter&, const extension_parameter&) = default;
};

/// Every parameter line of RFC 3435 §3.2.2. Absent parameters are empty optionals; an empty
/// value ("S:", "D:", "K:") is a present, empty one. Z: and A: may repeat (wildcard audit
/// answers, RFC 3435 §2.3.10); other parameters appear at most once.
struct parameter_set {
  std::optional<std::vector<transaction_range>> response_ack;    ///< K
  std::optional<bearer_information> bearer;                      ///< B
  std::optional<call_id> call;                                   ///< C
  std::vector<connection_id> connections;                        ///< I (a list in DLCX answers)
  std::optional<notified_entity> notified;                       ///< N
  std::optional<request_id> request;                             ///< X
  std::optional<local_connection_options> options;               ///< L
  std::optional<connection_mode> mode;                           ///< M
  std::optional<std::vector<requested_event>> requested_events;  ///< R
  std::optional<std::vector<signal_request>> signal_requests;    ///< S
  std::optional<digit_map> digits;                               ///< D
  std::optional<std::vector<observed_event>> observed_events;    ///< O
  std::optional<connection_parameters> connection_stats;         ///< P
  std::optional<reason_code> reason;                             ///< E
  std::vector<endpoint_name> specific_endpoints;                 ///< Z (repeatable)
  std::optional<endpoint_name> second_endpoint;                  ///< Z2
  std::optional<connection_id> second_connection;                ///< I2
  std::optional<requested_info> info;                            ///< F
  std::optional<quarantine_handling> quarantine;                 ///< Q
  std::optional<std::vector<event_name>> detect_events;          ///< T
  std::optional<restart_method> restart;                         ///< RM
  std::optional<std::uint32_t> restart_delay_s;                  ///< RD (seconds)
  std::vector<capability_set> capabilities;                      ///< A (repeatable)
  std::optional<std::vector<observed_event>> event_states;       ///< ES
  std::optional<std::vector<package_version>> packages;          ///< PL
  std::optional<std::uint32_t> max_datagram;                     ///< MD (bytes)
  std::vector<extension_parameter> extensions;                   ///< X-..., pkg/name
  friend bool operator==(const parameter_set&, const parameter_set&) = default;
};

/// One SDP session description as carried after the empty line: its lines joined by "\n",
/// with no final line end. Kept as text so that parsing it (proto/sdp) is on demand.
using session_text = std::string;

struct command {
  mgcp::verb verb = mgcp::verb::auep;
  transaction_id id{1};
  endpoint_name endpoint;
  protocol_version version;
  parameter_set params;
  /// RemoteConnectionDescriptor(s); two in a CRCX/MDCX with a second endpoint (RFC 3435 §2.3.5).
  std::vector<session_text> sessions;
  friend bool operator==(const command&, const command&) = default;
};

struct response {
  return_code code = return_code::ok;
  transaction_id id{1};
  /// The package of an 8xx code (`800 1001 /SCRIPT`), without the "/"; usually empty.
  std::string package;
  /// The commentary after the code and transaction id, as written ("OK"; may be empty).
  std::string text;
  parameter_set params;
  /// LocalConnectionDescriptor(s) (two for a CRCX with a second endpoint).
  std::vector<session_text> sessions;
  friend bool operator==(const response&, const response&) = default;
};

using message = std::variant<command, response>;

}  // namespace tandem::mgcp
