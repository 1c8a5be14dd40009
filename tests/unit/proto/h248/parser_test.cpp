/// Parser behaviour on hand-written messages: both token forms, white space and comments,
/// identifiers, each transaction kind, commands and descriptors, and the error each fault
/// gets.
#include <gtest/gtest.h>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"

namespace tandem::h248 {
namespace {

message parse_ok(std::string_view text) {
  auto m = parse_message(text);
  EXPECT_TRUE(m.has_value()) << (m ? "" : std::string(m.error().reason) + " at " + std::to_string(m.error().position));
  return m ? *m : message{};
}

parse_error parse_bad(std::string_view text) {
  auto m = parse_message(text);
  EXPECT_FALSE(m.has_value()) << text;
  return m ? parse_error{} : m.error();
}

const command_request& first_command(const message& m) {
  return std::get<transaction_request>(m.transactions.at(0)).actions.at(0).commands.at(0);
}

TEST(h248_parser, when_the_same_request_is_written_pretty_and_compact_then_both_parse_equal) {
  const auto pretty = parse_ok(
      "MEGACO/1 [123.123.123.4]:55555\nTransaction = 10 {\n  Context = $ {\n    Add = tdm/1/1 {\n"
      "      Media { Stream = 1 { LocalControl { Mode = SendReceive, ReservedGroup = ON } } },\n"
      "      Events = 7 { al/on { KeepActive } }, Signals { cg/dt { SignalType = TimeOut, Duration = 300 } }\n"
      "    }\n  }\n}\n");
  const auto compact = parse_ok(
      "!/1 [123.123.123.4]:55555 T=10{C=${A=tdm/1/1{M{ST=1{O{MO=SR,RG=ON}}},E=7{al/on{KA}},SG{cg/dt{SY=TO,DR=300}}}}}");
  EXPECT_EQ(pretty, compact);
  const auto& add = first_command(compact);
  EXPECT_EQ(add.kind, command_kind::add);
  EXPECT_EQ(add.descriptors.media->streams.at(0).parms.local_control->mode, stream_mode::send_receive);
  EXPECT_EQ(add.descriptors.signals->items.size(), 1u);
}

TEST(h248_parser, when_tokens_are_in_any_case_and_comments_are_everywhere_then_it_parses) {
  const auto m = parse_ok(
      "megaco/1 <mgc.example.net>:2944 ; header comment\n"
      "transaction=1{ ; open\n context=-{ auditvalue=ROOT{audit{packages}} } }\n");
  EXPECT_EQ(m.sender.kind, mid_kind::domain_name);
  EXPECT_EQ(m.sender.name, "mgc.example.net");
  EXPECT_EQ(first_command(m).descriptors.audit->items, std::vector<audit_item>{audit_item::packages});
}

TEST(h248_parser, when_the_mid_has_each_form_then_it_is_read) {
  EXPECT_EQ(parse_ok("!/1 [2001:db8::1]:2944 P=1{C=-{N=a}}").sender,
            (message_id{mid_kind::ipv6, "2001:db8::1", 2944}));
  EXPECT_EQ(parse_ok("!/1 [10.0.0.1] P=1{C=-{N=a}}").sender, (message_id{mid_kind::ipv4, "10.0.0.1", std::nullopt}));
  EXPECT_EQ(parse_ok("!/1 mg1/unit P=1{C=-{N=a}}").sender, (message_id{mid_kind::device_name, "mg1/unit", std::nullopt}));
  EXPECT_EQ(parse_ok("!/1 MTP{0a1b2c} P=1{C=-{N=a}}").sender, (message_id{mid_kind::mtp, "0a1b2c", std::nullopt}));
}

TEST(h248_parser, when_a_message_holds_every_transaction_kind_then_each_is_read_in_order) {
  const auto m = parse_ok("!/2 [10.0.0.1]:2944 T=5{C=-{N=a{OE=1{x/y}}}} P=6{IA,C=-{N=a}} PN=7{} K{1,3-9,12}");
  ASSERT_EQ(m.transactions.size(), 4u);
  EXPECT_EQ(m.version, 2u);
  EXPECT_TRUE(std::get<transaction_reply>(m.transactions[1]).immediate_ack_required);
  EXPECT_EQ(std::get<transaction_pending>(m.transactions[2]).id.value(), 7u);
  const auto& k = std::get<transaction_response_ack>(m.transactions[3]);
  ASSERT_EQ(k.ranges.size(), 3u);
  EXPECT_EQ(k.ranges[1].first.value(), 3u);
  EXPECT_EQ(k.ranges[1].last.value(), 9u);
}

TEST(h248_parser, when_transaction_ids_are_at_the_limits_then_1_and_4294967295_pass_and_0_fails_with_410) {
  parse_ok("!/1 [10.0.0.1] PN=4294967295{}");
  parse_ok("!/1 [10.0.0.1] PN=1{}");
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] PN=0{}").code, error_code::incorrect_identifier);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] PN=4294967296{}").code, error_code::incorrect_identifier);
}

