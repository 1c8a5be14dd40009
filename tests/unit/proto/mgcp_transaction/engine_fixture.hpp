#pragma once
/// Test doubles for the MGCP transaction engine: a recording notifier, a fixed random source,
/// and a fixture over a manual clock.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/counters.hpp"
#include "common/manual_clock.hpp"
#include "proto/mgcp/transaction/transaction_engine.hpp"

namespace tandem::mgcp::testing {

using namespace std::chrono_literals;

/// Always returns the same number: retransmission deadlines become exact.
class fixed_random final : public random_source {
 public:
  explicit fixed_random(double value) : value_(value) {}
  double uniform() override { return value_; }

 private:
  double value_;
};

/// Records every notification, with the time it came.
class recording_notifier final : public transaction_notifier {
 public:
  struct sent_datagram {
    peer to;
    std::string datagram;
    time_point at;
  };
  struct failure {
    peer to;
    transaction_id id;
    failure_reason why;
  };

  explicit recording_notifier(const clock& clk) : clock_(clk) {}

  void on_send(const peer& to, std::string_view datagram) override {
    sent.push_back({to, std::string(datagram), clock_.now()});
  }
  void on_command(const peer& from, const envelope& command) override {
    commands.emplace_back(std::string(command.text));
    if (command_hook) command_hook(from, command);
  }
  void on_response(const peer& from, const envelope& response) override {
    responses.emplace_back(std::string(response.text));
    if (response_hook) response_hook(from, response);
  }
  void on_transaction_failed(const peer& to, transaction_id id, failure_reason why) override {
    failures.push_back({to, id, why});
    failure_times.push_back(clock_.now());
  }
  void on_peer_suspect(const peer& p) override {
    suspects.push_back(p);
    suspect_times.push_back(clock_.now());
  }
  void on_peer_disconnected(const peer& p) override {
    disconnects.push_back(p);
    disconnect_times.push_back(clock_.now());
  }
  void on_disconnected_procedure_due(const peer& p) override {
    procedures.push_back(p);
    procedure_times.push_back(clock_.now());
  }
  void on_peer_reconnected(const peer& p) override { reconnects.push_back(p); }
  void on_malformed(const peer&, const envelope_error& error, std::string_view message) override {
    malformed.push_back(error);
    malformed_messages.emplace_back(message);
  }

  std::vector<sent_datagram> sent;
  std::vector<std::string> commands;
  std::vector<std::string> responses;
  std::vector<failure> failures;
  std::vector<time_point> failure_times;
  std::vector<peer> suspects, disconnects, procedures, reconnects;
  std::vector<time_point> suspect_times, disconnect_times, procedure_times;
  std::vector<envelope_error> malformed;
  std::vector<std::string> malformed_messages;
  std::function<void(const peer&, const envelope&)> command_hook;
  std::function<void(const peer&, const envelope&)> response_hook;

 private:
  const clock& clock_;
};

class engine_test : public ::testing::Test {
 protected:
  /// (Re)creates the engine with `config` and a random source that always gives `u`.
  void make(transaction_config config = {}, double u = 0.5) {
    engine.reset();
    engine = std::make_unique<transaction_engine>(clk, notifier, counters, config,
                                                  std::make_unique<fixed_random>(u));
  }
  void SetUp() override {
    start = clk.now();
    make();
  }
  /// Milliseconds since the test started.
  [[nodiscard]] long long ms(time_point t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - start).count();
  }
  [[nodiscard]] std::vector<long long> send_times() const {
    std::vector<long long> out;
    for (const auto& s : notifier.sent) out.push_back(ms(s.at));
    return out;
  }
  [[nodiscard]] std::uint64_t count(std::string_view name) const {
    return counters.value(name);
  }

  manual_clock clk;
  time_point start;
  recording_notifier notifier{clk};
  counter_set counters{"mgcp.txn"};
  std::unique_ptr<transaction_engine> engine;

  const peer gw{"127.0.0.1", 2427};
  const peer ca{"127.0.0.1", 2727};
};

}  // namespace tandem::mgcp::testing
