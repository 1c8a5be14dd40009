#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/asio.hpp"
#include "ops/daemon_ops.hpp"
#include "socket_client.hpp"

using tandem::ops::test::socket_client;
using json = nlohmann::ordered_json;

TEST(daemon_ops, when_both_groups_are_configured_then_metrics_and_control_serve_each_others_counters) {
  char tmpl[] = "/tmp/tandem-ops-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string socket_path = std::string(tmpl) + "/mgw.ctl";

  tandem::ops::ops_config config;
  config.metrics.emplace();
  config.metrics->port = 0;
  config.control = tandem::ops::control::control_server_config{socket_path, 4096, 4, 0660};
  tandem::counter_set agent("mgcp_agent");
  agent.get("rx.crcx").add(3);

  tandem::asio::io_context io;
  tandem::ops::daemon_ops ops(io, config, {"tandem-mgw", "", {}});
  ops.metrics().adopt(agent);
  ops.add_counters(agent);
  ASSERT_TRUE(ops.start());
  ASSERT_TRUE(ops.metrics_port());
  std::thread t([&] { io.run(); });

  auto ctl = socket_client::unix_stream(socket_path);
  ASSERT_TRUE(ctl.connected());
  ctl.send(R"({"id":1,"cmd":"counters"})" "\n");
  const auto counters = json::parse(ctl.line());
  bool saw_agent = false;
  for (const auto& row : counters["result"])
    if (row["counter"] == "mgcp_agent.rx.crcx" && row["value"] == 3) saw_agent = true;
  EXPECT_TRUE(saw_agent) << counters.dump();

  auto http = socket_client::tcp(*ops.metrics_port());
  ASSERT_TRUE(http.connected());
  http.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto text = http.receive();
  EXPECT_NE(text.find("tandem_mgcp_agent_rx_total{verb=\"crcx\"} 3\n"), std::string::npos) << text;
  // The control request above was counted and is visible in the scrape.
  EXPECT_NE(text.find("tandem_control_requests_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tandem_control_socket_clients_accepted_total 1\n"), std::string::npos) << text;

  tandem::asio::post(io, [&] { ops.stop(); });
  t.join();
  EXPECT_FALSE(std::filesystem::exists(socket_path));
  std::filesystem::remove_all(tmpl);
}

TEST(daemon_ops, when_nothing_is_configured_then_start_succeeds_and_no_port_is_open) {
  tandem::asio::io_context io;
  tandem::ops::daemon_ops ops(io, {}, {"tandem-ca", "", {}});
  EXPECT_TRUE(ops.start());
  EXPECT_FALSE(ops.metrics_port());
  EXPECT_NE(ops.commands().find("version"), nullptr);
}
