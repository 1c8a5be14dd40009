/// Events, Notify, signals, continuity and the inactivity timer.
#include <set>

#include "tests/unit/gateway_h248/fixture.hpp"

namespace tandem::gateway::h248::test {
namespace {

class events : public service_fixture {
 protected:
  events() {
    make();
    register_gateway();
  }
  const mgcp::endpoint_address slot1{mgcp::endpoint_kind::e1, 1, 1};
  /// The ObservedEvents of the Notify requests sent (a retransmission counts once).
  std::vector<std::pair<std::string, h::observed_events_descriptor>> notified() const {
    std::vector<std::pair<std::string, h::observed_events_descriptor>> out;
    std::set<std::uint32_t> seen;
    for (const auto& [to, r] : requests_sent())
      if (seen.insert(r.id.value()).second)
      for (const auto& a : r.actions)
        for (const auto& c : a.commands)
          if (c.kind == h::command_kind::notify && c.descriptors.observed_events)
            out.emplace_back(c.termination.name, *c.descriptors.observed_events);
    return out;
  }
};

TEST_F(events, when_a_requested_digit_is_detected_then_notify_goes_to_the_controller) {
  auto r = request("Context = $ { Add = tdm/1/1 { Events = 12 { dd/d5, dd/ds } } }");
  ASSERT_FALSE(error_of(r));
  service_->agent().on_media_event(slot1, tandem::mgcp::observed_event{{"D", "*", ""}, {}});
  auto n = notified();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].first, "tdm/1/1");
  EXPECT_EQ(n[0].second.id.value, 12u);
  EXPECT_EQ(n[0].second.events[0].event.name, "dd/ds");
  EXPECT_EQ(sent_.back().first, mgc_);
}

TEST_F(events, when_an_event_was_not_requested_then_no_notify_and_it_is_counted) {
  request("Context = $ { Add = tdm/1/1 { Events = 12 { dd/d5 } } }");
  service_->agent().on_media_event(slot1, tandem::mgcp::observed_event{{"D", "7", ""}, {}});
  EXPECT_TRUE(notified().empty());
  EXPECT_EQ(agent_counters_.get("events.unrequested").value(), 1u);
}

TEST_F(events, when_rtp_times_out_then_netfail_is_notified_on_the_rtp_termination) {
  auto r = request(std::string(add_call_actions).replace(std::string(add_call_actions).find("Media { Stream"), 0,
                                                          "Events = 3 { nt/netfail }, "));
  ASSERT_FALSE(error_of(r));
  const auto rtp = r.actions[0].commands[1].termination.name;
  service_->agent().on_media_event(slot1, tandem::mgcp::observed_event{{"R", "rto", "H1"}, {}});
  auto n = notified();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].first, rtp);
  EXPECT_EQ(n[0].second.events[0].event.name, "nt/netfail");
}

TEST_F(events, when_ringback_is_requested_then_the_media_plane_plays_it_and_completion_is_reported) {
  auto r = request(
      "Context = $ { Add = tdm/1/1 { Events = 4 { g/sc }, Signals { cg/rt { Duration = 300, NotifyCompletion = { TimeOut } } } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 G/rt"));
  sent_.clear();
  clock_.advance(std::chrono::milliseconds(3000));
  EXPECT_TRUE(media_.called("stop-signal ds/e1-1/1 G/rt"));
  auto n = notified();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].second.events[0].event.name, "g/sc");
  ASSERT_EQ(n[0].second.events[0].event.parameters.size(), 2u);
  EXPECT_EQ(n[0].second.events[0].event.parameters[1].value.values[0], "TO");
}

TEST_F(events, when_signals_are_replaced_or_emptied_then_the_old_ones_stop) {
  auto r = request("Context = $ { Add = tdm/1/1 { Signals { cg/bt } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 T/bz"));
  const auto ctx = r.actions[0].context.value;
  request(fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Signals {{ }} }} }}", ctx));
  EXPECT_TRUE(media_.called("stop-signals ds/e1-1/1"));
  request(fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Signals {{ dg/d7, tonegen/pt {{ tl = sit }} }} }} }}", ctx));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 D/7"));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 G/it"));
}

TEST_F(events, when_a_signal_list_is_given_then_its_signals_play_one_after_the_other) {
  auto r = request(
      "Context = - { Modify = tdm/1/1 { Signals { SL = 3 { cg/rt { Duration = 100 }, dg/d4, cg/bt { Duration = 200 } } } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 G/rt"));
  EXPECT_FALSE(media_.called("signal ds/e1-1/1 D/4"));
  clock_.advance(std::chrono::milliseconds(1000));
  EXPECT_TRUE(media_.called("stop-signal ds/e1-1/1 G/rt"));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 D/4"));
  EXPECT_TRUE(media_.called("signal ds/e1-1/1 T/bz"));  // the brief digit hands over at once
  clock_.advance(std::chrono::milliseconds(2000));
  EXPECT_TRUE(media_.called("stop-signal ds/e1-1/1 T/bz"));
  // An empty Signals descriptor stops a list midway.
  request("Context = - { Modify = tdm/1/2 { Signals { SL = 4 { cg/rt { Duration = 100 }, cg/bt } } } }");
  request("Context = - { Modify = tdm/1/2 { Signals { } } }");
  clock_.advance(std::chrono::milliseconds(1000));
  EXPECT_FALSE(media_.called("signal ds/e1-1/2 T/bz"));
  r = request("Context = - { Modify = tdm/1/3 { Signals { SL = 5 { cg/rt { SignalType = OnOff } } } } }");
  EXPECT_EQ(error_of(r), h::error_code::unknown_value);
}

