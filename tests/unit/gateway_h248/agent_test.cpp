/// Add, Modify, Subtract, Move, audits and H.248.8 errors, driven as text through the service.
#include "tests/unit/gateway_h248/fixture.hpp"

namespace tandem::gateway::h248::test {
namespace {

class commands : public service_fixture {
 protected:
  commands() { make(); }

  /// Adds the standard call; returns the context id and the RTP termination's name.
  std::pair<std::uint32_t, std::string> add_call() {
    auto r = request(add_call_actions);
    EXPECT_FALSE(error_of(r));
    if (r.actions.size() != 1 || r.actions[0].commands.size() != 2) {
      ADD_FAILURE() << "unexpected reply shape";
      return {0, ""};
    }
    return {r.actions[0].context.value, r.actions[0].commands[1].termination.name};
  }
};

TEST_F(commands, when_tdm_and_rtp_are_added_to_choose_context_then_a_connection_runs_on_the_timeslot) {
  auto r = request(add_call_actions);
  ASSERT_FALSE(error_of(r));
  ASSERT_EQ(r.actions.size(), 1u);
  const auto& a = r.actions[0];
  EXPECT_EQ(a.context.kind, h::context_kind::specific);
  ASSERT_EQ(a.commands.size(), 2u);
  EXPECT_EQ(a.commands[0].termination.name, "tdm/1/1");
  EXPECT_EQ(a.commands[1].termination.name, "rtp/1");
  ASSERT_TRUE(a.commands[1].descriptors.media);
  ASSERT_EQ(a.commands[1].descriptors.media->streams.size(), 1u);
  const auto& local = a.commands[1].descriptors.media->streams[0].parms.local;
  ASSERT_TRUE(local);
  EXPECT_NE(local->find("m=audio 16000 RTP/AVP 0"), std::string::npos) << *local;
  EXPECT_NE(local->find("c=IN IP4 127.0.0.1"), std::string::npos) << *local;
  EXPECT_TRUE(media_.called("create ds/e1-1/1 H1 port 16000"));
  // RTP ReceiveOnly with the timeslot SendReceive: the gateway receives RTP only.
  const auto& s = media_.live.begin()->second;
  EXPECT_EQ(s.mode, tandem::mgcp::connection_mode_kind::recvonly);
  EXPECT_EQ(s.codecs.front().encoding, "PCMU");
  EXPECT_EQ(service_->agent().context_count(), 1u);
  EXPECT_EQ(service_->agent().context_of("tdm/1/1"), a.context.value);
}

TEST_F(commands, when_local_offers_pcma_only_then_the_answer_is_pcma) {
  auto r = request(
      "Context = $ { Add = tdm/1/1, Add = rtp/$ { Media { Stream = 1 { Local {\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8\n} } } } }");
  ASSERT_FALSE(error_of(r));
  const auto& local = *r.actions[0].commands[1].descriptors.media->streams[0].parms.local;
  EXPECT_NE(local.find("m=audio 16000 RTP/AVP 8"), std::string::npos) << local;
  EXPECT_EQ(media_.live.begin()->second.codecs.front().encoding, "PCMA");
}

TEST_F(commands, when_remote_is_given_by_modify_then_the_connection_sends_there_in_sendreceive) {
  auto [ctx, rtp] = add_call();
  auto r = request(fmt::format(
      "Context = {} {{ Modify = {} {{ Media {{ Stream = 1 {{ LocalControl {{ Mode = SendReceive }}, Remote {{\n"
      "v=0\no=- 1 1 IN IP4 192.0.2.7\ns=-\nc=IN IP4 192.0.2.7\nt=0 0\nm=audio 40000 RTP/AVP 0\n}} }} }} }} }}",
      ctx, rtp));
  ASSERT_FALSE(error_of(r)) << static_cast<int>(*error_of(r));
  EXPECT_TRUE(media_.called("modify ds/e1-1/1 H1"));
  const auto& s = media_.live.begin()->second;
  ASSERT_TRUE(s.remote);
  EXPECT_EQ(s.remote->address, "192.0.2.7");
  EXPECT_EQ(s.remote->port, 40000);
  EXPECT_EQ(s.mode, tandem::mgcp::connection_mode_kind::sendrecv);
  // The reply carries our Local again.
  ASSERT_TRUE(r.actions[0].commands[0].descriptors.media);
}

TEST_F(commands, when_the_context_is_subtracted_then_statistics_come_back_and_the_context_is_gone) {
  auto [ctx, rtp] = add_call();
  clock_.advance(std::chrono::seconds(3));
  auto r = request(fmt::format("Context = {} {{ Subtract = * }}", ctx));
  ASSERT_FALSE(error_of(r));
  ASSERT_EQ(r.actions[0].commands.size(), 2u);
  const auto& first = r.actions[0].commands[0];
  EXPECT_EQ(first.termination.name, rtp);  // RTP first: the connection's statistics are its own
  ASSERT_TRUE(first.descriptors.statistics);
  std::map<std::string, std::string> stats;
  for (const auto& s : first.descriptors.statistics->items) stats[s.name] = s.value.value_or("");
  EXPECT_EQ(stats["nt/os"], "160000");
  EXPECT_EQ(stats["nt/or"], "158400");
  EXPECT_EQ(stats["rtp/ps"], "1000");
  EXPECT_EQ(stats["rtp/pr"], "990");
  EXPECT_EQ(stats["rtp/pl"], "1.00");
  EXPECT_EQ(stats["nt/dur"], "3000");
  EXPECT_TRUE(media_.called("delete ds/e1-1/1 H1"));
  EXPECT_EQ(service_->agent().context_count(), 0u);
  EXPECT_EQ(service_->agent().rtp_termination_count(), 0u);
  EXPECT_EQ(service_->agent().context_of("tdm/1/1"), 0u);
  // The context no longer exists.
  auto again = request(fmt::format("Context = {} {{ Subtract = * }}", ctx));
  EXPECT_EQ(error_of(again), h::error_code::unknown_context_id);
}

TEST_F(commands, when_subtract_carries_an_empty_audit_then_no_statistics_are_returned) {
  auto [ctx, rtp] = add_call();
  auto r = request(fmt::format("Context = {} {{ Subtract = {} {{ Audit {{ }} }} }}", ctx, rtp));
  ASSERT_FALSE(error_of(r));
  EXPECT_FALSE(r.actions[0].commands[0].descriptors.statistics);
}

TEST_F(commands, when_a_command_fails_then_the_ones_before_it_stand_and_the_transaction_stops) {
  auto r = request("Context = $ { Add = tdm/1/1, Add = tdm/9/9, Add = rtp/$ }");
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.actions[0].commands.size(), 1u);
  ASSERT_TRUE(r.actions[0].error);
  EXPECT_EQ(r.actions[0].error->code, h::error_code::unknown_termination_id);
  EXPECT_NE(service_->agent().context_of("tdm/1/1"), 0u);
  EXPECT_EQ(service_->agent().rtp_termination_count(), 0u);
}

TEST_F(commands, when_requests_are_wrong_then_each_gets_its_h248_8_code) {
  auto [ctx, rtp] = add_call();
  struct { std::string actions; h::error_code code; } cases[] = {
      {"Context = 77 { Modify = tdm/1/1 }", h::error_code::unknown_context_id},
      {"Context = $ { Add = tdm/1/1 }", h::error_code::termination_already_in_context},
      {"Context = $ { Add = rtp/$ }", h::error_code::not_implemented},
      {fmt::format("Context = {} {{ Add = tdm/1/2 }}", ctx), h::error_code::not_implemented},
      {"Context = - { Add = tdm/1/2 }", h::error_code::unknown_action},
      {fmt::format("Context = {} {{ Modify = tdm/1/2 }}", ctx), h::error_code::termination_not_in_context},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Signals {{ xx/yy }} }} }}", ctx), h::error_code::unknown_package},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Signals {{ cg/zz }} }} }}", ctx), h::error_code::no_such_signal},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Signals {{ cg/dt }} }} }}", ctx), h::error_code::cannot_generate_signal},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Events = 1 {{ dd/zz }} }} }}", ctx), h::error_code::no_such_event},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Events = 1 {{ nt/netfail }} }} }}", ctx), h::error_code::cannot_detect_event},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Media {{ LocalControl {{ tdmc/gain = 6 }} }} }} }}", ctx), h::error_code::unknown_value},
      {fmt::format("Context = {} {{ Modify = tdm/1/1 {{ Media {{ LocalControl {{ tdmc/xx = 1 }} }} }} }}", ctx), h::error_code::no_such_property},
      {fmt::format("Context = {} {{ Modify = {} {{ Media {{ LocalControl {{ Mode = LoopBack }} }} }} }}", ctx, rtp), h::error_code::unsupported_mode},
      {fmt::format("Context = {} {{ Modify = {} {{ Media {{ Stream = 1 {{ Local {{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 18\n}} }} }} }} }}", ctx, rtp),
       h::error_code::unsupported_media_type},
      {fmt::format("Context = {} {{ Topology {{ tdm/1/1, {}, oneway }}, Modify = tdm/1/1 }}", ctx, rtp), h::error_code::topology_not_supported},
      {fmt::format("Context = {} {{ Notify = tdm/1/1 {{ ObservedEvents = 1 {{ dd/d1 }} }} }}", ctx), h::error_code::unknown_command},
      {"Context = - { AuditValue = tdm/7/7 { Audit { } } }", h::error_code::unknown_termination_id},
      {"Context = * { Add = tdm/1/2 }", h::error_code::unknown_action},
      {"Context = $ { Modify = tdm/1/2 }", h::error_code::unknown_action},
  };
  for (const auto& c : cases) {
    auto r = request(c.actions);
    EXPECT_EQ(error_of(r), c.code) << c.actions;
  }
  // None of them changed the call.
  EXPECT_EQ(service_->agent().context_count(), 1u);
  EXPECT_EQ(media_.live.size(), 1u);
}

