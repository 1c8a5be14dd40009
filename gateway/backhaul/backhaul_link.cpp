/// The backhaul link over Asio TCP (see backhaul_link.hpp for the states).
#include "gateway/backhaul/backhaul_link.hpp"

#include <array>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "common/asio.hpp"
#include "common/log.hpp"
#include "proto/backhaul/codec.hpp"

namespace tandem::gateway::backhaul {

namespace bh = tandem::backhaul;
using asio::ip::tcp;

std::string_view to_string(link_state s) {
  switch (s) {
    case link_state::idle: return "idle";
    case link_state::connecting: return "connecting";
    case link_state::up: return "up";
    case link_state::waiting: return "waiting";
    case link_state::stopped: return "stopped";
  }
  return "unknown";
}

namespace {

class tcp_backhaul_link final : public backhaul_link {
 public:
  tcp_backhaul_link(asio::io_context& io, backhaul_config c, dchannel_sink& sink, counter_set& counters)
      : io_(io), config_(std::move(c)), sink_(sink), counters_(counters), socket_(io), retry_timer_(io),
        keepalive_timer_(io), backoff_(config_.backoff_min), log_(log::get("backhaul")) {}

  ~tcp_backhaul_link() override { stop(); }
  tcp_backhaul_link(const tcp_backhaul_link&) = delete;
  tcp_backhaul_link& operator=(const tcp_backhaul_link&) = delete;

  void start() override {
    if (state_ != link_state::idle) return;
    connect();
  }

  void stop() override {
    state_ = link_state::stopped;
    ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    retry_timer_.cancel();
    keepalive_timer_.cancel();
  }

  void send_dchannel(std::uint16_t span, std::span<const std::uint8_t> frame) override {
    if (state_ != link_state::up) {
      counters_.get("tx.dropped.link_down").add();
      return;
    }
    if (pending_octets_ > config_.max_pending_octets) {
      counters_.get("tx.dropped.queue_full").add();
      return;
    }
    bh::dchannel_frame f{span, {frame.begin(), frame.end()}};
    if (!queue(f)) {
      counters_.get("tx.dropped.bad_frame").add();
      return;
    }
    counters_.get("tx.dchannel").add();
  }

  void set_span_status(std::uint16_t span, std::uint8_t alarms) override {
    status_[span] = alarms;
    if (state_ == link_state::up && queue(bh::span_status{span, alarms})) counters_.get("tx.span_status").add();
  }

  link_state state() const override { return state_; }

  std::uint16_t local_port() const override {
    boost::system::error_code ec;
    auto ep = socket_.local_endpoint(ec);
    return (ec || state_ != link_state::up) ? 0 : ep.port();
  }

 private:
  void connect() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(config_.address, ec);
    if (ec) {
      // Why not fail: the config loader checks the literal; this is a guard for tests.
      log_->error("backhaul: bad call agent address {}: {}", config_.address, ec.message());
      state_ = link_state::stopped;
      return;
    }
    state_ = link_state::connecting;
    socket_ = tcp::socket(io_);
    const auto gen = ++generation_;
    socket_.async_connect(tcp::endpoint(address, config_.port), [this, gen](const boost::system::error_code& e) {
      if (gen != generation_) return;
      if (e) {
        counters_.get("connect_failures").add();
        log_->debug("backhaul: connect to {}:{} failed: {}", config_.address, config_.port, e.message());
        wait_and_retry();
        return;
      }
      on_connected();
    });
  }

  void on_connected() {
    state_ = link_state::up;
    counters_.get(ever_up_ ? "reconnects" : "connects").add();
    ever_up_ = true;
    backoff_ = config_.backoff_min;
    reader_ = bh::frame_reader{};
    outgoing_.clear();
    pending_octets_ = 0;
    writing_ = false;
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    log_->info("backhaul: link to {}:{} up", config_.address, config_.port);
    queue(bh::hello{config_.name, config_.spans});
    for (const auto& [span, alarms] : status_)
      if (queue(bh::span_status{span, alarms})) counters_.get("tx.span_status").add();
    last_rx_ = std::chrono::steady_clock::now();
    read();
    arm_keepalive();
  }

  void link_down(std::string_view why) {
    if (state_ != link_state::up) return;
    counters_.get("disconnects").add();
    log_->warn("backhaul: link to {}:{} down: {}", config_.address, config_.port, why);
    wait_and_retry();
  }

  void wait_and_retry() {
    ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    keepalive_timer_.cancel();
    state_ = link_state::waiting;
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, config_.backoff_max);
    const auto gen = generation_;
    retry_timer_.async_wait([this, gen](const boost::system::error_code& e) {
      if (e || gen != generation_ || state_ != link_state::waiting) return;
      connect();
    });
  }

