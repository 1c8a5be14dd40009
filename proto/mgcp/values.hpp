#pragma once
/// The smaller structured parameter values of RFC 3435 §3.2.2: identifiers, RestartMethod,
/// ReasonCode, ConnectionParameters, RequestedInfo, QuarantineHandling, PackageList.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strong_id.hpp"
#include "proto/mgcp/detail/text.hpp"
#include "proto/mgcp/parameter_code.hpp"

namespace tandem::mgcp {

/// RFC 3435 §3.2.2: CallId, ConnectionId and RequestIdentifier are hexadecimal strings of at
/// most 32 characters (case-insensitive; kept as written).
using call_id = strong_id<struct call_id_tag, std::string>;
using connection_id = strong_id<struct connection_id_tag, std::string>;
using request_id = strong_id<struct request_id_tag, std::string>;
inline constexpr std::size_t max_hex_id_length = 32;

/// Checks 1..32 hex digits; the code names what was wrong (516 call id, 515 connection id,
/// 510 request id).
detail::value_result<std::string> parse_hex_id(std::string_view text, return_code on_error);

/// RestartMethod (RM:), RFC 3435 §2.3.12.
enum class restart_method_kind { graceful, forced, restart, disconnected, cancel_graceful, extension };
struct restart_method {
  restart_method_kind kind = restart_method_kind::restart;
  std::string extension;  ///< X-name or pkg/name, as written
  friend bool operator==(const restart_method&, const restart_method&) = default;
};
detail::value_result<restart_method> parse_restart_method(std::string_view text);
void append(std::string& out, const restart_method& m);

/// ReasonCode (E:): a three-digit code and optional text (RFC 3435 §2.5: 000 normal, 900
/// endpoint malfunctioning, 901 taken out of service, 902 loss of lower layer connectivity,
/// 903 QoS resource reservation lost, 904 manual intervention, 905 facility failure, 8xx
/// package-specific).
struct reason_code {
  std::uint16_t code = 0;
  std::string text;
  friend bool operator==(const reason_code&, const reason_code&) = default;
};
detail::value_result<reason_code> parse_reason_code(std::string_view text);
void append(std::string& out, const reason_code& r);

/// ConnectionParameters (P:), RFC 3435 §3.2.2: PS OS PR OR PL JI LA, plus extensions.
struct connection_parameters {
  std::optional<std::uint64_t> packets_sent;      ///< PS
  std::optional<std::uint64_t> octets_sent;       ///< OS
  std::optional<std::uint64_t> packets_received;  ///< PR
  std::optional<std::uint64_t> octets_received;   ///< OR
  std::optional<std::int64_t> packets_lost;       ///< PL (may be negative: duplicates, RFC 3550)
  std::optional<std::uint32_t> jitter_ms;         ///< JI
  std::optional<std::uint32_t> latency_ms;        ///< LA
  struct extension {
    std::string name;
    std::string value;
    friend bool operator==(const extension&, const extension&) = default;
  };
  std::vector<extension> extensions;  ///< X-name=value or pkg/name=value
  friend bool operator==(const connection_parameters&, const connection_parameters&) = default;
};
detail::value_result<connection_parameters> parse_connection_parameters(std::string_view text);
void append(std::string& out, const connection_parameters& p);

/// RequestedInfo (F:): parameter codes, plus extension names kept as written.
struct requested_info {
  std::vector<parameter_code> codes;
  std::vector<std::string> extensions;
  friend bool operator==(const requested_info&, const requested_info&) = default;
};
detail::value_result<requested_info> parse_requested_info(std::string_view text);
void append(std::string& out, const requested_info& r);

/// QuarantineHandling (Q:), RFC 3435 §3.2.2: `process`/`discard` and `step`/`loop`.
enum class quarantine_disposition { process, discard };
enum class quarantine_mode { step, loop };
struct quarantine_handling {
  std::optional<quarantine_disposition> disposition;
  std::optional<quarantine_mode> mode;
  friend bool operator==(const quarantine_handling&, const quarantine_handling&) = default;
};
detail::value_result<quarantine_handling> parse_quarantine_handling(std::string_view text);
void append(std::string& out, const quarantine_handling& q);

/// PackageList (PL:): `name:version` items (RFC 3435 §3.2.2).
struct package_version {
  std::string name;
  std::uint32_t version = 0;
  friend bool operator==(const package_version&, const package_version&) = default;
};
detail::value_result<std::vector<package_version>> parse_package_list(std::string_view text);
void append(std::string& out, const std::vector<package_version>& list);

}  // namespace tandem::mgcp
