#pragma once
/// What a scripted call needs from the lab, whatever the nodes are: place a call at a node,
/// find the leg a node was offered, see a leg's signalling, ask a node to act on a leg, and
/// read what a leg heard. Today exchange_driver implements it over the exchanges' control
/// connections; SIP user agents and gateways will implement the same calls.
///
/// Threads: one owner (the runner's main thread).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "lab/runner/driver/call_records.hpp"

namespace tandem::lab::runner {

/// One signalling step of a leg, as its node reported it.
struct leg_event {
  std::string name;  ///< "setup", "proceeding", "alerting", "connect", "disconnect", "release"
  std::optional<int> cause;
  std::string cause_text;
};

/// What the runner knows of one leg.
struct leg_record {
  std::vector<leg_event> events;
  std::string state;  ///< the node's own state name after the last event
  unsigned channel = 0;
  /// A SIP leg's final response to its INVITE (RFC 3261 §21), once received.
  std::optional<int> sip_status;

  [[nodiscard]] const leg_event* find(std::string_view name) const {
    for (const auto& e : events)
      if (e.name == name) return &e;
    return nullptr;
  }
};

class lab_driver {
 public:
  virtual ~lab_driver() = default;
  /// Places a call from `node` to `called` with `calling` as the calling number; the leg's id.
  virtual expected<std::uint32_t, std::string> place_call(const std::string& node, const std::string& called,
                                                          const std::string& calling) = 0;
  /// The oldest incoming leg at `node` for `called` from `calling` that no call has claimed
  /// yet; claims it.
  virtual std::optional<std::uint32_t> claim_incoming(const std::string& node, const std::string& called,
                                                      const std::string& calling) = 0;
  /// Events seen for a leg so far; nullptr when unknown.
  virtual const leg_record* leg(const std::string& node, std::uint32_t id) const = 0;
  /// A control request to `node` (answer, hangup, play, dtmf, audio, info).
  virtual expected<nlohmann::json, std::string> request(const std::string& node, const std::string& cmd,
                                                        nlohmann::json fields) = 0;
  /// Reads pending events from every node, waiting at most `wait`.
  virtual void pump(std::chrono::milliseconds wait) = 0;
  /// Forgets a released leg (keeps memory flat in long load runs).
  virtual void forget(const std::string& node, std::uint32_t id) = 0;

  /// How many call records the lab's call agent has written so far (0 without one).
  virtual std::size_t record_count() { return 0; }
  /// The first record at position `from` or later for `called` from `calling` that no call
  /// has taken yet; takes it. nullopt when there is none (yet).
  virtual std::optional<call_record> take_record(std::size_t from, const std::string& called,
                                                 const std::string& calling) {
    (void)from, (void)called, (void)calling;
    return std::nullopt;
  }
  /// Whether the lab has a call agent writing records.
  [[nodiscard]] virtual bool has_records() const { return false; }
};

}  // namespace tandem::lab::runner