TEST(h248_parser, when_context_ids_are_special_or_numeric_then_they_are_kept_and_0_is_refused) {
  const auto m = parse_ok("!/1 [10.0.0.1] T=1{C=-{N=a{OE=1{x/y}}},C=${A=b},C=*{AV=c{AT{}}},C=4294967293{S=*}}");
  const auto& actions = std::get<transaction_request>(m.transactions[0]).actions;
  EXPECT_EQ(actions[0].context, context_id::null());
  EXPECT_EQ(actions[1].context, context_id::choose());
  EXPECT_EQ(actions[2].context, context_id::all());
  EXPECT_EQ(actions[3].context, context_id::of(4294967293u));
  const auto e = parse_bad("!/1 [10.0.0.1] T=77{C=0{S=*}}");
  EXPECT_EQ(e.code, error_code::incorrect_identifier);
  EXPECT_EQ(e.transaction->value(), 77u);
}

TEST(h248_parser, when_commands_have_optional_and_wildcard_prefixes_then_the_flags_are_set) {
  const auto m = parse_ok("!/1 [10.0.0.1] T=1{C=*{O-W-S=tdm/*,W-AV=RTP/*{AT{M}},O-MF=a}}");
  const auto& c = std::get<transaction_request>(m.transactions[0]).actions[0].commands;
  EXPECT_TRUE(c[0].optional && c[0].wildcard_reply);
  EXPECT_TRUE(!c[1].optional && c[1].wildcard_reply);
  EXPECT_TRUE(c[2].optional && !c[2].wildcard_reply);
  EXPECT_TRUE(c[0].termination.is_all());
}

TEST(h248_parser, when_a_service_change_has_every_parameter_then_each_is_read) {
  const auto m = parse_ok(
      "MEGACO/1 [124.124.124.222]:55555 Transaction = 9998 { Context = - { ServiceChange = ROOT { Services {"
      " Method = Restart, Reason = \"901 Cold Boot\", Delay = 10, ServiceChangeAddress = [124.124.124.222]:55555,"
      " Profile = ResGW/1, Version = 2, MgcIdToTry = <mgc2.example.net>, 20260101T10000000, X-vendor = 3 } } } }");
  const auto& sc = *first_command(m).descriptors.service_change;
  EXPECT_EQ(sc.method, service_change_method::restart);
  EXPECT_EQ(sc.reason, "\"901 Cold Boot\"");
  EXPECT_EQ(sc.delay, 10u);
  EXPECT_EQ(sc.address->mid->port, 55555);
  EXPECT_EQ(sc.profile, "ResGW/1");
  EXPECT_EQ(sc.version, 2u);
  EXPECT_EQ(sc.mgc_id->kind, mid_kind::domain_name);
  EXPECT_EQ(sc.timestamp, "20260101T10000000");
  ASSERT_EQ(sc.extensions.size(), 1u);
  EXPECT_EQ(sc.extensions[0].name, "X-vendor");
}

