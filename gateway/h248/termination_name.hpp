#pragma once
/// The gateway's H.248 termination names (H.248.1 §6.2, Annex B pathNAME; docs/endpoint-naming.md
/// "H.248 terminations"):
///   tdm/<span>/<timeslot>   a bearer timeslot of span <span> (E1 or T1: span numbers are unique)
///   rtp/<n>                 an ephemeral RTP termination, created by Add with `rtp/$`
///   ROOT                    the gateway as a whole (H.248.1 §6.2)
/// Numbers are decimal without leading zeros; names compare case-insensitively. The TDM name
/// maps to the MGCP endpoint of the same timeslot (ds/e1-<span>/<ts>, ds/t1-<span>/<ts>): both
/// front-ends drive the same media plane.
#include <optional>
#include <string>
#include <string_view>

namespace tandem::gateway::h248 {

enum class termination_kind { tdm, rtp };

struct termination_address {
  termination_kind kind = termination_kind::tdm;
  unsigned span = 0;   ///< tdm only
  unsigned index = 0;  ///< timeslot (tdm) or n (rtp)
  /// "tdm/1/17", "rtp/4".
  [[nodiscard]] std::string name() const;
  friend auto operator<=>(const termination_address&, const termination_address&) = default;
};

/// Parses a concrete name (no wildcards); nullopt when it is not of the grammar above.
std::optional<termination_address> parse_termination_name(std::string_view name);

}  // namespace tandem::gateway::h248
