// Two exchange simulators back to back over a real sim span (a Unix socket), in one process:
// the network side is the clock master and listens, the user side (CPE mode) follows and
// connects. Everything runs on the test's io_context; the spans tick on their own threads.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <functional>

#include <gtest/gtest.h>

#include "common/asio.hpp"
#include "codecs/audio/measure.hpp"
#include "lab/pstn/exchange.hpp"
#include "lab/pstn/media/wav_file.hpp"

namespace tandem::lab::pstn {
namespace {

using namespace std::chrono_literals;
using isdn::cause;

struct recording_notifier : exchange_notifier {
  std::vector<std::pair<std::uint32_t, call_event>> events;
  std::vector<std::pair<std::string, std::string>> span_events;  // what, detail
  bool saw_alarm(std::string_view bit) const {
    for (const auto& [what, detail] : span_events)
      if (what == "alarm" && detail.find(bit) != std::string::npos) return true;
    return false;
  }
  void on_call_event(const call_record& c, const call_event& e) override { events.emplace_back(c.id.value(), e); }
  void on_span_event(unsigned, std::string_view what, std::string_view detail) override {
    span_events.emplace_back(what, detail);
  }
  std::vector<std::string> names(std::uint32_t call) const {
    std::vector<std::string> out;
    for (const auto& [id, e] : events)
      if (id == call) out.push_back(e.name);
    return out;
  }
};

subscriber_config subscriber(std::string number, subscriber_behaviour b,
                             std::chrono::milliseconds answer_after = 0ms) {
  subscriber_config s;
  s.number = std::move(number);
  s.behaviour = b;
  s.answer_after = answer_after;
  return s;
}

class back_to_back : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tandem-pstn-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::string socket = dir_ + "/span1.sock";
    // A media file both sides know: 300 ms of 700 Hz at -12 dBm0.
    std::string greeting = dir_ + "/greeting.wav";
    ASSERT_TRUE(media::save_wav(greeting, codecs::audio::make_sine(700, media::amplitude_for_dbm0(-12),
                                                                   media::sample_rate, 2400))
                    .has_value());

    pstn_config net_cfg;
    net_cfg.record_seconds = 10;
    span_config ns;
    ns.socket_path = socket;
    ns.role = socket_role::listen;
    ns.clock = clock_role::master;
    ns.los_hold = 500ms;
    ns.subscribers = {subscriber("2001", subscriber_behaviour::answer, 20ms),
                      subscriber("2002", subscriber_behaviour::busy),
                      subscriber("2003", subscriber_behaviour::manual),
                      subscriber("2004", subscriber_behaviour::reject),
                      subscriber("2006", subscriber_behaviour::no_answer),
                      subscriber("2007", subscriber_behaviour::answer)};
    ns.subscribers[3].cause = 21;
    ns.subscribers[4].no_answer_after = 200ms;
    ns.subscribers[5].media = answer_media::tone;
    ns.subscribers[5].tone_hz = 425;
    ns.subscribers[5].tone_dbm0 = -13;
    net_cfg.spans = {ns};
    net_cfg.media = {{"greeting", greeting}};

    pstn_config cpe_cfg = net_cfg;
    cpe_cfg.side = interface_side::cpe;
    cpe_cfg.spans[0].role = socket_role::connect;
    cpe_cfg.spans[0].clock = clock_role::slave;
    cpe_cfg.spans[0].subscribers = {subscriber("1001", subscriber_behaviour::answer, 50ms),
                                    subscriber("1002", subscriber_behaviour::busy),
                                    subscriber("1003", subscriber_behaviour::manual)};

    auto n = exchange::create(io_, net_cfg, net_events_);
    ASSERT_TRUE(n.has_value()) << n.error();
    net_ = std::move(*n);
    cpe_cfg_ = cpe_cfg;
    auto c = exchange::create(io_, cpe_cfg, cpe_events_);
    ASSERT_TRUE(c.has_value()) << c.error();
    cpe_ = std::move(*c);
    net_->start();
    cpe_->start();
    ASSERT_TRUE(run_until([&] { return net_->spans()[0].link_up && cpe_->spans()[0].link_up; }))
        << "the D-channel did not come up";
  }

