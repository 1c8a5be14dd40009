#include <gtest/gtest.h>

#include "common/log.hpp"
#include "ops/control/builtin_commands.hpp"
#include "ops/control/command_registry.hpp"

namespace c = tandem::ops::control;
using json = nlohmann::ordered_json;

namespace {

/// A registry with the built-ins and a `show endpoints` / `show endpoint` pair like a gateway's.
class registry_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    counters_.get("rx.crcx").add(4);
    c::add_builtin_commands(commands_, {"tandem-test", "9.9", c::counters_of({&counters_})});
    ASSERT_TRUE(commands_.add({"show endpoints", {{"span", c::arg_type::integer, false, "only this span"}},
                               "list endpoints"},
                              [](const json& args) -> c::command_result {
                                json rows = json::array();
                                rows.push_back({{"endpoint", "ds/e1-1/1"}, {"state", "idle"}});
                                if (args.contains("span")) rows[0]["span"] = args["span"];
                                return rows;
                              }));
    ASSERT_TRUE(commands_.add({"show endpoint", {{"name", c::arg_type::string, true, "endpoint name"},
                                                 {"verbose", c::arg_type::boolean, false, "more"}},
                               "one endpoint"},
                              [](const json& args) -> c::command_result {
                                if (args["name"] != "ds/e1-1/1")
                                  return c::fail(c::error_code::unknown_object, "no endpoint " + args["name"].get<std::string>());
                                return json{{"endpoint", args["name"]}, {"verbose", args.value("verbose", false)}};
                              }));
  }
  json call(const std::string& line) { return json::parse(commands_.handle_line(line)); }

  tandem::counter_set counters_{"mgcp_agent"};
  c::command_registry commands_;
};

}  // namespace

TEST_F(registry_fixture, when_cmd_and_args_are_given_then_the_result_echoes_the_id) {
  const auto r = call(R"({"id":7,"cmd":"show endpoints","args":{"span":2}})");
  EXPECT_EQ(r["id"], 7);
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["result"][0]["span"], 2);
}

TEST_F(registry_fixture, when_argv_words_are_given_then_the_longest_command_name_wins) {
  auto r = call(R"({"id":"a","argv":["show","endpoints","span=3"]})");
  EXPECT_EQ(r["id"], "a");
  EXPECT_EQ(r["result"][0]["span"], 3);
  r = call(R"({"argv":["show","endpoint","ds/e1-1/1","yes"]})");
  EXPECT_EQ(r["result"]["endpoint"], "ds/e1-1/1");
  EXPECT_EQ(r["result"]["verbose"], true);
  EXPECT_TRUE(r["id"].is_null());
}

TEST_F(registry_fixture, when_command_is_unknown_then_unknown_command) {
  const auto r = call(R"({"id":1,"cmd":"shwo endpoints"})");
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"]["code"], "unknown_command");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("shwo endpoints"), std::string::npos);
}

TEST_F(registry_fixture, when_json_is_bad_then_bad_json_and_no_crash) {
  for (const auto* line : {"{", "not json", "\xff\xfe", "{\"id\":1,\"cmd\":"}) {
    const auto r = call(line);
    EXPECT_EQ(r["error"]["code"], "bad_json") << line;
  }
}

TEST_F(registry_fixture, when_request_shape_is_wrong_then_bad_request) {
  EXPECT_EQ(call("[1,2]")["error"]["code"], "bad_request");
  EXPECT_EQ(call(R"({"id":1})")["error"]["code"], "bad_request");
  EXPECT_EQ(call(R"({"cmd":5})")["error"]["code"], "bad_request");
  EXPECT_EQ(call(R"({"cmd":"help","args":[1]})")["error"]["code"], "bad_request");
  EXPECT_EQ(call(R"({"argv":[{"x":1}]})")["error"]["code"], "bad_request");
}

