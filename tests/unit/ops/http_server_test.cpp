#include <gtest/gtest.h>

#include <thread>

#include "common/asio.hpp"
#include "ops/metrics/http_server.hpp"
#include "socket_client.hpp"

namespace m = tandem::ops::metrics;
using tandem::ops::test::socket_client;

namespace {

/// A registry with one gauge, served on 127.0.0.1 port 0 by an io_context on its own thread.
class http_server_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.gauge_of("tandem_calls", "Calls in progress").set(3);
    m::http_server_config config;
    config.address = "127.0.0.1";
    config.port = 0;
    config.max_request_bytes = 1024;
    server_ = std::make_unique<m::http_server>(io_, m::http_handler(registry_), config);
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error();
    port_ = *port;
    guard_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    tandem::asio::post(io_, [this] { server_->stop(); });
    guard_.reset();
    if (thread_.joinable()) thread_.join();
  }

  std::string request(const std::string& text) {
    auto c = socket_client::tcp(port_);
    EXPECT_TRUE(c.connected());
    c.send(text);
    return c.receive();
  }

  tandem::asio::io_context io_;
  m::registry registry_;
  std::unique_ptr<m::http_server> server_;
  std::uint16_t port_ = 0;
  std::optional<tandem::asio::executor_work_guard<tandem::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace

TEST_F(http_server_fixture, when_get_metrics_then_200_with_the_prometheus_text) {
  ASSERT_NE(port_, 0);
  const auto r = request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\n\r\n# HELP tandem_calls Calls in progress\n# TYPE tandem_calls gauge\ntandem_calls 3\n"),
            std::string::npos)
      << r;
}

TEST_F(http_server_fixture, when_accept_asks_openmetrics_then_it_is_served_with_eof) {
  const auto r = request(
      "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_NE(r.find("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"),
            std::string::npos)
      << r;
  EXPECT_TRUE(r.ends_with("# EOF\n")) << r;
}

TEST_F(http_server_fixture, when_keep_alive_then_two_requests_share_one_connection) {
  auto c = socket_client::tcp(port_);
  ASSERT_TRUE(c.connected());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto first = c.receive("ok\n");
  EXPECT_TRUE(first.starts_with("HTTP/1.1 200 OK")) << first;
  c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto second = c.receive();
  EXPECT_NE(second.find("tandem_calls 3"), std::string::npos) << second;
}

TEST_F(http_server_fixture, when_path_is_unknown_then_404) {
  const auto r = request("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 404 Not Found\r\n")) << r;
}

TEST_F(http_server_fixture, when_method_is_not_get_then_405_with_allow) {
  const auto r = request("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << r;
  EXPECT_NE(r.find("Allow: GET, HEAD\r\n"), std::string::npos) << r;
}

TEST_F(http_server_fixture, when_head_then_headers_only) {
  const auto r = request("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\n")) << r;
  EXPECT_EQ(r.find("tandem_calls 3"), std::string::npos);
}

TEST_F(http_server_fixture, when_headers_exceed_the_limit_then_431_and_the_server_still_serves) {
  const auto r = request("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 431 ")) << r.substr(0, 80);
  const auto body = request("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_TRUE(body.starts_with("HTTP/1.1 413 ")) << body.substr(0, 80);
  const auto ok = request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 200 OK")) << ok;
}

TEST_F(http_server_fixture, when_request_is_garbage_then_400) {
  const auto r = request("HELLO\x01 there\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 400 Bad Request\r\n")) << r;
}

TEST(http_server, when_address_is_invalid_then_start_reports_it) {
  tandem::asio::io_context io;
  m::registry r;
  m::http_server_config config;
  config.address = "not-an-address";
  m::http_server server(io, m::http_handler(r), config);
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().find("not-an-address"), std::string::npos);
}

TEST(http_handler, when_health_check_fails_then_503_with_its_reason) {
  m::registry r;
  m::http_handler h(r, [] { return tandem::expected<std::string, std::string>(tandem::make_unexpected("span 1 down")); });
  const auto resp = h.handle({"GET", "/healthz", ""});
  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(resp.body, "span 1 down\n");
  EXPECT_EQ(h.handle({"GET", "/metrics?debug=1", ""}).status, 200);
}

TEST(http_server, when_a_client_stalls_mid_request_then_the_connection_is_closed_by_the_time_out) {
  tandem::asio::io_context io;
  m::registry r;
  m::http_server_config config;
  config.port = 0;
  config.timeout = std::chrono::milliseconds(200);  // well under the client's 5 s bound
  config.max_connections = 1;
  m::http_server server(io, m::http_handler(r), config);
  auto port = server.start();
  ASSERT_TRUE(port) << port.error();
  std::thread t([&] { io.run(); });
  {
    auto stalled = socket_client::tcp(*port);
    ASSERT_TRUE(stalled.connected());
    stalled.send("GET /metr");
    EXPECT_TRUE(stalled.closed_by_peer());
  }
  tandem::asio::post(io, [&] { server.stop(); });
  t.join();
  // Read after the io_context has drained: the stream closes the socket on time-out before the
  // read handler that counts it runs.
  EXPECT_EQ(server.counters().value("timeouts"), 1u);
}