TEST(h248_parser, when_each_service_change_method_is_given_then_it_is_named) {
  const std::pair<const char*, service_change_method> cases[] = {
      {"RS", service_change_method::restart},     {"FO", service_change_method::forced},
      {"GR", service_change_method::graceful},    {"DC", service_change_method::disconnected},
      {"HO", service_change_method::handoff},     {"FL", service_change_method::failover},
      {"X-own", service_change_method::extension}};
  for (const auto& [text, method] : cases) {
    const auto m = parse_ok(std::string("!/1 [10.0.0.1] T=1{C=-{SC=ROOT{SV{MT=") + text + ",RE=900}}}}");
    EXPECT_EQ(first_command(m).descriptors.service_change->method, method) << text;
  }
}

TEST(h248_parser, when_a_notify_has_time_stamped_events_then_stamp_name_and_parameters_are_read) {
  const auto m = parse_ok("!/1 [10.23.1.42]:2944 T = 3990{ C = 191 {n=ds/4/24  { oe = 1 { 20081205T10130000:CTYP/DTONE { DTT=V21FLAG }, dd/d{ds=\"12\",ST=2} } } }}");
  const auto& oe = *first_command(m).descriptors.observed_events;
  ASSERT_EQ(oe.events.size(), 2u);
  EXPECT_EQ(oe.events[0].timestamp, "20081205T10130000");
  EXPECT_EQ(oe.events[0].event.name, "CTYP/DTONE");
  EXPECT_EQ(oe.events[0].event.parameters.at(0).value.values.at(0), "V21FLAG");
  EXPECT_FALSE(oe.events[1].timestamp.has_value());
  EXPECT_EQ(oe.events[1].event.stream, 2);
}

TEST(h248_parser, when_events_embed_signals_and_events_then_the_nesting_is_kept) {
  const auto m = parse_ok(
      "!/1 [10.0.0.1] T=1{C=-{MF=a{E=1{al/of{EM{SG{cg/dt},E=2{dd/ce{DM=dial1},al/on{EM{SG{cg/rt}}}}}},"
      "dd/ce{DM={T:4,S:2,(0|[2-9]xxxxxx|1xxxxxxxxxx)}}}}}}");
  const auto& ev = *first_command(m).descriptors.events;
  ASSERT_EQ(ev.events.size(), 2u);
  ASSERT_TRUE(ev.events[0].embedded_signals.has_value());
  ASSERT_TRUE(ev.events[0].embedded.has_value());
  EXPECT_EQ(ev.events[0].embedded->events.at(0).digit_map->name, "dial1");
  EXPECT_TRUE(ev.events[0].embedded->events.at(1).embedded_signals.has_value());
  EXPECT_EQ(ev.events[1].digit_map->value->start_timer, 4u);
  EXPECT_EQ(ev.events[1].digit_map->value->body, "(0|[2-9]xxxxxx|1xxxxxxxxxx)");
}

TEST(h248_parser, when_events_are_embedded_at_the_second_level_then_it_is_a_command_syntax_error) {
  const auto e = parse_bad("!/1 [10.0.0.1] T=3{C=-{MF=a{E=1{al/of{EM{E=2{dd/ce{EM{E=3{x/y}}}}}}}}}}");
  EXPECT_EQ(e.code, error_code::syntax_error_in_command);
}

