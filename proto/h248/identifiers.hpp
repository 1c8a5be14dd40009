#pragma once
/// H.248.1 identifiers: transaction ids, context ids (with the NULL, CHOOSE and ALL values),
/// termination ids (with the CHOOSE `$` and ALL `*` wildcards), request ids and the message
/// identifier (mId) of the header.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/strong_id.hpp"

namespace tandem::h248 {

/// H.248.1 §8.1 / Annex B: TransactionID = UINT32; 0 is not a valid id (ASN.1 allows it but
/// the text encoding reserves nothing for it and H.248.1 §8.2.1 numbers from 1), so ids run
/// 1..4294967295.
using transaction_id = strong_id<struct h248_transaction_id_tag, std::uint32_t>;
inline constexpr std::uint32_t max_transaction_id = 4'294'967'295u;

/// H.248.1 §6.1.1: the special contexts. `-` NULL (terminations outside any context), `$`
/// CHOOSE (the MG picks a new context), `*` ALL (every context); otherwise a number. Binary
/// encoding reserves 0, 0xFFFFFFFE and 0xFFFFFFFF for these, so numeric ids are
/// 1..0xFFFFFFFD.
enum class context_kind { null_context, choose, all, specific };
struct context_id {
  context_kind kind = context_kind::null_context;
  std::uint32_t value = 0;  ///< meaningful for specific only
  static context_id null() { return {}; }
  static context_id choose() { return {context_kind::choose, 0}; }
  static context_id all() { return {context_kind::all, 0}; }
  static context_id of(std::uint32_t v) { return {context_kind::specific, v}; }
  friend bool operator==(const context_id&, const context_id&) = default;
};
inline constexpr std::uint32_t max_context_id = 0xFFFFFFFDu;

/// TerminationID (Annex B: "ROOT" / pathNAME / "$" / "*"), as written. H.248.1 §6.2.2 /
/// Annex B.2: in a name, `*` is the ALL wildcard (the command applies to every matching
/// termination; with the `W-` prefix the reply may be one wildcarded answer) and `$` is CHOOSE
/// (the MG picks one matching termination and names it in the reply).
struct termination_id {
  std::string name;
  [[nodiscard]] bool is_root() const;
  /// Contains `$` (CHOOSE).
  [[nodiscard]] bool is_choose() const { return name.find('$') != std::string::npos; }
  /// Contains `*` (ALL).
  [[nodiscard]] bool is_all() const { return name.find('*') != std::string::npos; }
  /// Matches a concrete name against this (possibly wildcarded) id: `*` and `$` stand for
  /// one or more characters other than `/` (a hierarchical level, Annex B.2 note), names
  /// compare case-insensitively.
  [[nodiscard]] bool matches(std::string_view concrete) const;
  friend bool operator==(const termination_id&, const termination_id&) = default;
};

/// RequestID = UINT32 / "*" (Annex B; `*` in audits and ObservedEvents of all requests).
struct request_id {
  bool all = false;
  std::uint32_t value = 0;
  friend bool operator==(const request_id&, const request_id&) = default;
};

/// mId (Annex B): `[IPv4]` / `[IPv6]` / `<domain.name>`, each with an optional `:port`; a
/// device name (pathNAME); or `MTP{hex}`.
enum class mid_kind { ipv4, ipv6, domain_name, device_name, mtp };
struct message_id {
  mid_kind kind = mid_kind::ipv4;
  /// Without the brackets: "124.124.124.222", "2001:db8::1", "mgc.example.net", "mg1",
  /// or the MTP hex digits.
  std::string name;
  std::optional<std::uint16_t> port;
  friend bool operator==(const message_id&, const message_id&) = default;
};

}  // namespace tandem::h248