TEST_F(commands, when_the_media_plane_has_no_port_then_510_and_nothing_is_left) {
  media_.refuse_next = true;
  auto r = request(add_call_actions);
  EXPECT_EQ(error_of(r), h::error_code::insufficient_resources);
  EXPECT_EQ(service_->agent().rtp_termination_count(), 0u);
  // tdm/1/1 stays in the new context (the Add before the failure stands).
  EXPECT_NE(service_->agent().context_of("tdm/1/1"), 0u);
}

TEST_F(commands, when_an_rtp_termination_moves_then_its_connection_follows_to_the_new_timeslot) {
  auto [ctx, rtp] = add_call();
  auto other = request("Context = $ { Add = tdm/1/2 }");
  ASSERT_FALSE(error_of(other));
  const auto ctx2 = other.actions[0].context.value;
  auto r = request(fmt::format("Context = {} {{ Move = {} }}", ctx2, rtp));
  ASSERT_FALSE(error_of(r));
  EXPECT_TRUE(media_.called("delete ds/e1-1/1 H1"));
  EXPECT_TRUE(media_.called("create ds/e1-1/2 H1 port 16002"));
  EXPECT_EQ(service_->agent().context_of(rtp), ctx2);
  ASSERT_TRUE(r.actions[0].commands[0].descriptors.media);
  EXPECT_NE(r.actions[0].commands[0].descriptors.media->streams[0].parms.local->find("m=audio 16002"), std::string::npos);
}