TEST(h248_parser, when_signals_hold_a_list_and_parameters_then_they_are_read) {
  const auto m = parse_ok(
      "!/1 [10.0.0.1] T=1{C=-{MF=a{SG{SL=3{an/apf{an=1},cg/rt{DR=50}},cg/bt{ST=1,SY=OO,NC={TO,IBE,IBS,OR},KA,vol=-3}}}}}");
  const auto& sg = *first_command(m).descriptors.signals;
  ASSERT_EQ(sg.items.size(), 2u);
  EXPECT_EQ(std::get<signal_list>(sg.items[0]).signals.size(), 2u);
  const auto& bt = std::get<signal_request>(sg.items[1]);
  EXPECT_EQ(bt.type, signal_type::on_off);
  EXPECT_EQ(bt.notify_completion.size(), 4u);
  EXPECT_TRUE(bt.keep_active);
  EXPECT_EQ(bt.parameters.at(0).name, "vol");
}

TEST(h248_parser, when_property_values_use_every_form_then_relation_and_form_are_kept) {
  const auto m = parse_ok(
      "!/1 [10.0.0.1] T=1{C=-{MF=a{M{TS{p/a=1,p/b>2,p/c<3,p/d#4,p/e=[x,y],p/f=[1:9],p/g={u,v},SI=OS,BF=LockStep}}}}}");
  const auto& ts = *first_command(m).descriptors.media->termination_state;
  ASSERT_EQ(ts.properties.size(), 7u);
  EXPECT_EQ(ts.properties[1].value.rel, relation::greater);
  EXPECT_EQ(ts.properties[3].value.rel, relation::not_equal);
  EXPECT_EQ(ts.properties[4].value.form, value_form::alternatives);
  EXPECT_EQ(ts.properties[5].value.form, value_form::range);
  EXPECT_EQ(ts.properties[6].value.form, value_form::sublist);
  EXPECT_EQ(ts.service_states, service_state::out_of_service);
  EXPECT_EQ(ts.event_buffer_control, buffer_control::lock_step);
}

TEST(h248_parser, when_a_reply_carries_errors_and_context_properties_then_they_are_read) {
  const auto m = parse_ok(
      "!/1 [10.0.0.1] P=9{C=5{TP{a,b,isolate},PR=3,EG,A=a,MF=b{ER=445{\"Unsupported or Unknown Property\"}},"
      "ER=431{}}} P=10{ER=400{\"bad\"}}");
  const auto& r = std::get<transaction_reply>(m.transactions[0]);
  const auto& a = r.actions.at(0);
  EXPECT_EQ(a.properties.topology.at(0).direction, topology_direction::isolate);
  EXPECT_EQ(a.properties.priority, 3);
  EXPECT_EQ(a.properties.emergency, true);
  EXPECT_EQ(a.commands.at(1).descriptors.error->code, error_code::unknown_property);
  EXPECT_EQ(a.error->code, error_code::no_termination_matched_wildcard);
  EXPECT_EQ(std::get<transaction_reply>(m.transactions[1]).error->text, "bad");
}

TEST(h248_parser, when_a_context_is_audited_whole_then_the_terminations_are_listed) {
  const auto m = parse_ok("!/1 [10.0.0.1] P=9{C=5{AV=C{tdm/1/1,RTP/7}}}");
  const auto& c = std::get<transaction_reply>(m.transactions[0]).actions.at(0).commands.at(0);
  EXPECT_TRUE(c.context_audit);
  EXPECT_EQ(c.context_terminations.size(), 2u);
}

TEST(h248_parser, when_local_descriptors_escape_braces_then_the_text_is_unescaped) {
  const auto m = parse_ok("!/1 [10.0.0.1] T=1{C=-{MF=a{M{L{\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\na=x:\\}\n}}}}}");
  EXPECT_EQ(*first_command(m).descriptors.media->single_stream->local,
            "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\na=x:}");
}

