/// The one Asio translation unit of tandem-ca: MGCP over UDP, the backhaul listener and its
/// connections, signals. Everything runs on one io_context thread (the control plane).
#include "callagent/app/ca_daemon.hpp"
#include "callagent/app/ops_binding.hpp"

#include <array>
#include <deque>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "callagent/backhaul_session.hpp"
#include "callagent/backhauled_pri_link.hpp"
#include "callagent/call_agent.hpp"
#include "callagent/cdr_writer.hpp"
#include "callagent/sip/sofia_stack.hpp"
#include "common/asio.hpp"
#include "common/asio_timer_service.hpp"
#include "common/counters.hpp"
#include "common/log.hpp"

namespace tandem::callagent::app {

namespace {

using asio::ip::tcp;
using asio::ip::udp;

std::shared_ptr<spdlog::logger> daemon_log() {
  static auto logger = log::get("ca");
  return logger;
}

/// MGCP datagrams out of the call agent, through the one UDP socket (RFC 3435 §3.5).
class udp_transport final : public mgcp_transport {
 public:
  explicit udp_transport(udp::socket& socket) : socket_(socket) {}
  void send(const mgcp::peer& to, std::string_view datagram) override {
    udp::endpoint ep;
    if (auto it = resolved_.find(to); it != resolved_.end()) {
      ep = it->second;
    } else {
      boost::system::error_code ec;
      auto address = asio::ip::make_address(to.address, ec);
      if (ec) {
        // A host name: resolved once, synchronously (start-up and first command only).
        udp::resolver resolver(socket_.get_executor());
        auto results = resolver.resolve(udp::v4(), to.address, std::to_string(to.port), ec);
        if (ec || results.empty()) {
          daemon_log()->warn("mgcp: cannot resolve {}: {}", to.address, ec.message());
          return;
        }
        ep = *results.begin();
      } else {
        ep = udp::endpoint(address, to.port);
      }
      resolved_[to] = ep;
    }
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(datagram.data(), datagram.size()), ep, 0, ec);
    if (ec) daemon_log()->warn("mgcp: send to {}:{} failed: {}", to.address, to.port, ec.message());
  }

 private:
  udp::socket& socket_;
  std::map<mgcp::peer, udp::endpoint> resolved_;
};

/// One gateway's backhaul TCP connection.
class backhaul_connection final : public std::enable_shared_from_this<backhaul_connection> {
 public:
  backhaul_connection(tcp::socket socket, const pri_link_map& links, counter_set& counters)
      : socket_(std::move(socket)),
        hello_timer_(socket_.get_executor()),
        peer_(describe(socket_)),
        links_(links),
        counters_(counters) {}

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);  // docs/backhaul.md: frames are latency-sensitive
    std::weak_ptr<backhaul_connection> weak = shared_from_this();
    session_ = std::make_unique<backhaul_session>(
        peer_, links_,
        [weak](std::span<const std::uint8_t> bytes) {
          if (auto self = weak.lock()) self->write(bytes);
        },
        counters_);
    // docs/backhaul.md: the gateway's hello comes first; a peer that never sends one does
    // not hold a connection for ever.
    hello_timer_.expires_after(hello_timeout);
    hello_timer_.async_wait([weak](boost::system::error_code wait_ec) {
      auto self = weak.lock();
      if (wait_ec || !self || self->closed_ || !self->session_ || !self->session_->gateway().empty()) return;
      self->counters_.get("backhaul.rx.hello_timeout").add();
      daemon_log()->warn("backhaul {}: no hello in {} s; closing", self->peer_, hello_timeout.count());
      self->close();
    });
    read();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (ops) ops->on_backhaul_closed(this);
    boost::system::error_code ec;
    hello_timer_.cancel();
    socket_.close(ec);
    daemon_log()->info("backhaul {} {}: closed", peer_, session_ ? session_->gateway() : "");
    session_.reset();  // detaches the links: their calls are cleared
  }

 private:
  static std::string describe(const tcp::socket& s) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    return ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
  }

  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buffer_), [self](boost::system::error_code ec, std::size_t n) {
      if (self->closed_) return;
      if (ec) return self->close();
      if (self->ops) self->ops->on_backhaul_bytes(self.get(), true, std::span<const std::uint8_t>(self->buffer_.data(), n));
      if (!self->session_->on_bytes(std::span<const std::uint8_t>(self->buffer_.data(), n))) return self->close();
      self->read();
    });
  }

  void write(std::span<const std::uint8_t> bytes) {
    if (closed_) return;
    if (ops) ops->on_backhaul_bytes(this, false, bytes);
    queue_.emplace_back(bytes.begin(), bytes.end());
    if (queue_.size() == 1) write_next();
  }

  void write_next() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(queue_.front()), [self](boost::system::error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec) return self->close();
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  static constexpr std::chrono::seconds hello_timeout{10};

  tcp::socket socket_;
  asio::steady_timer hello_timer_;
  std::string peer_;
  const pri_link_map& links_;
  counter_set& counters_;
  std::unique_ptr<backhaul_session> session_;
  std::array<std::uint8_t, 4096> buffer_{};
  std::deque<std::vector<std::uint8_t>> queue_;
  bool closed_ = false;

 public:
  /// Operations: sees the bytes both ways for call traces (docs/traces.md).
  ops_binding* ops = nullptr;
};

