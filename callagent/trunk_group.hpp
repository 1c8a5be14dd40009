#pragma once
/// Circuits (the B-channels the call agent controls) and trunk groups (sets of circuits hunted
/// as one).
///
/// A circuit's state:
///   blocked --available-->   idle      (gateway in service, span link up, audit found it)
///   idle    --unavailable--> blocked
///   idle    --seize-->       busy      (hunted for an outgoing call, or named by a SETUP)
///   busy    --free-->        idle or blocked (as availability says)
///   busy    --unavailable--> busy      (stays busy until its call lets go of it)
///
/// Threads: owned by the call agent's control-plane thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "callagent/ca_config.hpp"
#include "common/strong_id.hpp"

namespace tandem::callagent {

using call_ref = strong_id<struct call_ref_tag, std::uint64_t>;
using circuit_index = std::size_t;

enum class circuit_state { idle, busy, blocked };
[[nodiscard]] std::string_view to_string(circuit_state s);

struct circuit {
  std::string gateway;
  unsigned span = 0;
  unsigned channel = 0;
  std::string endpoint;  ///< local name, "ds/e1-1/5"
  circuit_state state = circuit_state::blocked;
  call_ref owner{};      ///< the call holding it while busy
  std::uint64_t uses = 0;
  /// Availability inputs: the gateway is in service, the span's D-channel is up, the last
  /// audit of the gateway listed this endpoint (RFC 3435 §2.3.10), and no operator has
  /// blocked it (`tandem-ctl block`). Each input is set by its own owner, so an audit after a
  /// gateway restart cannot lift an administrative block.
  bool gateway_up = false;
  bool link_up = false;
  bool present = true;
  bool admin_blocked = false;
  [[nodiscard]] bool available() const { return gateway_up && link_up && present && !admin_blocked; }
};

class circuit_table {
 public:
  /// Adds a circuit (blocked until available) and returns its index; an existing one is
  /// returned as is.
  circuit_index add(const std::string& gateway, unsigned span, unsigned channel, std::string endpoint);
  [[nodiscard]] std::optional<circuit_index> find(const std::string& gateway, unsigned span,
                                                  unsigned channel) const;
  [[nodiscard]] std::optional<circuit_index> find_endpoint(const std::string& gateway,
                                                           const std::string& endpoint) const;
  [[nodiscard]] const circuit& at(circuit_index i) const { return circuits_.at(i); }
  [[nodiscard]] std::size_t size() const { return circuits_.size(); }

  /// Seizes an idle circuit for `owner`; false when it is not idle.
  bool seize(circuit_index i, call_ref owner);
  /// Lets go of a busy circuit held by `owner` (nothing happens for another owner).
  void free(circuit_index i, call_ref owner);
  /// Changes one availability input and moves idle/blocked accordingly.
  void set_gateway_up(const std::string& gateway, bool up);
  void set_link_up(const std::string& gateway, unsigned span, bool up);
  void set_present(circuit_index i, bool present);
  void set_admin_blocked(circuit_index i, bool blocked);

  /// Circuits in a state (tests, management).
  [[nodiscard]] std::size_t count(circuit_state s) const;
  [[nodiscard]] std::size_t count(const std::string& gateway, circuit_state s) const;

 private:
  void refresh(circuit& c);
  std::vector<circuit> circuits_;
  std::map<std::tuple<std::string, unsigned, unsigned>, circuit_index> by_key_;
  std::map<std::pair<std::string, std::string>, circuit_index> by_endpoint_;
};

/// A trunk group: its circuits in configured order and the hunting method.
class trunk_group {
 public:
  trunk_group(std::string name, std::string gateway, hunting method, std::vector<circuit_index> members)
      : name_(std::move(name)), gateway_(std::move(gateway)), method_(method), members_(std::move(members)) {}

  /// Picks an idle circuit by the hunting method, or nullopt when none is idle. Does not seize.
  ///   ascending: first idle in configured order; descending: last idle;
  ///   round_robin: first idle after the one picked last; least_used: fewest seizures so
  ///   far, ties to the first in order.
  [[nodiscard]] std::optional<circuit_index> hunt(const circuit_table& circuits);
  /// As hunt(), skipping `excluded` (a channel lost to glare).
  [[nodiscard]] std::optional<circuit_index> hunt(const circuit_table& circuits,
                                                  const std::vector<circuit_index>& excluded);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& gateway() const { return gateway_; }
  [[nodiscard]] const std::vector<circuit_index>& members() const { return members_; }

 private:
  std::string name_;
  std::string gateway_;
  hunting method_;
  std::vector<circuit_index> members_;
  std::size_t last_ = static_cast<std::size_t>(-1);  ///< round robin: position picked last
};

/// "ds/e1-{span}/{channel}" with the numbers put in.
std::string endpoint_local_name(const std::string& pattern, unsigned span, unsigned channel);

}  // namespace tandem::callagent