  void TearDown() override {
    if (cpe_) cpe_->stop();
    if (net_) net_->stop();
    cpe_.reset();
    net_.reset();
    std::filesystem::remove_all(dir_);
  }

  /// Runs the io_context until `done` (checked every `every`) or the bound is reached.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds bound = 10s,
                 std::chrono::milliseconds every = 5ms) {
    for (auto waited = 0ms; waited < bound; waited += every) {
      if (done()) return true;
      io_.run_for(every);
    }
    return done();
  }

  /// Blocks lost or late on either span so far: audio gaps that a loaded host causes.
  std::uint64_t gaps() const {
    std::uint64_t n = 0;
    for (const auto* ex : {net_.get(), cpe_.get()}) {
      auto st = ex->spans()[0].stats;
      n += st.blocks_lost + st.blocks_late;
    }
    return n;
  }

  /// Runs an audio measurement until one run sees no lost or late block (at most 4 runs):
  /// the assertions are about the exchange, not about how loaded the test host is. The
  /// caller asserts on what the last run returned.
  template <class F>
  auto measure_cleanly(F attempt) -> decltype(attempt()) {
    decltype(attempt()) last{};
    for (int i = 0; i < 4; ++i) {
      auto before = gaps();
      last = attempt();
      if (gaps() == before) return last;
      std::printf("attempt %d had %llu lost/late blocks: measuring again\n", i + 1,
                  static_cast<unsigned long long>(gaps() - before));
    }
    return last;
  }
  void run_for(std::chrono::milliseconds d) { io_.run_for(d); }

  call_state state(exchange& ex, call_id id) { return ex.call(id)->state; }

  /// The incoming call at the far side (the last one it saw).
  call_id last_call(exchange& ex) { return ex.calls().back().id; }

  /// A connected call from the user side to network subscriber 2001; returns {cpe id, net id}.
  std::pair<call_id, call_id> connected_call() {
    auto id = cpe_->place_call(1, "2001", "1001");
    EXPECT_TRUE(id.has_value()) << id.error();
    EXPECT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::active; }));
    auto far = last_call(*net_);
    EXPECT_TRUE(run_until([&] { return state(*net_, far) == call_state::active; }));
    return {*id, far};
  }

  std::string dir_;
  pstn_config cpe_cfg_;
  asio::io_context io_;
  recording_notifier net_events_;
  recording_notifier cpe_events_;
  std::unique_ptr<exchange> net_;
  std::unique_ptr<exchange> cpe_;
};

TEST_F(back_to_back, when_the_network_calls_a_subscriber_then_setup_to_connect_completes) {
  auto id = net_->place_call(1, "1001", "2001");
  ASSERT_TRUE(id.has_value()) << id.error();
  ASSERT_TRUE(run_until([&] { return state(*net_, *id) == call_state::active; }));
  EXPECT_EQ(net_events_.names(id->value()),
            (std::vector<std::string>{"setup", "proceeding", "alerting", "connect"}));
  auto far = cpe_->call(last_call(*cpe_));
  ASSERT_TRUE(far.has_value());
  EXPECT_EQ(far->direction, call_direction::incoming);
  EXPECT_EQ(far->called, "1001");
  EXPECT_EQ(far->calling, "2001");
  EXPECT_EQ(far->channel, net_->call(*id)->channel);
  EXPECT_EQ(far->state, call_state::active);
}

TEST_F(back_to_back, when_a_tone_is_played_then_the_far_end_detects_its_frequency_and_level) {
  auto a = measure_cleanly([&]() -> std::optional<audio_report> {
    auto [near, far] = connected_call();
    play_request tone;
    tone.kind = media::source_kind::tone;
    tone.tone_hz = 1004;
    tone.tone_dbm0 = -10;
    tone.duration_ms = 400;
    if (!cpe_->play(near, tone)) return std::nullopt;
    run_until([&] {
      auto r = net_->audio(far, "", std::nullopt);
      return r && !r->tones.empty() && r->tones.back().duration_ms >= 380;
    }, 3s, 50ms);
    run_for(100ms);
    return *net_->audio(far, "", std::nullopt);
  });
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->tones.size(), 1u);
  EXPECT_NEAR(a->tones[0].frequency_hz, 1004, 3);
  EXPECT_NEAR(a->tones[0].level_dbm0, -10, 0.5);
  EXPECT_NEAR(a->tones[0].duration_ms, 400, 20);
}