class daemon {
 public:
  explicit daemon(const ca_config& config, const ops::ops_config& ops = {}, std::string config_path = {})
      : ops_config_(ops), config_path_(std::move(config_path)), config_(config), timers_(io_), mgcp_socket_(io_), transport_(mgcp_socket_), acceptor_(io_), signals_(io_) {}

  int run() {
    if (!config_.cdr.path.empty()) {
      auto f = cdr_file::open(config_.cdr.path, config_.cdr.fsync);
      if (!f) {
        daemon_log()->error("cdr: {}", f.error());
        return 1;
      }
      cdr_ = std::move(*f);
    }
    if (!bind_mgcp() || !listen_backhaul()) return 1;
    // Operations (docs/ctl.md): records and MGCP datagrams pass through its taps.
    ops_ = std::make_unique<ops_binding>(io_, ops_config_, config_path_, counters_, cdr_.get());
    agent_ = std::make_unique<call_agent>(config_, timers_, [] { return std::chrono::system_clock::now(); },
                                          ops_->transport(transport_), ops_->records(), counters_);
    if (!create_links()) return 1;
    if (config_.sip.enabled && !start_sip()) return 1;
    boost::system::error_code local_ec;
    const auto mgcp_local = mgcp_socket_.local_endpoint(local_ec);
    ops_->attach(*agent_, mgcp_local.address().to_string(), mgcp_local.port(), &timers_);
    if (auto started = ops_->start(); !started) {
      daemon_log()->error("operations: {}", started.error());
      return 1;
    }
    agent_->start();
    receive_mgcp();
    accept();
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.async_wait([this](boost::system::error_code ec, int signo) {
      if (!ec) shutdown(signo);
    });
    std::fflush(stdout);
    io_.run();
    // As tandem-mgw does: every counter once at exit, for tests and post-mortems.
    for (const auto& [name, value] : counters_.snapshot()) daemon_log()->info("counter {} {}", name, value);
    daemon_log()->info("stopped");
    return 0;
  }