TEST_F(commands, when_tdm_choose_is_added_then_a_free_timeslot_is_named) {
  auto a = request("Context = $ { Add = tdm/1/$ }");
  auto b = request("Context = $ { Add = tdm/1/$ }");
  ASSERT_FALSE(error_of(a));
  ASSERT_FALSE(error_of(b));
  EXPECT_NE(a.actions[0].commands[0].termination.name, b.actions[0].commands[0].termination.name);
  EXPECT_EQ(a.actions[0].commands[0].termination.name.substr(0, 6), "tdm/1/");
  request("Context = $ { Add = tdm/1/$ }");
  EXPECT_EQ(error_of(request("Context = $ { Add = tdm/1/$ }")), h::error_code::out_of_termination_ids);
}

TEST_F(commands, when_a_context_is_full_then_434) {
  config_.max_terminations_per_context = 2;
  make();
  auto [ctx, rtp] = add_call();
  auto r = request(fmt::format("Context = {} {{ Add = rtp/$ }}", ctx));
  EXPECT_EQ(error_of(r), h::error_code::max_terminations_in_context);
}

TEST_F(commands, when_root_is_audited_then_packages_and_root_properties_come_back) {
  auto r = request("Context = - { AuditValue = ROOT { Audit { Packages, Media } } }");
  ASSERT_FALSE(error_of(r));
  const auto& d = r.actions[0].commands[0].descriptors;
  ASSERT_TRUE(d.packages);
  std::vector<std::string> names;
  for (const auto& p : d.packages->items) names.push_back(p.name);
  for (const char* p : {"g", "root", "tonegen", "tonedet", "dg", "dd", "cg", "ct", "nt", "rtp", "tdmc", "it"})
    EXPECT_NE(std::find(names.begin(), names.end(), p), names.end()) << p;
  ASSERT_TRUE(d.media && d.media->termination_state);
  EXPECT_EQ(d.media->termination_state->properties.front().name, "root/maxNumberOfContexts");
}