TEST_F(registry_fixture, when_arguments_are_wrong_then_bad_arguments_with_usage) {
  auto r = call(R"({"cmd":"show endpoint"})");
  EXPECT_EQ(r["error"]["code"], "bad_arguments");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("usage: show endpoint <name> [verbose]"), std::string::npos);
  EXPECT_EQ(call(R"({"cmd":"show endpoints","args":{"span":"x"}})")["error"]["code"], "bad_arguments");
  EXPECT_EQ(call(R"({"cmd":"show endpoints","args":{"colour":1}})")["error"]["code"], "bad_arguments");
  EXPECT_EQ(call(R"({"argv":["show","endpoints","1","2"]})")["error"]["code"], "bad_arguments");
  EXPECT_EQ(call(R"({"argv":["show","endpoint","ds/e1-1/1","maybe"]})")["error"]["code"], "bad_arguments");
}

TEST_F(registry_fixture, when_object_is_unknown_then_the_handler_error_comes_back) {
  const auto r = call(R"({"argv":["show","endpoint","ds/e1-9/1"]})");
  EXPECT_EQ(r["error"]["code"], "unknown_object");
  EXPECT_EQ(r["error"]["message"], "no endpoint ds/e1-9/1");
  EXPECT_EQ(commands_.counters().value("error.unknown_object"), 1u);
}

TEST_F(registry_fixture, when_help_then_every_command_is_listed_and_one_can_be_described) {
  auto r = call(R"({"cmd":"help"})");
  ASSERT_TRUE(r["result"].is_array());
  std::vector<std::string> names;
  for (const auto& row : r["result"]) names.push_back(row["command"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "log level <subsystem> <level>"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "show endpoints [span]"), names.end());
  r = call(R"({"argv":["help","log","level"]})");
  EXPECT_EQ(r["result"]["command"], "log level");
  EXPECT_EQ(r["result"]["arguments"][1]["name"], "level");
  EXPECT_EQ(call(R"({"argv":["help","nope"]})")["error"]["code"], "unknown_command");
}

TEST_F(registry_fixture, when_log_level_is_set_then_the_logger_level_changes) {
  auto r = call(R"({"argv":["log","level","ops_test_subsystem","debug"]})");
  EXPECT_EQ(r["ok"], true) << r.dump();
  EXPECT_EQ(tandem::log::get("ops_test_subsystem")->level(), spdlog::level::debug);
  r = call(R"({"argv":["log","level","ops_test_subsystem","loud"]})");
  EXPECT_EQ(r["error"]["code"], "bad_arguments");
  EXPECT_EQ(tandem::log::get("ops_test_subsystem")->level(), spdlog::level::debug);
}

TEST_F(registry_fixture, when_counters_then_values_are_listed_and_filtered_by_prefix) {
  auto r = call(R"({"cmd":"counters"})");
  ASSERT_EQ(r["result"].size(), 1u);
  EXPECT_EQ(r["result"][0]["counter"], "mgcp_agent.rx.crcx");
  EXPECT_EQ(r["result"][0]["value"], 4);
  EXPECT_TRUE(call(R"({"argv":["counters","tdm."]})")["result"].empty());
  r = call(R"({"cmd":"version"})");
  EXPECT_EQ(r["result"]["daemon"], "tandem-test");
  EXPECT_EQ(r["result"]["version"], "9.9");
}

TEST(command_registry, when_a_name_is_registered_twice_then_add_refuses) {
  c::command_registry r;
  auto h = [](const json&) -> c::command_result { return json(nullptr); };
  EXPECT_TRUE(r.add({"drain", {}, ""}, h));
  EXPECT_FALSE(r.add({" drain ", {}, ""}, h));
  EXPECT_FALSE(r.add({"", {}, ""}, h));
  EXPECT_FALSE(r.add({"x", {{"a", c::arg_type::string, false, "", true}, {"b", c::arg_type::string, false, "", false}}, ""}, h));
}

TEST(command_registry, when_a_handler_throws_then_internal_error_not_a_crash) {
  c::command_registry r;
  ASSERT_TRUE(r.add({"boom", {}, ""}, [](const json&) -> c::command_result { throw std::runtime_error("bug"); }));
  const auto resp = json::parse(r.handle_line(R"({"cmd":"boom"})"));
  EXPECT_EQ(resp["error"]["code"], "internal");
}
