#pragma once
/// Connection modes, LocalConnectionOptions, Capabilities and BearerInformation
/// (RFC 3435 §2.3.5, §3.2.2 "LocalConnectionOptions", "Capabilities", "BearerInformation").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::mgcp {

/// RFC 3435 §3.2.2 ConnectionMode values; `extension` keeps a package mode (`X-foo`, `pkg/mode`).
enum class connection_mode_kind {
  sendonly, recvonly, sendrecv, confrnce, inactive, loopback, conttest, netwloop, netwtest, data,
  extension,
};

struct connection_mode {
  connection_mode_kind kind = connection_mode_kind::inactive;
  std::string extension;  ///< for connection_mode_kind::extension, as written
  friend bool operator==(const connection_mode&, const connection_mode&) = default;
};

/// A range "lo-hi" or a single value (lo == hi), for packetization (ms) and bandwidth (kbit/s).
struct value_range {
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  friend bool operator==(const value_range&, const value_range&) = default;
};

/// "gc:" gain control: "auto" or a gain in dB.
struct gain_control {
  bool automatic = false;
  int decibels = 0;
  friend bool operator==(const gain_control&, const gain_control&) = default;
};

enum class resource_reservation { guaranteed, controlled_load, best_effort };  ///< r: g cl be

/// "k:" encryption data: `method[:key]` (clear, base64, uri, prompt).
struct encryption_key {
  std::string method;
  std::string key;
  friend bool operator==(const encryption_key&, const encryption_key&) = default;
};

/// An option outside the table (vendor `x-name`, and the recognised but uninterpreted `es-cci`,
/// `es-ccd`, `fmtp`, `dq-*`, `sc-rtp`, `sc-rtcp`): name as written and raw value.
struct option_extension {
  std::string name;
  std::string value;
  bool mandatory() const { return name.size() > 1 && name[1] == '+'; }
  friend bool operator==(const option_extension&, const option_extension&) = default;
};

/// LocalConnectionOptions (L:) and one Capabilities (A:) line share this grammar; "v:" and "m:"
/// appear in capabilities only (RFC 3435 §3.2.2, §2.3.8).
struct local_connection_options {
  std::vector<std::string> codecs;                     ///< a: PCMU;G729
  std::optional<value_range> packetization_ms;         ///< p: 10 or 10-100
  std::optional<value_range> bandwidth_kbps;           ///< b: 64 or 8-64
  std::optional<bool> echo_cancellation;               ///< e: on/off
  std::optional<gain_control> gain;                    ///< gc: auto / dB
  std::optional<bool> silence_suppression;             ///< s: on/off
  std::optional<std::uint8_t> type_of_service;         ///< t: two hex digits
  std::optional<resource_reservation> reservation;     ///< r: g / cl / be
  std::optional<encryption_key> encryption;            ///< k: method:key
  std::vector<std::string> network_types;              ///< nt: IN / ATM / LOCAL (list in A:)
  std::vector<std::string> packages;                   ///< v: L;G;D (capabilities)
  std::vector<connection_mode> modes;                  ///< m: sendonly;recvonly (capabilities)
  std::vector<option_extension> extensions;            ///< x-/x+ and es-cci/es-ccd
  friend bool operator==(const local_connection_options&, const local_connection_options&) = default;
};
using capability_set = local_connection_options;

/// BearerInformation (B:): `e:A` or `e:mu` (RFC 3435 §3.2.2).
enum class bearer_encoding { a_law, mu_law };
struct bearer_information {
  std::optional<bearer_encoding> encoding;
  std::vector<option_extension> extensions;
  friend bool operator==(const bearer_information&, const bearer_information&) = default;
};

/// Parses a mode; unknown names that are not extensions give 517.
detail::value_result<connection_mode> parse_connection_mode(std::string_view text);
std::string_view to_string(connection_mode_kind m);
void append(std::string& out, const connection_mode& m);

/// Parses L: (or A: with `capabilities = true`). Errors: 541 unknown option or unparseable
/// value, 532 a value outside its set, 524 inconsistency (option twice, range low > high),
/// 525 an unrecognised mandatory vendor extension `x+`.
detail::value_result<local_connection_options> parse_local_connection_options(std::string_view text,
                                                                               bool capabilities = false);
void append(std::string& out, const local_connection_options& o);

detail::value_result<bearer_information> parse_bearer_information(std::string_view text);
void append(std::string& out, const bearer_information& b);

}  // namespace tandem::mgcp