TEST(h248_parser, when_a_fault_is_found_then_the_code_matches_its_depth) {
  EXPECT_EQ(parse_bad("MEGACO/4 [10.0.0.1] PN=1{}").code, error_code::version_not_supported);
  EXPECT_EQ(parse_bad("MEGAC/1 [10.0.0.1] PN=1{}").code, error_code::syntax_error_in_message);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.999] PN=1{}").code, error_code::incorrect_identifier);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1 C=-{N=a}").code, error_code::syntax_error_in_transaction);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{}}").code, error_code::syntax_error_in_action);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{M O{MO=SR}}}}}").code, error_code::syntax_error_in_command);
  // Input that ends inside a request: the end of the transaction cannot be found (403).
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{M{O{MO=SR}}}}").code, error_code::syntax_error_in_transaction);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] P=1{C=-{A=a{M{O{MO=SR}}}}").code, error_code::syntax_error_in_message);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{Frob=a}}").code, error_code::unknown_command);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{Bogus{}}}}").code, error_code::unknown_descriptor);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{OE=1{x/y}}}}").code, error_code::descriptor_not_legal);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{SG{},SG{}}}}").code, error_code::descriptor_twice);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{M{O{MO=sideways}}}}}").code, error_code::unknown_value);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{M{O{MO=SR,MO=SO}}}}}").code, error_code::property_twice);
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] T=1{C=-{A=a{M{O{Frob=1}}}}}").code, error_code::unknown_parameter);
}

TEST(h248_parser, when_a_request_fails_after_its_id_then_the_error_names_the_transaction_and_sender) {
  const std::string text = "!/1 [10.0.0.1]:2944 T=1{C=-{N=a{OE=1{x/y}}}} T=42{C=-{A=a{Bogus}}}";
  const auto e = parse_bad(text);
  EXPECT_TRUE(e.answerable());
  EXPECT_EQ(e.transaction->value(), 42u);
  EXPECT_EQ(e.sender->name, "10.0.0.1");
  EXPECT_EQ(e.position, text.find("Bogus"));
}

TEST(h248_parser, when_a_later_transaction_fails_then_the_partial_parse_keeps_the_earlier_ones) {
  const auto p = parse_message_partial("!/1 [10.0.0.1] T=1{C=-{MF=a}} PN=2{} T=3{C=-{MF=a{Bogus}}} T=4{C=-{MF=b}}");
  ASSERT_TRUE(p.error.has_value());
  EXPECT_EQ(p.error->transaction->value(), 3u);
  EXPECT_EQ(p.head.sender.name, "10.0.0.1");
  ASSERT_EQ(p.head.transactions.size(), 2u);
  EXPECT_EQ(std::get<transaction_request>(p.head.transactions[0]).id.value(), 1u);
  const auto whole = parse_message_partial("!/1 [10.0.0.1] PN=2{}");
  EXPECT_FALSE(whole.error.has_value());
  EXPECT_EQ(whole.head.transactions.size(), 1u);
}

TEST(h248_parser, when_a_reply_fails_then_the_error_is_not_answerable) {
  const auto e = parse_bad("!/1 [10.0.0.1] P=42{C=-{A=a{Bogus}}}");
  EXPECT_FALSE(e.answerable());
  EXPECT_EQ(e.transaction->value(), 42u);
  EXPECT_EQ(e.kind, transaction_kind::reply);
}

TEST(h248_parser, when_text_follows_the_message_then_it_is_a_message_syntax_error) {
  EXPECT_EQ(parse_bad("!/1 [10.0.0.1] PN=1{} garbage").code, error_code::syntax_error_in_message);
}

TEST(h248_parser, when_sdp_is_bad_then_442_unless_sdp_checking_is_off) {
  const std::string text = "!/1 [10.0.0.1] T=1{C=-{MF=a{M{R{v=0 c=IN IP4 1.2.3.4 m=audio 5 RTP/AVP 0}}}}}";
  EXPECT_EQ(parse_bad(text).code, error_code::syntax_error_in_command);
  parse_options lazy;
  lazy.validate_sdp = false;
  EXPECT_TRUE(parse_message(text, lazy).has_value());
}

}  // namespace
}  // namespace tandem::h248
