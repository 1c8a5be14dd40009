/// The spans' control side with a fake span and a recording backhaul: D-channel frames both
/// ways, and the alarm hold before endpoints go out of service.
#include "gateway/app/span_supervisor.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tandem::gateway::app {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct fake_span final : tdm::span {
  tdm::span_layout layout_ = tdm::span_layout::e1();
  std::vector<std::vector<std::uint8_t>> sent;
  const tdm::span_layout& layout() const override { return layout_; }
  tdm::span_number number() const override { return tdm::span_number{1}; }
  unsigned samples_per_tick() const override { return 80; }
  void start(tdm::span_handler&) override {}
  void stop() override {}
  void send_dchannel_frame(std::span<const std::uint8_t> f) override { sent.emplace_back(f.begin(), f.end()); }
  tdm::alarm alarms() const override { return tdm::alarm::none; }
  tdm::span_stats stats() const override { return {}; }
};

struct recording_backhaul final : backhaul::backhaul_link {
  std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> frames;
  std::vector<std::pair<std::uint16_t, std::uint8_t>> statuses;
  void start() override {}
  void stop() override {}
  void send_dchannel(std::uint16_t span, std::span<const std::uint8_t> f) override {
    frames.emplace_back(span, std::vector<std::uint8_t>(f.begin(), f.end()));
  }
  void set_span_status(std::uint16_t span, std::uint8_t alarms) override { statuses.emplace_back(span, alarms); }
  backhaul::link_state state() const override { return backhaul::link_state::up; }
  std::uint16_t local_port() const override { return 0; }
};

struct supervisor_fixture : ::testing::Test {
  std::unique_ptr<media::media_engine> engine;
  std::unique_ptr<span_bridge> bridge;
  fake_span span;
  recording_backhaul link;
  counter_set counters{"spans"};
  std::vector<std::pair<unsigned, bool>> service_changes;
  std::unique_ptr<span_supervisor> supervisor;
  clock_type::time_point t0 = clock_type::now();

  void SetUp() override {
    media::media_engine_config ec;
    ec.span = tdm::span_layout::e1();
    ec.ports = {40000, 40009};
    auto e = media::media_engine::create(ec);
    ASSERT_TRUE(e.has_value());
    engine = std::move(*e);
    bridge = std::make_unique<span_bridge>(*engine);
    supervisor = std::make_unique<span_supervisor>(
        std::vector<supervised_span>{{1, &span, bridge.get(), 1000ms}},
        [this](unsigned s, bool up) { service_changes.emplace_back(s, up); }, counters);
    supervisor->set_backhaul(&link);
  }
};

TEST_F(supervisor_fixture, when_a_span_receives_dchannel_frames_then_the_next_poll_relays_them_in_order) {
  const std::vector<std::uint8_t> a{0x00, 0x01, 0x7F}, b{0x02, 0x01, 0x73};
  bridge->on_dchannel_frame(a);
  bridge->on_dchannel_frame(b);
  supervisor->poll(t0);
  ASSERT_EQ(link.frames.size(), 2u);
  EXPECT_EQ(link.frames[0], (std::pair<std::uint16_t, std::vector<std::uint8_t>>{1, a}));
  EXPECT_EQ(link.frames[1].second, b);
  EXPECT_EQ(counters.value("span1.dchannel.to_call_agent"), 2u);
}

TEST_F(supervisor_fixture, when_the_span_thread_queue_overflows_then_the_drops_are_counted) {
  const std::vector<std::uint8_t> f{0x00, 0x01, 0x7F};
  for (std::size_t i = 0; i < span_bridge::dchannel_depth + 5; ++i) bridge->on_dchannel_frame(f);
  supervisor->poll(t0);
  EXPECT_EQ(link.frames.size(), span_bridge::dchannel_depth);
  EXPECT_EQ(counters.value("span1.dchannel.dropped"), 5u);
}

TEST_F(supervisor_fixture, when_the_call_agent_sends_a_frame_then_it_reaches_the_named_span_only) {
  const std::vector<std::uint8_t> f{0x02, 0x01, 0x73};
  EXPECT_TRUE(supervisor->on_dchannel_from_call_agent(1, f));
  EXPECT_FALSE(supervisor->on_dchannel_from_call_agent(2, f));
  ASSERT_EQ(span.sent.size(), 1u);
  EXPECT_EQ(span.sent[0], f);
  EXPECT_EQ(counters.value("span1.dchannel.from_call_agent"), 1u);
}

TEST_F(supervisor_fixture, when_an_alarm_lasts_past_the_hold_then_endpoints_go_out_of_service_and_come_back_on_clear) {
  bridge->on_alarm(tdm::alarm::loss_of_signal);
  supervisor->poll(t0);
  EXPECT_EQ(supervisor->service(1), span_service::alarm_pending);
  ASSERT_EQ(link.statuses.size(), 1u);
  EXPECT_EQ(link.statuses[0].second, static_cast<std::uint8_t>(tdm::alarm::loss_of_signal));
  supervisor->poll(t0 + 999ms);
  EXPECT_TRUE(service_changes.empty());
  supervisor->poll(t0 + 1000ms);
  EXPECT_EQ(supervisor->service(1), span_service::out_of_service);
  ASSERT_EQ(service_changes.size(), 1u);
  EXPECT_EQ(service_changes[0], (std::pair<unsigned, bool>{1, false}));
  bridge->on_alarm(tdm::alarm::none);
  supervisor->poll(t0 + 1500ms);
  ASSERT_EQ(service_changes.size(), 2u);
  EXPECT_EQ(service_changes[1], (std::pair<unsigned, bool>{1, true}));
  EXPECT_EQ(link.statuses.back().second, 0);
  EXPECT_EQ(counters.value("span1.out_of_service"), 1u);
}

TEST_F(supervisor_fixture, when_an_alarm_clears_within_the_hold_then_the_agent_is_not_told_and_it_is_counted_as_brief) {
  bridge->on_alarm(tdm::alarm::loss_of_signal);
  supervisor->poll(t0);
  bridge->on_alarm(tdm::alarm::none);
  supervisor->poll(t0 + 200ms);
  EXPECT_EQ(supervisor->service(1), span_service::in_service);
  EXPECT_TRUE(service_changes.empty());
  EXPECT_EQ(counters.value("span1.brief_alarms"), 1u);
  EXPECT_EQ(link.statuses.size(), 2u);  // the call agent still hears both changes
}

TEST_F(supervisor_fixture, when_there_is_no_backhaul_then_frames_are_counted_as_dropped) {
  supervisor->set_backhaul(nullptr);
  bridge->on_dchannel_frame(std::vector<std::uint8_t>{0x00, 0x01, 0x7F});
  supervisor->poll(t0);
  EXPECT_EQ(counters.value("span1.dchannel.dropped"), 1u);
  EXPECT_TRUE(link.frames.empty());
}

}  // namespace
}  // namespace tandem::gateway::app
