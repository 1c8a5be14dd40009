#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/asio.hpp"
#include "ops/control/builtin_commands.hpp"
#include "ops/control/control_server.hpp"
#include "ops/ctl/cli.hpp"
#include "socket_client.hpp"

namespace c = tandem::ops::control;
using json = nlohmann::ordered_json;
using tandem::ops::test::socket_client;

namespace {

/// A control server on a socket in a fresh temporary directory, its io_context on a thread.
class control_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tandem-ops-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/control.sock";
    c::add_builtin_commands(commands_, {"tandem-test", "", {}});
    ASSERT_TRUE(commands_.add({"show calls", {}, "calls"}, [](const json&) -> c::command_result {
      return json::array({{{"call", "A1"}, {"state", "connected"}, {"mos", 4.4}},
                          {{"call", "B22"}, {"state", "alerting"}}});
    }));
    ASSERT_TRUE(commands_.add({"release call", {{"call", c::arg_type::string, true, "call id"}}, "release"},
                              [](const json& a) -> c::command_result {
                                return c::fail(c::error_code::unknown_object, "no call " + a["call"].get<std::string>());
                              }));
    ASSERT_TRUE(commands_.add({"drain", {}, "drain"}, [](const json&) -> c::command_result {
      return c::fail(c::error_code::conflict, "already draining");
    }));
    c::control_server_config config;
    config.path = path_;
    config.max_line = 256;
    config.max_clients = 4;
    server_ = std::make_unique<c::control_server>(io_, commands_, config);
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error();
    guard_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    tandem::asio::post(io_, [this] { server_->stop(); });
    guard_.reset();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// tandem-ctl in-process: exit code, stdout, stderr.
  std::tuple<int, std::string, std::string> ctl(std::vector<std::string> args) {
    std::ostringstream out, err;
    const int rc = tandem::ops::ctl::run(args, out, err, path_);
    return {rc, out.str(), err.str()};
  }

  std::string dir_, path_;
  tandem::asio::io_context io_;
  c::command_registry commands_;
  std::unique_ptr<c::control_server> server_;
  std::optional<tandem::asio::executor_work_guard<tandem::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace

TEST_F(control_fixture, when_help_is_sent_over_the_socket_then_the_response_line_lists_commands) {
  auto s = socket_client::unix_stream(path_);
  ASSERT_TRUE(s.connected());
  s.send(R"({"id":1,"cmd":"help"})" "\n");
  const auto r = json::parse(s.line());
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(r["ok"], true);
  EXPECT_GE(r["result"].size(), 6u);
}

TEST_F(control_fixture, when_socket_is_created_then_its_mode_is_owner_and_group) {
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(control_fixture, when_requests_are_pipelined_then_answers_come_in_order) {
  auto s = socket_client::unix_stream(path_);
  ASSERT_TRUE(s.connected());
  s.send("{\"id\":1,\"cmd\":\"version\"}\n\n{\"id\":2,\"cmd\":\"nope\"}\r\nnot json\n");
  EXPECT_EQ(json::parse(s.line())["id"], 1);
  const auto second = json::parse(s.line());
  EXPECT_EQ(second["id"], 2);
  EXPECT_EQ(second["error"]["code"], "unknown_command");
  EXPECT_EQ(json::parse(s.line())["error"]["code"], "bad_json");
}

TEST_F(control_fixture, when_two_clients_are_connected_then_both_are_served) {
  auto a = socket_client::unix_stream(path_);
  auto b = socket_client::unix_stream(path_);
  ASSERT_TRUE(a.connected());
  ASSERT_TRUE(b.connected());
  a.send(R"({"id":"a","cmd":"version"})" "\n");
  b.send(R"({"id":"b","cmd":"show calls"})" "\n");
  EXPECT_EQ(json::parse(b.line())["id"], "b");
  EXPECT_EQ(json::parse(a.line())["id"], "a");
  a.send(R"({"id":"a2","cmd":"version"})" "\n");
  EXPECT_EQ(json::parse(a.line())["id"], "a2");
}

TEST_F(control_fixture, when_a_line_is_too_long_then_line_too_long_and_the_connection_closes) {
  auto s = socket_client::unix_stream(path_);
  ASSERT_TRUE(s.connected());
  s.send(std::string(1000, 'x'));
  const auto r = json::parse(s.line());
  EXPECT_EQ(r["error"]["code"], "line_too_long");
  EXPECT_EQ(s.line(), "");  // closed
  auto again = socket_client::unix_stream(path_);
  again.send(R"({"cmd":"version"})" "\n");
  EXPECT_EQ(json::parse(again.line())["ok"], true);
}

TEST_F(control_fixture, when_another_server_takes_a_live_socket_then_it_is_refused) {
  tandem::asio::io_context other_io;
  c::command_registry other;
  c::control_server second(other_io, other, {path_, 256, 4, 0660});
  const auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("another process"), std::string::npos) << r.error();
}

TEST(control_server, when_a_stale_socket_file_is_left_then_start_replaces_it_and_stop_removes_it) {
  char tmpl[] = "/tmp/tandem-ops-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/control.sock";
  {
    tandem::asio::io_context io;
    c::command_registry r;
    c::control_server s(io, r, {path, 256, 4, 0600});
    ASSERT_TRUE(s.start());
    // Simulate a crash: the file stays, nobody listens once the acceptor is gone.
    const std::string copy = path + ".keep";
    ASSERT_EQ(::link(path.c_str(), copy.c_str()), 0);
    s.stop();
    ASSERT_EQ(::rename(copy.c_str(), path.c_str()), 0);
  }
  tandem::asio::io_context io;
  c::command_registry r;
  c::control_server s(io, r, {path, 256, 4, 0600});
  const auto started = s.start();
  EXPECT_TRUE(started) << started.error();
  s.stop();
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(tmpl);
}

TEST_F(control_fixture, when_ctl_runs_a_table_command_then_it_prints_an_aligned_table) {
  const auto [rc, out, err] = ctl({"show", "calls"});
  EXPECT_EQ(rc, 0) << err;
  EXPECT_EQ(out,
            "CALL  STATE      MOS\n"
            "A1    connected  4.4\n"
            "B22   alerting   -\n");
}

TEST_F(control_fixture, when_ctl_asks_json_then_it_prints_the_raw_response) {
  const auto [rc, out, err] = ctl({"--json", "version"});
  EXPECT_EQ(rc, 0) << err;
  const auto r = json::parse(out);
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["result"]["daemon"], "tandem-test");
}

