#pragma once
/// lab_driver over the control connections of a running lab's exchanges (tandem-pstn), and
/// over sipp for calls placed from a SIP user agent node: one sipp UAC process per call, its
/// signalling read from sipp's message trace.
///
/// Threads: one owner (the runner's main thread).
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "lab/runner/driver/lab_driver.hpp"
#include "lab/runner/topology/child_process.hpp"
#include "lab/runner/topology/lab_instance.hpp"

namespace tandem::lab::runner {

class exchange_driver final : public lab_driver {
 public:
  explicit exchange_driver(lab_instance& lab) : lab_(lab) {}

  expected<std::uint32_t, std::string> place_call(const std::string& node, const std::string& called,
                                                  const std::string& calling) override;
  std::optional<std::uint32_t> claim_incoming(const std::string& node, const std::string& called,
                                              const std::string& calling) override;
  const leg_record* leg(const std::string& node, std::uint32_t id) const override;
  expected<nlohmann::json, std::string> request(const std::string& node, const std::string& cmd,
                                                nlohmann::json fields) override;
  void pump(std::chrono::milliseconds wait) override;
  void forget(const std::string& node, std::uint32_t id) override;
  std::size_t record_count() override;
  std::optional<call_record> take_record(std::size_t from, const std::string& called,
                                         const std::string& calling) override;
  [[nodiscard]] bool has_records() const override { return !lab_.cdr_path().empty(); }

 private:
  /// Re-reads the call agent's record file when it grew.
  void read_records();

  /// A call placed from a SIP user agent: its sipp UAC and what its trace said so far.
  struct sip_call {
    std::optional<child_process> process;
    std::string trace_path;
    leg_record leg;
  };
  expected<std::uint32_t, std::string> place_sip_call(const std::string& node, const std::string& called,
                                                      const std::string& calling);
  void read_sip_call(sip_call& c);
  struct incoming {
    std::uint32_t id = 0;
    std::string called;
    std::string calling;
  };
  struct node_legs {
    std::map<std::uint32_t, leg_record> legs;
    std::deque<incoming> unclaimed;
  };
  void drain(const std::string& node, control_client& client);
  void on_event(const std::string& node, const nlohmann::json& event);

  lab_instance& lab_;
  std::map<std::string, node_legs, std::less<>> nodes_;
  /// Next span to place a call on, per node whose spans all face gateways (calls spread over
  /// them, as a PBX spreads over its PRIs; other nodes call on their first span).
  std::map<std::string, unsigned, std::less<>> next_span_;
  std::map<std::uint32_t, sip_call> sip_calls_;
  std::uint32_t next_sip_call_ = 0;
  std::vector<call_record> records_;
  std::vector<bool> taken_;
  std::uintmax_t records_size_ = 0;
};

}  // namespace tandem::lab::runner
