/// ServiceChange toward the controllers: registration, failover, span alarms, shutdown.
#include "tests/unit/gateway_h248/fixture.hpp"

namespace tandem::gateway::h248::test {
namespace {

class registration : public service_fixture {
 protected:
  registration() {
    transactions_.initial_rto = std::chrono::milliseconds(100);
    transactions_.max_rto = std::chrono::milliseconds(400);
    transactions_.max_retransmissions = 2;
    config_.retry_after_all_failed = std::chrono::seconds(5);
  }
  /// Lets time pass in small steps (timers fire in order).
  void wait(std::chrono::milliseconds d) {
    for (auto t = std::chrono::milliseconds(0); t < d; t += std::chrono::milliseconds(50))
      clock_.advance(std::chrono::milliseconds(50));
  }
  static const h::service_change_descriptor& sc_of(const h::transaction_request& r) {
    return *r.actions.at(0).commands.at(0).descriptors.service_change;
  }
};

TEST_F(registration, when_started_then_service_change_restart_cold_boot_goes_to_the_first_controller) {
  make();
  service_->agent().start();
  auto reqs = requests_sent();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].first, mgc_);
  const auto& cmd = reqs[0].second.actions[0].commands[0];
  EXPECT_EQ(cmd.kind, h::command_kind::service_change);
  EXPECT_TRUE(cmd.termination.is_root());
  EXPECT_EQ(reqs[0].second.actions[0].context.kind, h::context_kind::null_context);
  EXPECT_EQ(sc_of(reqs[0].second).method, h::service_change_method::restart);
  EXPECT_EQ(sc_of(reqs[0].second).reason, "\"901 Cold Boot\"");
  EXPECT_EQ(sc_of(reqs[0].second).version, 1u);
  EXPECT_EQ(service_->agent().state(), agent_state::registering);
}

TEST_F(registration, when_the_reply_comes_then_the_gateway_is_in_service_and_acknowledges) {
  make();
  register_gateway();
  EXPECT_EQ(service_->agent().controller(), mgc_);
  EXPECT_EQ(agent_counters_.get("registration.accepted").value(), 1u);
}

TEST_F(registration, when_the_first_controller_is_silent_then_the_second_is_tried) {
  make();
  service_->agent().start();
  sent_.clear();
  wait(std::chrono::seconds(3));
  auto reqs = requests_sent();
  ASSERT_FALSE(reqs.empty());
  // Retransmissions to the first, then a new ServiceChange to the backup.
  EXPECT_EQ(reqs.back().first, backup_);
  EXPECT_EQ(sc_of(reqs.back().second).method, h::service_change_method::restart);
  EXPECT_EQ(service_->agent().controller(), backup_);
}

TEST_F(registration, when_the_controller_is_lost_in_service_then_failover_909_to_the_next) {
  make();
  register_gateway();
  // A Notify that is never answered: the controller is lost.
  request("Context = $ { Add = tdm/1/1 { Events = 7 { dd/d5 } } }");
  sent_.clear();
  service_->agent().on_media_event(mgcp::endpoint_address{mgcp::endpoint_kind::e1, 1, 1},
                                   tandem::mgcp::observed_event{{"D", "5", ""}, {}});
  wait(std::chrono::seconds(3));
  auto reqs = requests_sent();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().first, backup_);
  EXPECT_EQ(sc_of(reqs.back().second).method, h::service_change_method::failover);
  EXPECT_EQ(sc_of(reqs.back().second).reason, "\"909 MGC Impending Failure\"");
  EXPECT_EQ(agent_counters_.get("controller.lost").value(), 1u);
}

TEST_F(registration, when_every_controller_is_silent_then_it_waits_and_starts_again_from_the_first) {
  make();
  service_->agent().start();
  wait(std::chrono::seconds(5));
  EXPECT_EQ(service_->agent().state(), agent_state::waiting);
  sent_.clear();
  wait(std::chrono::seconds(6));
  auto reqs = requests_sent();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.front().first, mgc_);
  EXPECT_EQ(sc_of(reqs.front().second).method, h::service_change_method::restart);
}

TEST_F(registration, when_the_only_controller_comes_back_then_disconnected_900) {
  config_.controllers = {mgc_};
  make();
  register_gateway();
  request("Context = $ { Add = tdm/1/1 { Events = 7 { dd/d5 } } }");
  service_->agent().on_media_event(mgcp::endpoint_address{mgcp::endpoint_kind::e1, 1, 1},
                                   tandem::mgcp::observed_event{{"D", "5", ""}, {}});
  wait(std::chrono::seconds(3));
  EXPECT_EQ(service_->agent().state(), agent_state::waiting);
  sent_.clear();
  wait(std::chrono::seconds(6));
  auto reqs = requests_sent();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(sc_of(reqs.front().second).method, h::service_change_method::disconnected);
  EXPECT_EQ(sc_of(reqs.front().second).reason, "\"900 Service Restored\"");
}

TEST_F(registration, when_the_reply_names_another_mgc_then_the_gateway_registers_there) {
  make();
  service_->agent().start();
  const auto id = last_request_id();
  sent_.clear();
  from_mgc(fmt::format("MEGACO/1 [127.0.0.1]:2945\nReply = {} {{ Context = - {{ ServiceChange = ROOT {{ "
                       "Services {{ MgcIdToTry = [127.0.0.1]:2999 }} }} }} }}\n",
                       id));
  auto reqs = requests_sent();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().first, (h::peer{"127.0.0.1", 2999}));
  EXPECT_EQ(sc_of(reqs.back().second).method, h::service_change_method::handoff);
  EXPECT_NE(service_->agent().state(), agent_state::in_service);
}

TEST_F(registration, when_a_span_alarms_then_forced_904_on_its_terminations_and_adds_are_refused) {
  make();
  register_gateway();
  service_->agent().set_span_in_service(1, false);
  auto reqs = requests_sent();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].second.actions[0].commands[0].termination.name, "tdm/1/*");
  EXPECT_EQ(sc_of(reqs[0].second).method, h::service_change_method::forced);
  EXPECT_EQ(sc_of(reqs[0].second).reason, "\"904 Termination malfunctioning\"");
  EXPECT_EQ(error_of(request("Context = $ { Add = tdm/1/1 }")), h::error_code::service_unavailable);
  sent_.clear();
  service_->agent().set_span_in_service(1, true);
  reqs = requests_sent();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(sc_of(reqs[0].second).method, h::service_change_method::restart);
  EXPECT_FALSE(error_of(request("Context = $ { Add = tdm/1/1 }")));
}

TEST_F(registration, when_shut_down_gracefully_then_graceful_with_delay_on_root) {
  make();
  register_gateway();
  service_->agent().shut_down(true, std::chrono::seconds(30));
  auto reqs = requests_sent();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(sc_of(reqs[0].second).method, h::service_change_method::graceful);
  EXPECT_EQ(sc_of(reqs[0].second).delay, 30u);
}

TEST_F(registration, when_the_mgc_takes_a_termination_out_of_service_then_add_is_refused_until_restart) {
  make();
  auto r = request("Context = - { ServiceChange = tdm/1/2 { Services { Method = Forced, Reason = \"905 Termination taken out of service\" } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_EQ(error_of(request("Context = $ { Add = tdm/1/2 }")), h::error_code::service_unavailable);
  request("Context = - { ServiceChange = tdm/1/2 { Services { Method = Restart, Reason = \"900 Service Restored\" } } }");
  EXPECT_FALSE(error_of(request("Context = $ { Add = tdm/1/2 }")));
}

}  // namespace
}  // namespace tandem::gateway::h248::test