TEST_F(back_to_back, when_dtmf_is_sent_then_the_far_end_detects_every_digit) {
  auto digits = measure_cleanly([&]() -> std::string {
    auto [near, far] = connected_call();
    play_request dtmf;
    dtmf.kind = media::source_kind::dtmf;
    dtmf.digits = "0123456789*#";
    if (!net_->play(far, dtmf)) return "";
    run_until([&] { return cpe_->audio(near, "", std::nullopt)->digits.size() >= 12; }, 5s, 50ms);
    run_for(300ms);  // nothing more may arrive
    return cpe_->audio(near, "", std::nullopt)->digits;
  });
  EXPECT_EQ(digits, "0123456789*#");
}

TEST_F(back_to_back, when_the_far_end_echoes_the_marker_then_the_round_trip_is_measured_to_the_sample) {
  auto a = measure_cleanly([&]() -> std::optional<audio_report> {
    auto [near, far] = connected_call();
    play_request echo;
    echo.kind = media::source_kind::echo;
    if (!net_->play(far, echo)) return std::nullopt;
    play_request marker;
    marker.kind = media::source_kind::samples;
    marker.media_name = "marker";
    if (!cpe_->play(near, marker)) return std::nullopt;
    std::optional<audio_report> r;
    run_until([&] {
      r = *cpe_->audio(near, "marker", std::nullopt);
      return r->round_trip_ms.has_value();
    }, 5s, 50ms);
    return r;
  });
  ASSERT_TRUE(a && a->round_trip_ms && a->reference);
  std::printf("round trip %.3f ms, correlation %.3f, SNR %.1f dB\n", *a->round_trip_ms,
              a->reference->correlation, a->reference->snr_db);
  // The sim span carries one block per tick each way and the echo turns it round in the same
  // tick: the loop is a whole number of ticks, at most a few.
  const double tick_ms = 10;
  EXPECT_GE(*a->round_trip_ms, 0.0);
  EXPECT_LE(*a->round_trip_ms, 3 * tick_ms);
  EXPECT_NEAR(std::fmod(*a->round_trip_ms, tick_ms), 0.0, 1e-9);
  EXPECT_GT(a->reference->correlation, 0.95);
  EXPECT_GT(a->reference->snr_db, 30.0);  // A-law, decoded and re-encoded without loss
}

TEST_F(back_to_back, when_the_marker_crosses_one_way_then_the_delay_is_within_one_block_of_the_loop) {
  auto a = measure_cleanly([&]() -> std::optional<audio_report> {
    auto [near, far] = connected_call();
    play_request marker;
    marker.kind = media::source_kind::samples;
    marker.media_name = "marker";
    if (!cpe_->play(near, marker)) return std::nullopt;
    run_until([&] { return cpe_->audio(near, "", std::nullopt)->play_start_us != 0; }, 2s);
    const auto sent_at = cpe_->audio(near, "", std::nullopt)->play_start_us;
    std::optional<audio_report> r;
    run_until([&] {
      r = *net_->audio(far, "marker", sent_at);
      return r->one_way_ms.has_value();
    }, 5s, 50ms);
    return r;
  });
  ASSERT_TRUE(a && a->one_way_ms && a->reference);
  std::printf("one way %.2f ms, SNR %.1f dB\n", *a->one_way_ms, a->reference->snr_db);
  // One way is part of the loop: between zero and two blocks (it is measured on the host's
  // steady clock at tick boundaries, so it is exact to one block only).
  EXPECT_GE(*a->one_way_ms, -10.0);
  EXPECT_LE(*a->one_way_ms, 20.0);
  EXPECT_GT(a->reference->snr_db, 30.0);  // one A-law pass
}