  bool queue(const bh::message& m) {
    std::vector<std::uint8_t> bytes;
    if (!bh::encode(m, bytes)) return false;
    pending_octets_ += bytes.size();
    outgoing_.push_back(std::move(bytes));
    last_tx_ = std::chrono::steady_clock::now();
    write();
    return true;
  }

  void write() {
    if (writing_ || outgoing_.empty() || state_ != link_state::up) return;
    writing_ = true;
    const auto gen = generation_;
    asio::async_write(socket_, asio::buffer(outgoing_.front()),
                      [this, gen](const boost::system::error_code& e, std::size_t n) {
                        if (gen != generation_) return;
                        writing_ = false;
                        if (e) {
                          link_down(fmt::format("write: {}", e.message()));
                          return;
                        }
                        pending_octets_ -= n;
                        outgoing_.pop_front();
                        write();
                      });
  }

  void read() {
    const auto gen = generation_;
    socket_.async_read_some(asio::buffer(rx_), [this, gen](const boost::system::error_code& e, std::size_t n) {
      if (gen != generation_) return;
      if (e) {
        link_down(e == asio::error::eof ? std::string("closed by the call agent") : fmt::format("read: {}", e.message()));
        return;
      }
      last_rx_ = std::chrono::steady_clock::now();
      reader_.feed(std::span<const std::uint8_t>(rx_.data(), n));
      while (true) {
        auto m = reader_.next();
        if (!m) {
          counters_.get("rx.decode_error").add();
          link_down(fmt::format("undecodable frame: {}", bh::to_string(m.error())));
          return;
        }
        if (!*m) break;
        on_message(**m);
        if (gen != generation_) return;
      }
      read();
    });
  }

  void on_message(const bh::message& m) {
    if (const auto* d = std::get_if<bh::dchannel_frame>(&m)) {
      if (sink_.on_dchannel_from_call_agent(d->span, d->payload)) counters_.get("rx.dchannel").add();
      else counters_.get("rx.dropped.unknown_span").add();
    } else if (const auto* h = std::get_if<bh::hello>(&m)) {
      counters_.get("rx.hello").add();
      log_->info("backhaul: call agent {} said hello", h->name);
    } else if (const auto* k = std::get_if<bh::keepalive>(&m)) {
      counters_.get("rx.keepalive").add();
      if (!k->reply) queue(bh::keepalive{true});
    } else {
      // A call agent has no spans: a status from it means nothing to us.
      counters_.get("rx.span_status").add();
    }
  }

  void arm_keepalive() {
    // Checks a third of the interval so that a timeout is seen within 3⅓ intervals.
    keepalive_timer_.expires_after(config_.keepalive / 3);
    const auto gen = generation_;
    keepalive_timer_.async_wait([this, gen](const boost::system::error_code& e) {
      if (e || gen != generation_ || state_ != link_state::up) return;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_rx_ > 3 * config_.keepalive) {
        counters_.get("keepalive_timeouts").add();
        link_down("nothing received for three keep-alive intervals");
        return;
      }
      // The link is judged by what arrives, so our own traffic (D-channel frames, span status
      // while alarms flap) must not stand in for a request: ask whenever nothing has arrived
      // for an interval (once per interval), and also when we have said nothing for one.
      const bool unheard = now - last_rx_ >= config_.keepalive && now - last_probe_ >= config_.keepalive;
      if (unheard || now - last_tx_ >= config_.keepalive) {
        queue(bh::keepalive{false});
        last_probe_ = now;
      }
      arm_keepalive();
    });
  }

  asio::io_context& io_;
  backhaul_config config_;
  dchannel_sink& sink_;
  counter_set& counters_;
  tcp::socket socket_;
  asio::steady_timer retry_timer_;
  asio::steady_timer keepalive_timer_;
  link_state state_ = link_state::idle;
  /// Bumped whenever the socket is closed: completions of an older socket are ignored.
  std::uint64_t generation_ = 0;
  bool ever_up_ = false;
  std::chrono::milliseconds backoff_;
  bh::frame_reader reader_;
  std::array<std::uint8_t, 4096> rx_{};
  std::deque<std::vector<std::uint8_t>> outgoing_;
  std::size_t pending_octets_ = 0;
  bool writing_ = false;
  std::map<std::uint16_t, std::uint8_t> status_;
  std::chrono::steady_clock::time_point last_rx_{};
  std::chrono::steady_clock::time_point last_tx_{};
  std::chrono::steady_clock::time_point last_probe_{};  ///< last keep-alive request sent
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace

std::unique_ptr<backhaul_link> create_backhaul_link(asio::io_context& io, backhaul_config config, dchannel_sink& sink,
                                                    counter_set& counters) {
  return std::make_unique<tcp_backhaul_link>(io, std::move(config), sink, counters);
}

}  // namespace tandem::gateway::backhaul
