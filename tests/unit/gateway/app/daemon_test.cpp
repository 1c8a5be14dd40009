/// tandem-mgw's pieces together on 127.0.0.1: the UDP transport, the MGCP service, the agent
/// and the real media engine (virtual endpoints on a free-running clock). A blocking client
/// socket plays the call agent; every wait is bounded by a receive timeout.
#include <sys/socket.h>
#include <sys/time.h>

#include <thread>

#include <gtest/gtest.h>

#include "codecs/core_codecs.hpp"
#include "common/asio.hpp"
#include "common/asio_timer_service.hpp"
#include "gateway/app/engine_media_control.hpp"
#include "gateway/app/mgcp_service.hpp"
#include "gateway/app/udp_transport.hpp"
#include "gateway/media/media_clock.hpp"

namespace tandem::gateway::app {
namespace {

using udp = asio::ip::udp;

class call_agent_socket {
 public:
  call_agent_socket() : socket_(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    timeval tv{2, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  std::uint16_t port() const { return socket_.local_endpoint().port(); }
  void send(const std::string& text, std::uint16_t to) {
    socket_.send_to(asio::buffer(text), udp::endpoint(asio::ip::make_address("127.0.0.1"), to));
  }
  std::string receive() {
    std::array<char, 8192> buf{};
    udp::endpoint from;
    boost::system::error_code ec;
    const auto n = socket_.receive_from(asio::buffer(buf), from, 0, ec);
    return ec ? std::string{} : std::string(buf.data(), n);
  }

 private:
  asio::io_context io_;
  udp::socket socket_;
};

std::string line_of(const std::string& text, const std::string& prefix) {
  const auto at = text.find("\r\n" + prefix);
  if (at == std::string::npos) return {};
  const auto start = at + 2 + prefix.size();
  return text.substr(start, text.find("\r\n", start) - start);
}

TEST(daemon, when_a_call_agent_talks_over_udp_then_rsip_crcx_and_dlcx_work_against_the_real_media_engine) {
  call_agent_socket ca;
  codecs::registry reg;
  codecs::register_core_codecs(reg);
  media::media_engine_config ec;
  ec.virtual_endpoints = 2;
  ec.bind_address = "127.0.0.1";
  ec.ports = rtp::port_range{47000, 47199};
  auto engine = media::media_engine::create(ec);
  ASSERT_TRUE(engine.has_value());
  media::media_clock clock(**engine);

  mgcp::agent_config c;
  c.domain = "mgw.daemon.test";
  c.rtp_endpoints = 2;
  c.codecs = {"PCMU", "PCMA"};
  c.call_agent = tandem::mgcp::peer{"127.0.0.1", ca.port()};

  asio::io_context io;
  asio_timer_service timers(io);
  counter_set agent_counters("mgcp_agent"), transaction_counters("mgcp"), media_counters("mgw_media");
  engine_media_control media_control({engine->get()}, reg, "127.0.0.1", media_counters);
  auto transport = udp_transport::open(io, "127.0.0.1", 0);
  ASSERT_TRUE(transport.has_value()) << transport.error();
  udp_transport& udp_port = **transport;
  mgcp_service service(c, reg, media_control, timers, agent_counters, transaction_counters,
                       [&](const tandem::mgcp::peer& to, std::string_view d) { udp_port.send(to, d); });
  udp_port.start(service);
  const auto mgw_port = udp_port.local_port();
  clock.start();
  asio::post(io, [&] { service.agent().start(); });
  auto guard = asio::make_work_guard(io);
  std::thread control([&] { io.run(); });

  const auto rsip = ca.receive();
  ASSERT_EQ(rsip.rfind("RSIP ", 0), 0u) << rsip;
  ca.send("200 " + rsip.substr(5, rsip.find(' ', 5) - 5) + " OK\r\n", mgw_port);

  ca.send("CRCX 10 rtp/$@mgw.daemon.test MGCP 1.0\r\nC: 99\r\nM: sendrecv\r\nL: a:PCMU\r\n\r\n"
          "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 47500 RTP/AVP 0\r\n",
          mgw_port);
  const auto crcx = ca.receive();
  EXPECT_EQ(crcx.rfind("200 10 OK\r\n", 0), 0u) << crcx;
  EXPECT_EQ(line_of(crcx, "Z: "), "rtp/1@mgw.daemon.test") << crcx;
  const auto conn = line_of(crcx, "I: ");
  EXPECT_FALSE(conn.empty()) << crcx;
  EXPECT_NE(crcx.find("m=audio 470"), std::string::npos) << crcx;  // a port of the engine's range

  ca.send("DLCX 11 rtp/1@mgw.daemon.test MGCP 1.0\r\nC: 99\r\nI: " + conn + "\r\n", mgw_port);
  const auto dlcx = ca.receive();
  EXPECT_EQ(dlcx.rfind("250 11 OK\r\n", 0), 0u) << dlcx;
  EXPECT_FALSE(line_of(dlcx, "P: ").empty()) << dlcx;

  // Z2: two virtual endpoints joined inside the gateway (bridged over loopback RTP).
  ca.send("CRCX 12 rtp/1@mgw.daemon.test MGCP 1.0\r\nC: 9A\r\nM: sendrecv\r\nL: a:PCMA\r\n"
          "Z2: rtp/$@mgw.daemon.test\r\n",
          mgw_port);
  const auto z2 = ca.receive();
  EXPECT_EQ(z2.rfind("200 12 OK\r\n", 0), 0u) << z2;
  EXPECT_EQ(line_of(z2, "Z2: "), "rtp/2@mgw.daemon.test") << z2;
  EXPECT_FALSE(line_of(z2, "I2: ").empty()) << z2;
  ca.send("DLCX 13 *@mgw.daemon.test MGCP 1.0\r\nC: 9A\r\n", mgw_port);
  const auto gone = ca.receive();
  EXPECT_EQ(gone.rfind("250 13 OK\r\n", 0), 0u) << gone;
  EXPECT_EQ(media_counters.value("z2.bridge_failed"), 0u);

  guard.reset();
  asio::post(io, [&] { udp_port.close(); io.stop(); });
  control.join();
  clock.stop();
  EXPECT_EQ(agent_counters.value("crcx.ok"), 2u);
  EXPECT_EQ(agent_counters.value("rsip.answered"), 1u);
}

}  // namespace
}  // namespace tandem::gateway::app
