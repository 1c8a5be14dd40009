// The control protocol, line in / line out, against an exchange whose span is not started
// (the D-channel is down): malformed requests get clear errors, good ones get results.
#include "lab/pstn/control/protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/asio.hpp"

namespace tandem::lab::pstn::control {
namespace {

using json = nlohmann::json;

struct null_notifier : exchange_notifier {
  void on_call_event(const call_record&, const call_event&) override {}
  void on_span_event(unsigned, std::string_view, std::string_view) override {}
};

class control_protocol : public ::testing::Test {
 protected:
  void SetUp() override {
    pstn_config cfg;
    span_config s;
    s.socket_path = "/tmp/tandem-pstn-protocol-test-never-started.sock";
    cfg.spans = {s};
    auto ex = exchange::create(io_, cfg, notifier_);
    ASSERT_TRUE(ex.has_value()) << ex.error();
    ex_ = std::move(*ex);
    proto_ = std::make_unique<protocol>(*ex_);
  }

  json ask(std::string_view line) {
    auto out = proto_->handle(line);
    EXPECT_EQ(out.find('\n'), std::string::npos);
    return json::parse(out);
  }
  std::string error_of(std::string_view line) {
    auto j = ask(line);
    EXPECT_EQ(j["ok"], false) << line;
    return j.value("error", "");
  }

  asio::io_context io_;
  null_notifier notifier_;
  std::unique_ptr<exchange> ex_;
  std::unique_ptr<protocol> proto_;
};

TEST_F(control_protocol, when_the_line_is_not_json_then_the_error_says_malformed) {
  EXPECT_EQ(error_of("{\"cmd\": \"status\""), "malformed JSON");
  EXPECT_EQ(error_of("hello"), "malformed JSON");
}

TEST_F(control_protocol, when_the_request_is_not_an_object_then_it_is_refused) {
  EXPECT_EQ(error_of("[1, 2]"), "a request is a JSON object");
  EXPECT_EQ(error_of("42"), "a request is a JSON object");
}

TEST_F(control_protocol, when_cmd_is_missing_then_the_error_echoes_the_id) {
  auto j = ask(R"({"id": 7})");
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["error"], "\"cmd\" (a string) is required");
  EXPECT_EQ(error_of(R"({"cmd": 5})"), "\"cmd\" (a string) is required");
}

TEST_F(control_protocol, when_the_command_is_unknown_then_the_error_lists_the_commands) {
  auto j = ask(R"({"cmd": "dance", "id": "x1"})");
  EXPECT_EQ(j["id"], "x1");
  EXPECT_NE(j["error"].get<std::string>().find("unknown command \"dance\""), std::string::npos);
  EXPECT_NE(j["error"].get<std::string>().find("hangup"), std::string::npos);
}

TEST_F(control_protocol, when_fields_are_missing_or_mistyped_then_the_error_names_the_field) {
  EXPECT_EQ(error_of(R"({"cmd": "answer"})"), "\"call\" is required");
  EXPECT_EQ(error_of(R"({"cmd": "answer", "call": "3"})"), "\"call\" must be an integer from 0 to 4294967295");
  EXPECT_EQ(error_of(R"({"cmd": "answer", "call": -1})"), "\"call\" must be an integer from 0 to 4294967295");
  EXPECT_EQ(error_of(R"({"cmd": "call"})"), "\"called\" is required");
  EXPECT_EQ(error_of(R"({"cmd": "call", "called": 2001})"), "\"called\" must be a string");
  EXPECT_EQ(error_of(R"({"cmd": "call", "called": "2001", "channel": 40})"),
            "\"channel\" must be an integer from 0 to 31");
  EXPECT_EQ(error_of(R"({"cmd": "dtmf", "call": 1})"), "\"digits\" is required");
  EXPECT_EQ(error_of(R"({"cmd": "play", "call": 1, "source": "tone", "hz": 5000})"),
            "\"hz\" must be a number from 50 to 3900");
  EXPECT_NE(error_of(R"({"cmd": "play", "call": 1, "source": "noise"})").find("\"source\" must be"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"cmd": "audio", "call": 1, "sent_at_us": "soon"})"), "\"sent_at_us\" must be an integer");
}

TEST_F(control_protocol, when_the_cause_is_outside_q850_then_hangup_is_refused) {
  EXPECT_EQ(error_of(R"({"cmd": "hangup", "call": 1, "cause": 0})"), "\"cause\" must be an integer from 1 to 127");
  EXPECT_EQ(error_of(R"({"cmd": "hangup", "call": 1, "cause": 128})"), "\"cause\" must be an integer from 1 to 127");
}

TEST_F(control_protocol, when_the_call_id_is_unknown_then_every_call_command_says_so) {
  for (const char* line : {R"({"cmd": "answer", "call": 99})", R"({"cmd": "hangup", "call": 99})",
                           R"({"cmd": "dtmf", "call": 99, "digits": "1"})",
                           R"({"cmd": "play", "call": 99, "source": "echo"})", R"({"cmd": "info", "call": 99})",
                           R"({"cmd": "audio", "call": 99})"}) {
    EXPECT_EQ(error_of(line), "unknown call 99") << line;
  }
}

TEST_F(control_protocol, when_the_d_channel_is_down_then_a_call_is_refused_with_the_reason) {
  EXPECT_EQ(error_of(R"({"cmd": "call", "called": "2001"})"), "span 1: D-channel is down");
  EXPECT_EQ(error_of(R"({"cmd": "call", "span": 9, "called": "2001"})"), "unknown span 9");
}

TEST_F(control_protocol, when_status_and_calls_are_asked_then_they_answer) {
  auto s = ask(R"({"cmd": "status", "id": 1})");
  EXPECT_EQ(s["ok"], true);
  EXPECT_EQ(s["id"], 1);
  ASSERT_EQ(s["spans"].size(), 1u);
  EXPECT_EQ(s["spans"][0]["span"], 1);
  EXPECT_EQ(s["spans"][0]["link_up"], false);
  auto c = ask(R"({"cmd": "calls"})");
  EXPECT_EQ(c["ok"], true);
  EXPECT_TRUE(c["calls"].empty());
}

TEST_F(control_protocol, when_shutdown_is_asked_then_it_is_flagged) {
  EXPECT_FALSE(proto_->shutdown_requested());
  EXPECT_EQ(ask(R"({"cmd": "shutdown"})")["ok"], true);
  EXPECT_TRUE(proto_->shutdown_requested());
}

TEST_F(control_protocol, when_events_are_formatted_then_they_carry_call_and_cause) {
  call_record c;
  c.id = call_id{3};
  c.span = 1;
  c.channel = 5;
  c.state = call_state::released;
  auto j = json::parse(protocol::call_event_line(c, {"release", 12.5, isdn::cause::user_busy}));
  EXPECT_EQ(j["event"], "release");
  EXPECT_EQ(j["call"], 3);
  EXPECT_EQ(j["cause"]["value"], 17);
  EXPECT_EQ(j["cause"]["text"], "user busy");
  EXPECT_EQ(json::parse(protocol::line_too_long())["ok"], false);
}

}  // namespace
}  // namespace tandem::lab::pstn::control