TEST_F(events, when_the_continuity_tone_comes_back_then_cmp_success_else_failure) {
  auto r = request("Context = - { Modify = tdm/1/2 { Events = 9 { ct/cmp }, Signals { ct/ct } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_TRUE(media_.called("signal ds/e1-1/2 T/co1"));
  service_->agent().on_media_event(mgcp::endpoint_address{mgcp::endpoint_kind::e1, 1, 2},
                                   tandem::mgcp::observed_event{{"T", "co1", ""}, {}});
  auto n = notified();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].second.events[0].event.name, "ct/cmp");
  EXPECT_EQ(n[0].second.events[0].event.parameters[0].value.values[0], "success");

  request("Context = - { Modify = tdm/1/3 { Events = 9 { ct/cmp }, Signals { ct/ct } } }");
  sent_.clear();
  clock_.advance(std::chrono::milliseconds(2000));
  n = notified();
  std::erase_if(n, [](const auto& x) { return x.first != "tdm/1/3"; });  // the first Notify is retransmitted
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].second.events[0].event.parameters[0].value.values[0], "failure");
}

TEST_F(events, when_the_controller_is_silent_past_mit_then_ito_is_notified_on_root) {
  auto r = request("Context = - { Modify = ROOT { Events = 2 { it/ito { mit = 100 } } } }");
  ASSERT_FALSE(error_of(r));
  sent_.clear();
  clock_.advance(std::chrono::milliseconds(600));
  // Activity restarts the timer.
  request("Context = - { AuditValue = ROOT { Audit { } } }");
  sent_.clear();
  clock_.advance(std::chrono::milliseconds(600));
  EXPECT_TRUE(notified().empty());
  clock_.advance(std::chrono::milliseconds(500));
  auto n = notified();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].first, "ROOT");
  EXPECT_EQ(n[0].second.events[0].event.name, "it/ito");
}

TEST_F(events, when_unsupported_event_features_are_asked_then_the_right_code) {
  auto r = request("Context = $ { Add = tdm/1/1 { Events = 1 { dd/ce { DigitMap = dialplan0 } } } }");
  EXPECT_EQ(error_of(r), h::error_code::digit_map_undefined);
  r = request("Context = $ { Add = tdm/1/1 { Events = 1 { it/ito } } }");
  EXPECT_EQ(error_of(r), h::error_code::cannot_detect_event);
  r = request("Context = $ { Add = tdm/1/1 { Events = 1 { dd/ce { DigitMap = { Gxx } } } } }");
  EXPECT_EQ(error_of(r), h::error_code::unknown_value);
  r = request("Context = $ { Add = tdm/1/1 { Events = 1 { dd/d1 { DigitMap = { xx } } } } }");
  EXPECT_EQ(error_of(r), h::error_code::unknown_parameter);
}

class digit_maps : public events {
 protected:
  void dial(std::string_view digits) {
    for (char d : digits)
      service_->agent().on_media_event(slot1, tandem::mgcp::observed_event{{"D", std::string(1, d), ""}, {}});
  }
  /// The ds and Meth of the dd/ce Notify requests sent, in order.
  std::vector<std::pair<std::string, std::string>> completions() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [term, oe] : notified())
      for (const auto& e : oe.events)
        if (e.event.name == "dd/ce" && e.event.parameters.size() == 2)
          out.emplace_back(e.event.parameters[0].value.values[0], e.event.parameters[1].value.values[0]);
    return out;
  }
};

TEST_F(digit_maps, when_a_pattern_is_matched_unambiguously_then_ce_reports_the_digits_with_um) {
  auto r = request(
      "Context = $ { Add = tdm/1/1 { Events = 5 { dd/ce { DigitMap = { (0|[1-7]xxx|8xxxxxxx|Exx|9011x.) } } } } }");
  ASSERT_FALSE(error_of(r));
  dial("2345");
  auto c = completions();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "\"2345\"");
  EXPECT_EQ(c[0].second, "UM");
  answer_requests();
  sent_.clear();
  dial("*12");  // E is the star key
  c = completions();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "\"E12\"");
}

TEST_F(digit_maps, when_the_long_timer_ends_a_full_match_then_fm_and_a_short_timer_a_partial_then_pm) {
  auto r = request(
      "Context = - { Modify = tdm/1/1 { DigitMap = plan1 { S:2, L:8, (9011x.|8xxxxxxx) },"
      " Events = 6 { dd/ce { DigitMap = plan1 } } } }");
  ASSERT_FALSE(error_of(r));
  dial("90115");
  clock_.advance(std::chrono::seconds(7));
  EXPECT_TRUE(completions().empty());
  clock_.advance(std::chrono::seconds(1));
  auto c = completions();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "\"90115\"");
  EXPECT_EQ(c[0].second, "FM");
  answer_requests();
  sent_.clear();
  dial("812");
  clock_.advance(std::chrono::seconds(2));
  c = completions();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "\"812\"");
  EXPECT_EQ(c[0].second, "PM");
}

TEST_F(digit_maps, when_a_pattern_ends_with_a_timer_then_its_expiry_completes_it) {
  auto r = request("Context = - { Modify = tdm/1/1 { Events = 7 { dd/ce { DigitMap = { S:3, (0S|00S|01x) } } } } }");
  ASSERT_FALSE(error_of(r));
  dial("0");
  clock_.advance(std::chrono::seconds(3));
  auto c = completions();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "\"0\"");
  EXPECT_EQ(c[0].second, "UM");
}

}  // namespace
}  // namespace tandem::gateway::h248::test