TEST_F(commands, when_a_termination_is_audited_from_the_null_context_then_its_state_and_mode_come_back) {
  auto [ctx, rtp] = add_call();
  auto r = request(fmt::format("Context = - {{ AuditValue = {} {{ Audit {{ Media }} }} }}", rtp));
  ASSERT_FALSE(error_of(r));
  const auto& m = r.actions[0].commands[0].descriptors.media;
  ASSERT_TRUE(m);
  ASSERT_EQ(m->streams.size(), 1u);
  EXPECT_EQ(m->streams[0].parms.local_control->mode, h::stream_mode::receive_only);
  EXPECT_NE(m->streams[0].parms.local->find("m=audio 16000"), std::string::npos);
}

TEST_F(commands, when_capabilities_of_an_rtp_termination_are_audited_then_every_codec_is_listed) {
  auto [ctx, rtp] = add_call();
  auto r = request(fmt::format("Context = {} {{ AuditCapability = {} {{ Audit {{ Media, Events }} }} }}", ctx, rtp));
  ASSERT_FALSE(error_of(r)) << static_cast<int>(*error_of(r)) << " " << (r.actions.empty() || !r.actions[0].error ? "" : r.actions[0].error->text);
  const auto& d = r.actions[0].commands[0].descriptors;
  ASSERT_TRUE(d.media);
  const auto& local = *d.media->streams[0].parms.local;
  EXPECT_NE(local.find("PCMU/8000"), std::string::npos) << local;
  EXPECT_NE(local.find("PCMA/8000"), std::string::npos) << local;
  ASSERT_TRUE(d.events);
  EXPECT_EQ(d.events->events.front().name, "nt/netfail");
}

TEST_F(commands, when_all_contexts_are_audited_then_each_context_answers) {
  add_call();
  request("Context = $ { Add = tdm/1/2 }");
  auto r = request("Context = * { AuditValue = * { Audit { } } }");
  ASSERT_FALSE(error_of(r));
  EXPECT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(r.actions[0].commands.size(), 2u);
  EXPECT_EQ(r.actions[1].commands.size(), 1u);
}

TEST_F(commands, when_a_request_is_retransmitted_then_it_is_answered_again_and_executed_once) {
  const std::string text = std::string("MEGACO/1 [127.0.0.1]:2945\nTransaction = 5 {\n") + add_call_actions + "\n}\n";
  from_mgc(text);
  const auto first = sent_;
  from_mgc(text);
  EXPECT_EQ(service_->agent().rtp_termination_count(), 1u);
  EXPECT_EQ(media_.live.size(), 1u);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].second, sent_[1].second);
}

TEST_F(commands, when_a_stranger_sends_then_nothing_answers_and_it_is_counted) {
  from_mgc(std::string("MEGACO/1 [192.0.2.9]:2944\nTransaction = 5 {\n") + add_call_actions + "\n}\n", {"192.0.2.9", 2944});
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(agent_counters_.get("rx.refused_peer").value(), 1u);
  EXPECT_EQ(service_->agent().context_count(), 0u);
}

TEST_F(commands, when_tdm_sends_only_toward_the_line_then_the_connection_only_receives) {
  auto r = request(
      "Context = $ { Add = tdm/1/1 { Media { LocalControl { Mode = SendOnly, tdmc/ec = off } } },"
      " Add = rtp/$ { Media { Stream = 1 { LocalControl { Mode = SendReceive } } } } }");
  ASSERT_FALSE(error_of(r));
  const auto& s = media_.live.begin()->second;
  EXPECT_EQ(s.mode, tandem::mgcp::connection_mode_kind::recvonly);
  EXPECT_FALSE(s.echo_cancellation);
}

}  // namespace
}  // namespace tandem::gateway::h248::test