TEST_F(back_to_back, when_a_media_file_is_played_then_the_far_end_finds_it_intact) {
  auto a = measure_cleanly([&]() -> std::optional<audio_report> {
    auto [near, far] = connected_call();
    play_request file;
    file.kind = media::source_kind::samples;
    file.media_name = "greeting";
    if (!cpe_->play(near, file)) return std::nullopt;
    std::optional<audio_report> r;
    run_until([&] {
      r = *net_->audio(far, "greeting", std::nullopt);
      return r->reference.has_value();
    }, 5s, 50ms);
    return r;
  });
  ASSERT_TRUE(a && a->reference);
  EXPECT_GT(a->reference->snr_db, 30.0);
  ASSERT_FALSE(a->tones.empty());
  EXPECT_NEAR(a->tones.back().frequency_hz, 700, 3);
  EXPECT_NEAR(a->tones.back().level_dbm0, -12, 0.5);
}

TEST_F(back_to_back, when_the_caller_hangs_up_then_both_sides_keep_cause_16) {
  auto [near, far] = connected_call();
  ASSERT_TRUE(cpe_->hangup(near, cause::normal_clearing).has_value());
  ASSERT_TRUE(run_until([&] {
    return state(*cpe_, near) == call_state::released && state(*net_, far) == call_state::released;
  }));
  EXPECT_EQ(*cpe_->call(near)->cause, cause::normal_clearing);
  EXPECT_EQ(*net_->call(far)->cause, cause::normal_clearing);
  EXPECT_EQ(net_events_.names(far.value()),
            (std::vector<std::string>{"setup", "connect", "disconnect", "release"}));
}

TEST_F(back_to_back, when_the_called_side_hangs_up_then_the_caller_sees_its_cause) {
  auto [near, far] = connected_call();
  ASSERT_TRUE(net_->hangup(far, cause::normal_clearing).has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, near) == call_state::released; }));
  EXPECT_EQ(*cpe_->call(near)->cause, cause::normal_clearing);
  EXPECT_EQ(cpe_events_.names(near.value()),
            (std::vector<std::string>{"setup", "proceeding", "alerting", "connect", "disconnect", "release"}));
}

TEST_F(back_to_back, when_the_subscriber_is_busy_then_the_caller_gets_cause_17) {
  auto id = net_->place_call(1, "1002", "2001");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(run_until([&] { return state(*net_, *id) == call_state::released; }));
  EXPECT_EQ(*net_->call(*id)->cause, cause::user_busy);
}

TEST_F(back_to_back, when_the_subscriber_rejects_then_the_caller_gets_its_configured_cause) {
  auto id = cpe_->place_call(1, "2004", "1001");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::released; }));
  EXPECT_EQ(*cpe_->call(*id)->cause, cause::call_rejected);
}

TEST_F(back_to_back, when_nobody_answers_then_the_call_rings_and_clears_with_cause_19) {
  auto id = cpe_->place_call(1, "2006", "1001");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::released; }));
  EXPECT_EQ(*cpe_->call(*id)->cause, cause::no_answer);
  EXPECT_EQ(cpe_events_.names(id->value()),
            (std::vector<std::string>{"setup", "proceeding", "alerting", "disconnect", "release"}));
}

TEST_F(back_to_back, when_a_tone_subscriber_answers_then_the_caller_hears_its_tone) {
  auto a = measure_cleanly([&]() -> std::optional<audio_report> {
    auto id = cpe_->place_call(1, "2007", "1001");
    if (!id || !run_until([&] { return state(*cpe_, *id) == call_state::active; })) return std::nullopt;
    std::optional<audio_report> r;
    run_until([&] {
      r = *cpe_->audio(*id, "", std::nullopt);
      return !r->tones.empty() && r->tones.back().duration_ms >= 200;
    }, 5s, 50ms);
    return r;
  });
  ASSERT_TRUE(a && !a->tones.empty());
  EXPECT_NEAR(a->tones.back().frequency_hz, 425, 3);
  EXPECT_NEAR(a->tones.back().level_dbm0, -13, 0.5);
}

