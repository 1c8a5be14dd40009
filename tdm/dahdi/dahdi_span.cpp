/// The dahdi span backend (built only with the DAHDI header). The card's clock drives the
/// ticks; see dahdi_span.hpp for the channel set-up and the HDLC FCS framing of the D-channel.
#include "tdm/dahdi/dahdi_span.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <dahdi/user.h>
#include <fmt/format.h>

#include "common/log.hpp"
#include "tdm/dchannel_queue.hpp"

namespace tandem::tdm {
namespace {

/// Octets the driver appends to a received frame (the FCS) and expects room for on send.
constexpr std::size_t fcs_size = 2;
/// Ticks without a block from the card before the span ticks on its own with idle rx.
constexpr int missing_block_ticks = 4;

/// DAHDI's alarm bits (DAHDI_ALARM_*) in the span interface's terms.
alarm from_dahdi_alarms(unsigned bits) {
  alarm a = alarm::none;
  if ((bits & (DAHDI_ALARM_RED | DAHDI_ALARM_LOS | DAHDI_ALARM_BLUE | DAHDI_ALARM_NOTOPEN)) != 0)
    a = a | alarm::loss_of_signal;
  if ((bits & DAHDI_ALARM_YELLOW) != 0) a = a | alarm::remote_alarm;
  if ((bits & (DAHDI_ALARM_LFA | DAHDI_ALARM_LMFA)) != 0) a = a | alarm::framing;
  return a;
}

class dahdi_span final : public span {
 public:
  explicit dahdi_span(const dahdi_span_config& c)
      : config_(c),
        samples_(static_cast<unsigned>(c.tick.count()) * 8),
        log_(log::get("tdm")),
        counters_(c.counters),
        rx_(c.layout.slot_count(), samples_),
        tx_(c.layout.slot_count(), samples_),
        queue_(c.dchannel_queue_depth) {
    if (counters_ == nullptr) {
      own_counters_ = std::make_unique<counter_set>("tdm");
      counters_ = own_counters_.get();
    }
    const auto p = fmt::format("span{}.dahdi.", c.number.value());
    rx_missing_ = &counters_->get(p + "rx.missing_block");
    tx_short_ = &counters_->get(p + "tx.short_write");
    bad_fcs_ = &counters_->get(p + "dchannel.rx.bad_fcs");
    aborts_ = &counters_->get(p + "dchannel.rx.abort");
    overruns_ = &counters_->get(p + "dchannel.rx.overrun");
    tx_dropped_ = &counters_->get(p + "dchannel.tx.dropped");
    bad_length_ = &counters_->get(p + "dchannel.rx.bad_length");
  }

  ~dahdi_span() override {
    stop();
    for (auto& b : bearers_) ::close(b.fd);
    if (dchannel_fd_ >= 0) ::close(dchannel_fd_);
  }

  /// Opens and configures every channel; the error names the channel and the call.
  expected<void, std::string> open_all() {
    const auto& l = config_.layout;
    for (unsigned n = l.first_number(); n <= l.last_number(); ++n) {
      if (!l.is_bearer(n)) continue;
      auto fd = open_channel(n);
      if (!fd) return make_unexpected(fd.error());
      bearers_.push_back({n, l.position(n), *fd});
      if (auto ok = set(*fd, n, DAHDI_SET_BLOCKSIZE, "DAHDI_SET_BLOCKSIZE",
                        static_cast<int>(samples_));
          !ok)
        return ok;
      const int law = l.law == companding_law::alaw ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW;
      if (auto ok = set(*fd, n, DAHDI_SETLAW, "DAHDI_SETLAW", law); !ok) return ok;
      if (auto ok = set(*fd, n, DAHDI_AUDIOMODE, "DAHDI_AUDIOMODE", config_.audio_mode ? 1 : 0);
          !ok)
        return ok;
    }
    if (config_.dchannel) {
      const unsigned n = l.dchannel_number();
      auto fd = open_channel(n);
      if (!fd) return make_unexpected(fd.error());
      dchannel_fd_ = *fd;
      if (auto ok = set(dchannel_fd_, n, DAHDI_HDLCFCSMODE, "DAHDI_HDLCFCSMODE", 1); !ok)
        return ok;
    }
    refresh_alarms();
    return {};
  }

  [[nodiscard]] const span_layout& layout() const override { return config_.layout; }
  [[nodiscard]] span_number number() const override { return config_.number; }
  [[nodiscard]] unsigned samples_per_tick() const override { return samples_; }

  void start(span_handler& handler) override {
    if (thread_.joinable()) return;
    handler_ = &handler;
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) {
      log_->error("span {}: eventfd: {}", config_.number, std::strerror(errno));
      return;
    }
    thread_ = std::thread([this] { run(); });
  }