TEST_F(control_fixture, when_ctl_names_an_unknown_object_then_exit_3) {
  const auto [rc, out, err] = ctl({"release", "call", "X9"});
  EXPECT_EQ(rc, 3);
  EXPECT_EQ(err, "tandem-ctl: no call X9\n");
}

TEST_F(control_fixture, when_ctl_command_or_arguments_are_wrong_then_exit_2) {
  EXPECT_EQ(std::get<0>(ctl({"frobnicate"})), 2);
  EXPECT_EQ(std::get<0>(ctl({"release", "call"})), 2);
  EXPECT_EQ(std::get<0>(ctl({"--bogus", "version"})), 2);
  EXPECT_EQ(std::get<0>(ctl({})), 2);
  EXPECT_EQ(std::get<0>(ctl({"--timeout", "abc", "version"})), 2);
}

TEST_F(control_fixture, when_the_command_fails_otherwise_then_exit_1) {
  const auto [rc, out, err] = ctl({"drain"});
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(err, "tandem-ctl: already draining\n");
}

TEST_F(control_fixture, when_log_level_is_changed_through_ctl_then_the_result_says_so) {
  const auto [rc, out, err] = ctl({"log", "level", "mgcp", "debug"});
  EXPECT_EQ(rc, 0) << err;
  EXPECT_EQ(out, "subsystem: mgcp\nlevel:     debug\n");
}

TEST(ctl, when_no_daemon_listens_then_exit_4) {
  std::ostringstream out, err;
  const int rc = tandem::ops::ctl::run({"--socket", "/tmp/tandem-ops-no-such-dir/control.sock", "version"}, out, err);
  EXPECT_EQ(rc, 4);
  EXPECT_NE(err.str().find("daemon not running"), std::string::npos) << err.str();
}

TEST(ctl, when_daemon_is_named_then_its_default_socket_is_used) {
  EXPECT_EQ(tandem::ops::ctl::default_socket_for("ca"), "/run/tandem/ca.ctl");
  std::ostringstream out, err;
  EXPECT_EQ(tandem::ops::ctl::run({"--help"}, out, err), 0);
  EXPECT_NE(out.str().find("usage: tandem-ctl"), std::string::npos);
}