 private:
  bool bind_mgcp() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(config_.mgcp_address, ec);
    if (ec) {
      daemon_log()->error("mgcp_address '{}': {}", config_.mgcp_address, ec.message());
      return false;
    }
    udp::endpoint ep(address, config_.mgcp_port);
    mgcp_socket_.open(ep.protocol(), ec);
    if (!ec) mgcp_socket_.bind(ep, ec);
    if (ec) {
      daemon_log()->error("mgcp: cannot bind {}:{}: {}", config_.mgcp_address, config_.mgcp_port, ec.message());
      return false;
    }
    auto local = mgcp_socket_.local_endpoint(ec);
    daemon_log()->info("mgcp: listening on udp {}:{}", local.address().to_string(), local.port());
    std::printf("mgcp port %u\n", static_cast<unsigned>(local.port()));
    return true;
  }

  /// The SIP side (docs/sip.md): Sofia in its own thread, its events posted to io_.
  bool start_sip() {
    auto stack = sip::sofia_stack::start(config_.sip, [this](std::function<void()> f) { asio::post(io_, std::move(f)); });
    if (!stack) {
      daemon_log()->error("sip: {}", stack.error());
      return false;
    }
    sip_ = std::move(*stack);
    agent_->attach_sip(*sip_);
    std::printf("sip port %u\n", static_cast<unsigned>(config_.sip.port));
    return true;
  }

  bool listen_backhaul() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(config_.backhaul.address, ec);
    if (ec) {
      daemon_log()->error("backhaul.address '{}': {}", config_.backhaul.address, ec.message());
      return false;
    }
    tcp::endpoint ep(address, config_.backhaul.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      daemon_log()->error("backhaul: cannot listen on {}:{}: {}", config_.backhaul.address, config_.backhaul.port,
                          ec.message());
      return false;
    }
    auto local = acceptor_.local_endpoint(ec);
    daemon_log()->info("backhaul: listening on tcp {}:{}", local.address().to_string(), local.port());
    std::printf("backhaul port %u\n", static_cast<unsigned>(local.port()));
    return true;
  }

  bool create_links() {
    for (const auto& tg : config_.trunk_groups) {
      if (tg.signalling != trunk_signalling::pri) continue;
      for (const auto& span : tg.spans) {
        // The backhaul hello names a gateway by its MGCP domain (docs/backhaul.md).
        std::string domain = tg.gateway;
        for (const auto& g : config_.gateways)
          if (g.name == tg.gateway && !g.domain.empty()) domain = g.domain;
        std::pair<std::string, unsigned> key{domain, span.span};
        if (link_map_.count(key) > 0) continue;
        auto link = backhauled_pri_link::create(fmt::format("{} span {}", tg.gateway, span.span), tg.switch_kind, timers_);
        if (!link) {
          daemon_log()->error("{} span {}: {}", tg.gateway, span.span, link.error());
          return false;
        }
        if (!agent_->attach_link(tg.gateway, span.span, **link)) {
          daemon_log()->error("trunk group {}: unknown gateway {}", tg.name, tg.gateway);
          return false;
        }
        link_map_[key] = link->get();
        links_.push_back(std::move(*link));
        daemon_log()->info("{} span {}: PRI ({}, user side) waits for the gateway's backhaul", tg.gateway, span.span,
                           isdn::to_string(tg.switch_kind));
      }
    }
    return true;
  }

  void receive_mgcp() {
    mgcp_socket_.async_receive_from(asio::buffer(datagram_), from_, [this](boost::system::error_code ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        ops_->on_mgcp_received(mgcp::peer{from_.address().to_string(), from_.port()}, std::string_view(datagram_.data(), n));
        agent_->on_mgcp_datagram(mgcp::peer{from_.address().to_string(), from_.port()},
                                 std::string_view(datagram_.data(), n));
      }
      receive_mgcp();
    });
  }

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
        auto c = std::make_shared<backhaul_connection>(std::move(socket), link_map_, counters_);
        c->ops = ops_.get();
        connections_.push_back(c);
        c->start();
      }
      accept();
    });
  }

  /// SIGTERM/SIGINT: clear every call (cause 16), wait for the clearing (DISCONNECT/RELEASE,
  /// DLCX, records) for at most shutdown_grace, then stop.
  void shutdown(int signo) {
    daemon_log()->info("signal {}: releasing {} call(s)", signo, agent_->active_calls());
    agent_->release_all(cause::normal_clearing);
    deadline_ = timers_.now() + shutdown_grace;
    wait_for_calls();
  }

  void wait_for_calls() {
    if (agent_->active_calls() == 0 || timers_.now() >= deadline_) {
      if (agent_->active_calls() > 0) daemon_log()->warn("{} call(s) not cleared in time", agent_->active_calls());
      stop();
      return;
    }
    timers_.schedule_after(std::chrono::milliseconds(50), [this] { wait_for_calls(); });
  }

  void stop() {
    if (ops_) ops_->stop();
    boost::system::error_code ec;
    acceptor_.close(ec);
    mgcp_socket_.close(ec);
    for (auto& weak : connections_)
      if (auto c = weak.lock()) c->close();
    io_.stop();
  }

  static constexpr std::chrono::seconds shutdown_grace{5};

  ops::ops_config ops_config_;
  std::string config_path_;
  ca_config config_;
  asio::io_context io_;
  asio_timer_service timers_;
  udp::socket mgcp_socket_;
  udp_transport transport_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  counter_set counters_{"ca"};
  std::unique_ptr<cdr_file> cdr_;
  // The links outlive the call agent (call_agent::attach_link) and the backhaul sessions.
  std::vector<std::unique_ptr<backhauled_pri_link>> links_;
  pri_link_map link_map_;
  std::unique_ptr<ops_binding> ops_;  // before the call agent: it holds the agent's taps
  std::unique_ptr<sip::sofia_stack> sip_;  // outlives the call agent (call_agent::attach_sip)
  std::unique_ptr<call_agent> agent_;
  std::vector<std::weak_ptr<backhaul_connection>> connections_;
  std::array<char, 65536> datagram_{};
  udp::endpoint from_;
  time_point deadline_{};
};

}  // namespace

int run_daemon(const ca_config& config, const ops::ops_config& ops, const std::string& config_path) {
  daemon d(config, ops, config_path);
  return d.run();
}

}  // namespace tandem::callagent::app