TEST_F(back_to_back, when_the_number_is_unallocated_then_the_caller_gets_cause_1) {
  auto id = cpe_->place_call(1, "9999", "1001");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::released; }));
  EXPECT_EQ(*cpe_->call(*id)->cause, cause::unallocated_number);
  auto far = last_call(*net_);
  EXPECT_TRUE(run_until([&] { return state(*net_, far) == call_state::released; }));
  EXPECT_EQ(*net_->call(far)->cause, cause::unallocated_number);
  EXPECT_EQ(net_->spans()[0].calls, 0u);
}

TEST_F(back_to_back, when_a_manual_subscriber_is_answered_by_command_then_the_call_connects) {
  auto id = cpe_->place_call(1, "2003", "1001");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::alerting; }));
  auto far = last_call(*net_);
  run_for(50ms);
  EXPECT_EQ(state(*cpe_, *id), call_state::alerting);  // nobody answers by itself
  ASSERT_TRUE(net_->answer(far).has_value());
  ASSERT_TRUE(run_until([&] { return state(*cpe_, *id) == call_state::active; }));
  EXPECT_FALSE(net_->answer(far).has_value());  // already answered
}

TEST_F(back_to_back, when_the_peer_vanishes_mid_call_then_the_call_is_cleared_with_38_or_41) {
  auto [near, far] = connected_call();
  cpe_->stop();
  ASSERT_TRUE(run_until([&] { return state(*net_, far) == call_state::released; }));
  auto c = *net_->call(far)->cause;
  EXPECT_TRUE(c == cause::network_out_of_order || c == cause::temporary_failure) << static_cast<int>(c);
  std::printf("peer vanished: call cleared with cause %d\n", static_cast<int>(c));
  EXPECT_TRUE(net_events_.saw_alarm("loss_of_signal"));
  // Q.921: the data link fails once T200 has run out N200 times; then no call can be placed.
  ASSERT_TRUE(run_until([&] { return !net_->spans()[0].link_up; }, 15s));
  auto again = net_->place_call(1, "1001", "2001");
  ASSERT_FALSE(again.has_value());
  EXPECT_TRUE(again.error().find("D-channel is down") != std::string::npos ||
              again.error().find("loss of signal") != std::string::npos)
      << again.error();
  (void)near;
}

TEST_F(back_to_back, when_the_peer_comes_back_then_the_d_channel_returns_and_calls_work_again) {
  net_events_.span_events.clear();
  cpe_->stop();
  cpe_.reset();
  ASSERT_TRUE(run_until([&] { return net_events_.saw_alarm("loss_of_signal"); }));
  auto c = exchange::create(io_, cpe_cfg_, cpe_events_);
  ASSERT_TRUE(c.has_value()) << c.error();
  cpe_ = std::move(*c);
  cpe_->start();
  ASSERT_TRUE(run_until([&] {
    return net_->spans()[0].link_up && !tdm::any(net_->spans()[0].alarms) && cpe_->spans()[0].link_up;
  }, 20s));
  auto id = net_->place_call(1, "1001", "2001");
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_TRUE(run_until([&] { return state(*net_, *id) == call_state::active; }));
}

TEST_F(back_to_back, when_commands_name_unknown_things_then_they_fail_with_a_reason) {
  EXPECT_NE(net_->place_call(7, "1001", "").error().find("unknown span 7"), std::string::npos);
  EXPECT_NE(net_->place_call(1, "10a1", "").error().find("digits"), std::string::npos);
  EXPECT_NE(net_->place_call(1, "1001", "", 16).error().find("not a B-channel"), std::string::npos);
  EXPECT_NE(net_->answer(call_id{4242}).error().find("unknown call 4242"), std::string::npos);
  EXPECT_NE(net_->hangup(call_id{4242}, cause::normal_clearing).error().find("unknown call"), std::string::npos);
  auto [near, far] = connected_call();
  play_request bad;
  bad.kind = media::source_kind::samples;
  bad.media_name = "nope";
  EXPECT_NE(cpe_->play(near, bad).error().find("unknown media"), std::string::npos);
  bad.kind = media::source_kind::dtmf;
  bad.digits = "12x";
  EXPECT_FALSE(cpe_->play(near, bad).has_value());
  EXPECT_NE(cpe_->answer(near).error().find("outgoing"), std::string::npos);
  EXPECT_FALSE(net_->audio(far, "nope", std::nullopt).has_value());
}

}  // namespace
}  // namespace tandem::lab::pstn

