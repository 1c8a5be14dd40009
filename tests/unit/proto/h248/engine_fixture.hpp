#pragma once
/// Test doubles for the H.248 transaction engine: a recording notifier and a fixture over a
/// manual clock with a fixed random part (exact retransmission deadlines).
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/counters.hpp"
#include "common/manual_clock.hpp"
#include "proto/h248/parser.hpp"
#include "proto/h248/transaction/transaction_engine.hpp"

namespace tandem::h248::testing {

using namespace std::chrono_literals;

/// Records every notification, with the time it came.
class recording_notifier final : public transaction_notifier {
 public:
  struct sent_message {
    peer to;
    std::string text;
    time_point at;
  };

  explicit recording_notifier(const clock& clk) : clock_(clk) {}

  void on_send(const peer& to, std::string_view datagram) override {
    sent.push_back({to, std::string(datagram), clock_.now()});
  }
  void on_request(const peer& from, const message_id& sender, const transaction_request& r) override {
    requests.push_back(r);
    senders.push_back(sender);
    if (request_hook) request_hook(from, r);
  }
  void on_reply(const peer&, const transaction_reply& r) override { replies.push_back(r); }
  void on_transaction_failed(const peer&, transaction_id id, failure_reason why) override {
    failures.emplace_back(id, why);
    failure_times.push_back(clock_.now());
  }
  void on_malformed(const peer&, const parse_error& error, std::string_view) override { malformed.push_back(error); }
  void on_message_error(const peer&, const error_descriptor& e) override { message_errors.push_back(e); }

  std::vector<sent_message> sent;
  std::vector<transaction_request> requests;
  std::vector<message_id> senders;
  std::vector<transaction_reply> replies;
  std::vector<std::pair<transaction_id, failure_reason>> failures;
  std::vector<time_point> failure_times;
  std::vector<parse_error> malformed;
  std::vector<error_descriptor> message_errors;
  std::function<void(const peer&, const transaction_request&)> request_hook;

 private:
  const clock& clock_;
};

class engine_fixture : public ::testing::Test {
 protected:
  explicit engine_fixture(transaction_config config = default_config())
      : notifier(clock), counters("h248"), engine(clock, notifier, counters, config, [] { return 0.5; }) {
    start = clock.now();
  }

  static transaction_config default_config() {
    transaction_config c;
    c.self = {mid_kind::ipv4, "192.0.2.1", 2944};
    return c;
  }

  /// The n-th message sent, parsed.
  message sent_message(std::size_t n) {
    auto m = parse_message(notifier.sent.at(n).text);
    EXPECT_TRUE(m.has_value()) << notifier.sent.at(n).text;
    return m ? *m : message{};
  }

  /// Milliseconds since the fixture started at which message n was sent.
  long sent_at_ms(std::size_t n) const {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(notifier.sent.at(n).at - start).count());
  }

  static std::vector<action_request> add_action() {
    action_request a;
    a.context = context_id::choose();
    command_request c;
    c.kind = command_kind::add;
    c.termination = {"tdm/1/1"};
    a.commands.push_back(c);
    return {a};
  }

  /// A peer's message with one request (`id`) for us.
  static std::string request_text(std::uint32_t id) {
    return "!/1 [198.51.100.7]:2944\nT=" + std::to_string(id) + "{C=-{MF=tdm/1/1{SG{cg/dt}}}}\n";
  }

  static transaction_reply reply_to(std::uint32_t id) {
    transaction_reply r;
    r.id = transaction_id{id};
    action_reply a;
    a.context = context_id::null();
    command_reply c;
    c.kind = command_kind::modify;
    c.termination = {"tdm/1/1"};
    a.commands.push_back(c);
    r.actions.push_back(a);
    return r;
  }

  manual_clock clock;
  recording_notifier notifier;
  counter_set counters;
  transaction_engine engine;
  time_point start;
  const peer mgc{"198.51.100.7", 2944};
  const peer other{"198.51.100.8", 2944};
};

}  // namespace tandem::h248::testing
