/// The sim span's clock thread: absolute deadlines on CLOCK_MONOTONIC through a timerfd, so
/// the master never drifts; the slave ticks on the master's blocks. Transitions: see
/// sim_span_impl.hpp.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <fmt/format.h>

#include "common/log.hpp"
#include "tdm/sim/sim_span_impl.hpp"

namespace tandem::tdm {
namespace {

/// After a stall longer than this many ticks the clock jumps instead of catching up, so a
/// suspended process does not burst hundreds of blocks at its peer.
constexpr unsigned max_catch_up_ticks = 50;

constexpr const char* reject_names[] = {
    "bad_magic",       "bad_version",     "unknown_type", "bad_length",   "oversized",
    "bad_field",       "no_hello",        "duplicate_hello", "wrong_span_type", "wrong_law",
    "wrong_tick",      "wrong_role",      "wrong_block_shape", "bad_sequence", "unknown_channel",
    "peer_busy"};
static_assert(std::size(reject_names) == static_cast<std::size_t>(reject_reason::count_));

}  // namespace

const char* to_string(reject_reason r) { return reject_names[static_cast<std::size_t>(r)]; }

expected<void, std::string> validate(const sim_span_config& c) {
  if (c.number.value() == 0) return make_unexpected(std::string("number: must be 1 or more"));
  if (c.socket_path.empty()) return make_unexpected(std::string("socket_path: empty"));
  if (c.socket_path.size() > 107)
    return make_unexpected(std::string("socket_path: longer than 107 bytes (sun_path)"));
  if (c.tick.count() < 1 || c.tick.count() > 20)
    return make_unexpected(fmt::format("tick: {} ms, must be 1..20 ms", c.tick.count()));
  if (c.loss_of_signal_ticks < 2)
    return make_unexpected(std::string("loss_of_signal_ticks: must be 2 or more"));
  if (c.framing_clear_ticks < 1)
    return make_unexpected(std::string("framing_clear_ticks: must be 1 or more"));
  if (c.reconnect_interval.count() < 1)
    return make_unexpected(std::string("reconnect_interval: must be 1 ms or more"));
  if (c.dchannel_queue_depth < 1 || c.dchannel_queue_depth > 4096)
    return make_unexpected(std::string("dchannel_queue_depth: must be 1..4096"));
  return {};
}

expected<std::unique_ptr<span>, std::string> create_sim_span(const sim_span_config& config) {
  if (auto ok = validate(config); !ok) return make_unexpected(ok.error());
  return std::unique_ptr<span>(std::make_unique<sim_span>(config));
}

sim_span::sim_span(const sim_span_config& config)
    : config_(config),
      samples_(static_cast<unsigned>(config.tick.count()) * 8),
      tick_(config.tick),
      log_(log::get("tdm")),
      counters_(config.counters),
      link_(config.socket_path, config.mode == sim_span_config::connect_mode::listen
                                    ? seqpacket_link::role::listen
                                    : seqpacket_link::role::connect),
      clock_state_(config.clock_role == sim_span_config::role::master ? clock_state::master
                                                                      : clock_state::free_run),
      rx_(config.layout.slot_count(), samples_),
      tx_(config.layout.slot_count(), samples_),
      tx_buffer_(wire::max_message),
      rx_buffer_(wire::max_message),
      dchannel_queue_(config.dchannel_queue_depth) {
  if (counters_ == nullptr) {
    own_counters_ = std::make_unique<counter_set>("tdm");
    counters_ = own_counters_.get();
  }
  const auto prefix = fmt::format("span{}.", config_.number.value());
  for (std::size_t i = 0; i < reject_counters_.size(); ++i)
    reject_counters_[i] = &counters_->get(prefix + "rx.rejected." + reject_names[i]);
  tx_dropped_counter_ = &counters_->get(prefix + "tx.dropped");
  link_up_counter_ = &counters_->get(prefix + "link.up");
  link_lost_counter_ = &counters_->get(prefix + "link.lost");
  const auto& l = config_.layout;
  for (unsigned n = l.first_number(); n <= l.last_number(); ++n)
    if (!l.is_bearer(n)) non_bearers_.push_back(l.position(n));
}

sim_span::~sim_span() { stop(); }

void sim_span::start(span_handler& handler) {
  if (thread_.joinable()) return;
  handler_ = &handler;
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (stop_fd_ < 0 || timer_fd_ < 0) {
    // Without these the span cannot tick; it stays in loss of signal and says why.
    log_->error("span {}: cannot create eventfd/timerfd: {}", config_.number,
                std::strerror(errno));
    set_alarm(alarm::loss_of_signal, true);
    return;
  }
  thread_ = std::thread([this] { run(); });
}

void sim_span::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int* fd : {&stop_fd_, &timer_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void sim_span::send_dchannel_frame(std::span<const std::uint8_t> frame) {
  if (dchannel_queue_.push(frame) == dchannel_queue::push_result::queued) return;
  stats_.dchannel_tx_dropped.fetch_add(1, std::memory_order_relaxed);
  tx_dropped_counter_->add();
}

span_stats sim_span::stats() const {
  span_stats s;
  s.blocks_rx = stats_.blocks_rx.load(std::memory_order_relaxed);
  s.blocks_tx = stats_.blocks_tx.load(std::memory_order_relaxed);
  s.blocks_late = stats_.blocks_late.load(std::memory_order_relaxed);
  s.blocks_lost = stats_.blocks_lost.load(std::memory_order_relaxed);
  s.blocks_rejected = stats_.blocks_rejected.load(std::memory_order_relaxed);
  s.dchannel_rx = stats_.dchannel_rx.load(std::memory_order_relaxed);
  s.dchannel_tx = stats_.dchannel_tx.load(std::memory_order_relaxed);
  s.dchannel_rejected = stats_.dchannel_rejected.load(std::memory_order_relaxed);
  s.ticks = stats_.ticks.load(std::memory_order_relaxed);
  s.dchannel_tx_dropped = stats_.dchannel_tx_dropped.load(std::memory_order_relaxed);
  return s;
}

void sim_span::run() {
  const bool listen = config_.mode == sim_span_config::connect_mode::listen;
  log_->info("span {}: sim {} {} on {} ({}, tick {} ms)", config_.number,
             config_.layout.type == span_type::e1 ? "E1" : "T1",
             config_.clock_role == sim_span_config::role::master ? "master" : "slave",
             config_.socket_path, listen ? "listening" : "connecting", config_.tick.count());
  // Nothing arrives until a peer is there.
  set_alarm(alarm::loss_of_signal, true);
  link_state_ = link_state::down;
  const auto now = clock::now();
  next_deadline_ = now + tick_;
  next_connect_ = now;
  if (clock_state_ == clock_state::locked) clock_state_ = clock_state::free_run;

  for (;;) {
    auto t = clock::now();
    int timeout_ms = -1;
    if (!link_.connected()) {
      const bool need_listener = listen && link_.listen_fd() < 0;
      if (t >= next_connect_ && (need_listener || !listen)) {
        if (need_listener) {
          if (auto err = link_.open(); !err.empty())
            log_->warn("span {}: {}", config_.number, err);
        } else if (link_.try_connect()) {
          on_connected();
        }
        next_connect_ = t + config_.reconnect_interval;
      }
      if (!link_.connected() && (!listen || link_.listen_fd() < 0)) {
        const auto wait =
            std::chrono::ceil<std::chrono::milliseconds>(next_connect_ - clock::now());
        timeout_ms = static_cast<int>(std::max<std::int64_t>(0, wait.count()));
      }
    }
    arm_timer(clock_state_ == clock_state::locked
                  ? last_arrival_ + tick_ * config_.loss_of_signal_ticks
                  : next_deadline_);

    pollfd fds[4] = {{stop_fd_, POLLIN, 0}, {timer_fd_, POLLIN, 0},
                     {link_.listen_fd(), POLLIN, 0}, {link_.connection_fd(), POLLIN, 0}};
    if (::poll(fds, 4, timeout_ms) < 0 && errno != EINTR) {
      log_->error("span {}: poll: {}", config_.number, std::strerror(errno));
      break;
    }
    if (fds[0].revents != 0) break;
    poll_link(fds[2].revents, fds[3].revents);
    if (fds[1].revents != 0) {
      std::uint64_t expirations = 0;
      [[maybe_unused]] auto n = ::read(timer_fd_, &expirations, sizeof expirations);
      on_timer();
    }
  }
  link_.close();
  link_state_ = link_state::down;
  // A stopped span receives nothing; the handler is not told (it may be going away).
  alarms_.store(static_cast<std::uint8_t>(alarm::loss_of_signal), std::memory_order_release);
  log_->info("span {}: stopped", config_.number);
}

void sim_span::arm_timer(clock::time_point when) {
  // steady_clock is CLOCK_MONOTONIC on Linux; absolute expiry keeps ticks from drifting.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch());
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns.count() / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(ns.count() % 1'000'000'000);
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void sim_span::on_timer() {
  const auto now = clock::now();
  if (clock_state_ == clock_state::locked) {
    if (now < last_arrival_ + tick_ * config_.loss_of_signal_ticks) return;
    log_->warn("span {}: no block from the master for {} ticks: loss of signal, free-running",
               config_.number, config_.loss_of_signal_ticks);
    enter_free_run(last_arrival_ + tick_);
  }
  unsigned n = 0;
  while (next_deadline_ <= now) {
    if (clock_state_ == clock_state::master) master_tick();
    else free_run_tick();
    next_deadline_ += tick_;
    if (++n == max_catch_up_ticks && next_deadline_ <= now) {
      log_->warn("span {}: clock stalled for more than {} ticks, skipping ahead", config_.number,
                 max_catch_up_ticks);
      next_deadline_ = now + tick_;
      break;
    }
  }
}

void sim_span::enter_free_run(clock::time_point first_deadline) {
  clock_state_ = clock_state::free_run;
  next_deadline_ = first_deadline;
  set_alarm(alarm::loss_of_signal, true);
}

void sim_span::master_tick() {
  const bool up = link_state_ == link_state::up;
  if (have_answer_) {
    silent_ticks_ = 0;
    set_alarm(alarm::loss_of_signal, false);
  } else {
    rx_.fill(config_.layout.idle_octet());
    if (up && next_sequence_ > 0) {
      stats_.blocks_lost.fetch_add(1, std::memory_order_relaxed);
      if (++silent_ticks_ >= config_.loss_of_signal_ticks)
        set_alarm(alarm::loss_of_signal, true);
    }
  }
  have_answer_ = false;
  tx_.fill(config_.layout.idle_octet());
  handler_->on_tick(rx_, tx_);
  stats_.ticks.fetch_add(1, std::memory_order_relaxed);
  if (link_state_ == link_state::up) send_block(next_sequence_++);
  finish_tick();
}

void sim_span::free_run_tick() {
  rx_.fill(config_.layout.idle_octet());
  // Blocks count as lost only while a master that has sent blocks on this link is there.
  if (link_state_ == link_state::up && sequence_known_)
    stats_.blocks_lost.fetch_add(1, std::memory_order_relaxed);
  tx_.fill(config_.layout.idle_octet());
  handler_->on_tick(rx_, tx_);
  stats_.ticks.fetch_add(1, std::memory_order_relaxed);
  finish_tick();
}

void sim_span::slave_tick(std::uint32_t sequence) {
  tx_.fill(config_.layout.idle_octet());
  handler_->on_tick(rx_, tx_);
  stats_.ticks.fetch_add(1, std::memory_order_relaxed);
  if (link_state_ == link_state::up) send_block(sequence);
  finish_tick();
}

void sim_span::finish_tick() {
  flush_dchannel();
  ++ticks_since_reject_;
  if (any(alarms() & alarm::framing) && ticks_since_reject_ >= config_.framing_clear_ticks) {
    log_->info("span {}: {} good ticks since the last rejection, framing alarm clears",
               config_.number, ticks_since_reject_);
    set_alarm(alarm::framing, false);
  }
}

void sim_span::send_block(std::uint32_t sequence) {
  // Slots that carry no bearer (E1 TS0 framing, the D-channel slot) go out idle: the
  // D-channel travels as frames, and framing is implied by the message itself.
  for (unsigned pos : non_bearers_) {
    auto s = tx_.slot(pos);
    std::fill(s.begin(), s.end(), config_.layout.idle_octet());
  }
  const auto size = wire::encode_block(tx_buffer_, sequence, tx_);
  if (size == 0) return;
  if (send_message(size)) stats_.blocks_tx.fetch_add(1, std::memory_order_relaxed);
}

void sim_span::flush_dchannel() {
  for (;;) {
    const auto n = dchannel_queue_.pop(frame_buffer_);
    if (n == 0) return;
    if (link_state_ != link_state::up) {
      // A D-channel without a link loses its frames, as a real one does; Q.921 recovers.
      stats_.dchannel_tx_dropped.fetch_add(1, std::memory_order_relaxed);
      tx_dropped_counter_->add();
      continue;
    }
    const auto size = wire::encode_dchannel(tx_buffer_, dchannel_sequence_++,
                                            config_.layout.dchannel_number(),
                                            std::span(frame_buffer_.data(), n));
    if (size == 0) continue;
    if (send_message(size)) stats_.dchannel_tx.fetch_add(1, std::memory_order_relaxed);
    else stats_.dchannel_tx_dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace tandem::tdm