  void stop() override {
    if (thread_.joinable()) {
      const std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
      thread_.join();
    }
    if (stop_fd_ >= 0) ::close(stop_fd_);
    stop_fd_ = -1;
  }

  void send_dchannel_frame(std::span<const std::uint8_t> frame) override {
    if (dchannel_fd_ >= 0 && queue_.push(frame) == dchannel_queue::push_result::queued) return;
    stats_tx_dropped_.fetch_add(1, std::memory_order_relaxed);
    tx_dropped_->add();
  }

  [[nodiscard]] alarm alarms() const override {
    return static_cast<alarm>(alarms_.load(std::memory_order_acquire));
  }

  [[nodiscard]] span_stats stats() const override {
    span_stats s;
    s.blocks_rx = blocks_rx_.load(std::memory_order_relaxed);
    s.blocks_tx = blocks_tx_.load(std::memory_order_relaxed);
    s.blocks_lost = blocks_lost_.load(std::memory_order_relaxed);
    s.dchannel_rx = dchannel_rx_.load(std::memory_order_relaxed);
    s.dchannel_tx = dchannel_tx_.load(std::memory_order_relaxed);
    s.dchannel_rejected = dchannel_rejected_.load(std::memory_order_relaxed);
    s.ticks = ticks_.load(std::memory_order_relaxed);
    s.dchannel_tx_dropped = stats_tx_dropped_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  struct bearer {
    unsigned number;
    unsigned position;
    int fd;
  };

  expected<int, std::string> open_channel(unsigned n) {
    const int channel = static_cast<int>(config_.first_channel + n - 1);
    const int fd = ::open(config_.device.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
      return make_unexpected(fmt::format("channel {}: open {}: {}", channel, config_.device,
                                         std::strerror(errno)));
    int arg = channel;
    if (::ioctl(fd, DAHDI_SPECIFY, &arg) != 0) {
      auto err = fmt::format("channel {}: DAHDI_SPECIFY: {}", channel, std::strerror(errno));
      ::close(fd);
      return make_unexpected(err);
    }
    return fd;
  }

  expected<void, std::string> set(int fd, unsigned n, unsigned long request, const char* name,
                                  int value) {
    int arg = value;
    if (::ioctl(fd, request, &arg) == 0) return {};
    return make_unexpected(fmt::format("channel {}: {}({}): {}", config_.first_channel + n - 1,
                                       name, value, std::strerror(errno)));
  }

  void refresh_alarms() {
    if (bearers_.empty()) return;
    dahdi_params params{};
    params.channo = static_cast<int>(config_.first_channel + bearers_.front().number - 1);
    if (::ioctl(bearers_.front().fd, DAHDI_GET_PARAMS, &params) != 0) return;
    const auto now = from_dahdi_alarms(params.chan_alarms);
    if (static_cast<std::uint8_t>(now) == alarms_.exchange(static_cast<std::uint8_t>(now)))
      return;
    log_->warn("span {}: DAHDI alarms now 0x{:x}", config_.number, params.chan_alarms);
    if (handler_ != nullptr) handler_->on_alarm(now);
  }

  /// A read() failed with ELAST: the driver has an event for this channel.
  void take_event(int fd) {
    int event = DAHDI_EVENT_NONE;
    if (::ioctl(fd, DAHDI_GETEVENT, &event) != 0) return;
    switch (event) {
      case DAHDI_EVENT_ALARM:
      case DAHDI_EVENT_NOALARM: refresh_alarms(); break;
      case DAHDI_EVENT_BADFCS: reject_frame(*bad_fcs_); break;
      case DAHDI_EVENT_ABORT: reject_frame(*aborts_); break;
      case DAHDI_EVENT_OVERRUN: reject_frame(*overruns_); break;
      default: break;
    }
  }

  void reject_frame(counter& c) {
    c.add();
    dchannel_rejected_.fetch_add(1, std::memory_order_relaxed);
  }

  void run() {
    log_->info("span {}: DAHDI {} from channel {}, {} bearers{}", config_.number,
               config_.layout.type == span_type::e1 ? "E1" : "T1", config_.first_channel,
               bearers_.size(), dchannel_fd_ >= 0 ? " + D-channel" : "");
    handler_->on_alarm(alarms());
    const int timeout_ms = static_cast<int>(config_.tick.count()) * missing_block_ticks;
    for (;;) {
      // The first bearer paces the span: the card fills every channel's block together.
      pollfd fds[3] = {{stop_fd_, POLLIN, 0},
                       {bearers_.front().fd, POLLIN | POLLPRI, 0},
                       {dchannel_fd_, POLLIN | POLLPRI, 0}};
      const int n = ::poll(fds, dchannel_fd_ >= 0 ? 3 : 2, timeout_ms);
      if (n < 0 && errno != EINTR) {
        log_->error("span {}: poll: {}", config_.number, std::strerror(errno));
        break;
      }
      if (fds[0].revents != 0) break;
      if (fds[2].revents != 0) read_dchannel();
      // A card that stops clocking still gets ticks (idle rx) so the media plane keeps going.
      if (fds[1].revents != 0 || n == 0) tick();
    }
  }

  void tick() {
    const auto idle = config_.layout.idle_octet();
    rx_.fill(idle);
    bool missing = false;
    for (auto& b : bearers_) {
      auto slot = rx_.slot(b.position);
      const auto got = ::read(b.fd, slot.data(), slot.size());
      if (got == static_cast<ssize_t>(slot.size())) continue;
      if (got < 0 && errno == ELAST) take_event(b.fd);
      std::fill(slot.begin(), slot.end(), idle);
      missing = true;
    }
    if (missing) {
      blocks_lost_.fetch_add(1, std::memory_order_relaxed);
      rx_missing_->add();
    } else {
      blocks_rx_.fetch_add(1, std::memory_order_relaxed);
    }
    tx_.fill(idle);
    handler_->on_tick(rx_, tx_);
    ticks_.fetch_add(1, std::memory_order_relaxed);
    bool short_write = false;
    for (auto& b : bearers_) {
      const auto slot = tx_.slot(b.position);
      if (::write(b.fd, slot.data(), slot.size()) != static_cast<ssize_t>(slot.size()))
        short_write = true;
    }
    if (short_write) tx_short_->add();
    else blocks_tx_.fetch_add(1, std::memory_order_relaxed);
    flush_dchannel();
  }

  void read_dchannel() {
    for (;;) {
      const auto got = ::read(dchannel_fd_, frame_.data(), frame_.size());
      if (got < 0) {
        if (errno == ELAST) {
          take_event(dchannel_fd_);
          continue;
        }
        return;  // EAGAIN: nothing more
      }
      const auto size = static_cast<std::size_t>(got);
      if (size <= fcs_size || size > dchannel_queue::max_frame + fcs_size) {
        // Shorter than an FCS, or longer than Q.921 allows (N201, ITU-T Q.921 §5.9.3).
        reject_frame(*bad_length_);
        continue;
      }
      dchannel_rx_.fetch_add(1, std::memory_order_relaxed);
      handler_->on_dchannel_frame(
          std::span<const std::uint8_t>(frame_.data(), static_cast<std::size_t>(got) - fcs_size));
    }
  }

  void flush_dchannel() {
    for (;;) {
      const auto n = queue_.pop(out_frame_);
      if (n == 0) return;
      // The driver computes the FCS into the last 2 octets of what we write.
      out_frame_[n] = out_frame_[n + 1] = 0;
      if (::write(dchannel_fd_, out_frame_.data(), n + fcs_size) ==
          static_cast<ssize_t>(n + fcs_size)) {
        dchannel_tx_.fetch_add(1, std::memory_order_relaxed);
      } else {
        stats_tx_dropped_.fetch_add(1, std::memory_order_relaxed);
        tx_dropped_->add();
      }
    }
  }

  dahdi_span_config config_;
  unsigned samples_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<counter_set> own_counters_;
  counter_set* counters_;
  counter *rx_missing_, *tx_short_, *bad_fcs_, *aborts_, *overruns_, *tx_dropped_, *bad_length_;

  span_handler* handler_ = nullptr;
  std::thread thread_;
  int stop_fd_ = -1;
  std::vector<bearer> bearers_;
  int dchannel_fd_ = -1;
  block rx_, tx_;
  std::array<std::uint8_t, dchannel_queue::max_frame + 64> frame_{};
  std::array<std::uint8_t, dchannel_queue::max_frame + fcs_size> out_frame_{};
  dchannel_queue queue_;

  std::atomic<std::uint8_t> alarms_{0};
  std::atomic<std::uint64_t> blocks_rx_{0}, blocks_tx_{0}, blocks_lost_{0}, dchannel_rx_{0},
      dchannel_tx_{0}, dchannel_rejected_{0}, ticks_{0}, stats_tx_dropped_{0};
};

}  // namespace

expected<std::unique_ptr<span>, std::string> create_dahdi_span(const dahdi_span_config& config) {
  if (auto ok = validate(config); !ok) return make_unexpected(ok.error());
  auto s = std::make_unique<dahdi_span>(config);
  if (auto ok = s->open_all(); !ok) return make_unexpected(ok.error());
  return std::unique_ptr<span>(std::move(s));
}

bool dahdi_backend_built() { return true; }

}  // namespace tandem::tdm