namespace tandem::lab::pstn {
namespace {

// The T1 flavour: National ISDN 2 on channel 24, µ-law bearers, 23 B-channels.
TEST(back_to_back_t1, when_an_ni2_call_is_made_then_it_connects_and_carries_a_ulaw_tone) {
  char tmpl[] = "/tmp/tandem-pstn-t1-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  pstn_config net_cfg;
  net_cfg.record_seconds = 5;
  span_config s;
  s.type = tdm::span_type::t1;
  s.switch_kind = switch_type::ni2;
  s.socket_path = dir + "/t1.sock";
  s.subscribers = {subscriber("5551000", subscriber_behaviour::answer, 20ms)};
  net_cfg.spans = {s};
  pstn_config cpe_cfg = net_cfg;
  cpe_cfg.side = interface_side::cpe;
  cpe_cfg.spans[0].role = socket_role::connect;
  cpe_cfg.spans[0].clock = clock_role::slave;

  asio::io_context io;
  recording_notifier events;
  auto net = exchange::create(io, net_cfg, events);
  auto cpe = exchange::create(io, cpe_cfg, events);
  ASSERT_TRUE(net && cpe);
  (*net)->start();
  (*cpe)->start();
  auto run_until = [&](const std::function<bool()>& done, std::chrono::milliseconds every = 5ms) {
    for (auto waited = 0ms; waited < 10s && !done(); waited += every) io.run_for(every);
    return done();
  };
  ASSERT_TRUE(run_until([&] { return (*net)->spans()[0].link_up && (*cpe)->spans()[0].link_up; }));
  auto id = (*cpe)->place_call(1, "5551000", "5552000");
  ASSERT_TRUE(id.has_value()) << id.error();
  ASSERT_TRUE(run_until([&] { return (*cpe)->call(*id)->state == call_state::active; }));
  const auto channel = (*cpe)->call(*id)->channel;
  EXPECT_EQ(channel, 23u);  // the user side hunts from the top; 24 is the D-channel
  auto far = (*net)->calls().back().id;
  play_request tone;
  tone.kind = media::source_kind::tone;
  tone.tone_hz = 2010;
  tone.tone_dbm0 = -16;
  tone.duration_ms = 300;
  ASSERT_TRUE((*cpe)->play(*id, tone).has_value());
  std::optional<audio_report> a;
  EXPECT_TRUE(run_until([&] {
    a = *(*net)->audio(far, "", std::nullopt);
    return !a->tones.empty() && a->tones.back().duration_ms >= 280;
  }, 100ms));
  std::printf("t1: near channel %u, far channel %u, far state %s, recorded %.0f ms, tones %zu\n", channel,
              (*net)->call(far)->channel, std::string(to_string((*net)->call(far)->state)).c_str(),
              a ? a->recorded_ms : -1.0, a ? a->tones.size() : 0);
  if (a)
    for (const auto& t : a->tones)
      std::printf("t1 tone %.0f Hz %.1f dBm0 at %.0f ms for %.0f ms; lost %llu late %llu\n", t.frequency_hz,
                  t.level_dbm0, t.start_ms, t.duration_ms,
                  static_cast<unsigned long long>((*net)->spans()[0].stats.blocks_lost),
                  static_cast<unsigned long long>((*net)->spans()[0].stats.blocks_late));
  if (a && !a->tones.empty()) {
    EXPECT_NEAR(a->tones.back().frequency_hz, 2010, 3);
    EXPECT_NEAR(a->tones.back().level_dbm0, -16, 0.5);
  }
  EXPECT_FALSE((*cpe)->place_call(1, "5551000", "", 24).has_value());  // the D-channel
  (*cpe)->stop();
  (*net)->stop();
  cpe->reset();
  net->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tandem::lab::pstn
