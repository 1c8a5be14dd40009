#pragma once
/// The sim span implementation (private to tdm/sim). The public face is sim_span.hpp.
///
/// States and transitions of the clock (one enum, clock_state):
///   master     : always; ticks on absolute deadlines whatever the link does.
///   free_run   : slave without the master's blocks (start, peer gone, LOS_TICKS silent ticks);
///                ticks on its own absolute deadlines with idle rx; loss of signal raised.
///   locked     : slave; each block from the master is a tick, answered at once.
///   free_run -> locked   on a good block from the master (loss of signal clears)
///   locked   -> free_run on disconnect, or when no block came for loss_of_signal_ticks ticks
/// The link (one enum, link_state): down -> awaiting_hello (socket connected, hellos sent)
///   -> up (peer's hello matched) -> down (peer closed, or its hello did not match).
///
/// Threads: everything below is owned by the clock thread, except the atomics (read by any
/// thread through alarms()/stats()), the D-channel queue (pushed from any thread) and
/// thread_/stop_fd_ (owner's thread in start()/stop()).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "tdm/dchannel_queue.hpp"
#include "tdm/sim/seqpacket_link.hpp"
#include "tdm/sim/sim_span.hpp"
#include "tdm/sim/wire_format.hpp"

namespace tandem::tdm {

/// Why a message from the peer was rejected; each has a named counter
/// "span<N>.rx.rejected.<name>" (docs/tdm.md).
enum class reject_reason : std::uint8_t {
  bad_magic, bad_version, unknown_type, bad_length, oversized, bad_field,
  no_hello, duplicate_hello, wrong_span_type, wrong_law, wrong_tick, wrong_role,
  wrong_block_shape, bad_sequence, unknown_channel, peer_busy,
  count_
};

class sim_span final : public span {
 public:
  explicit sim_span(const sim_span_config& config);
  ~sim_span() override;

  [[nodiscard]] const span_layout& layout() const override { return config_.layout; }
  [[nodiscard]] span_number number() const override { return config_.number; }
  [[nodiscard]] unsigned samples_per_tick() const override { return samples_; }
  void start(span_handler& handler) override;
  void stop() override;
  void send_dchannel_frame(std::span<const std::uint8_t> frame) override;
  [[nodiscard]] alarm alarms() const override {
    return static_cast<alarm>(alarms_.load(std::memory_order_acquire));
  }
  [[nodiscard]] span_stats stats() const override;

 private:
  enum class clock_state { master, free_run, locked };
  enum class link_state { down, awaiting_hello, up };
  using clock = std::chrono::steady_clock;

  // sim_span.cpp: the clock thread's loop and ticks.
  void run();
  void arm_timer(clock::time_point when);
  void on_timer();
  void master_tick();
  void free_run_tick();
  void slave_tick(std::uint32_t sequence);
  void finish_tick();
  void send_block(std::uint32_t sequence);
  void flush_dchannel();
  void enter_free_run(clock::time_point first_deadline);

  // sim_span_rx.cpp: the link and what arrives on it.
  void poll_link(short listen_events, short conn_events);
  void on_connected();
  void on_disconnected();
  void handle_message(std::span<const std::uint8_t> bytes);
  void handle_hello(const wire::message_view& m);
  void handle_block(const wire::message_view& m);
  void handle_dchannel(const wire::message_view& m);
  void handle_alarm(const wire::message_view& m);
  void reject(reject_reason reason, bool dchannel = false);
  void set_alarm(alarm bit, bool on);
  void send_alarm_indication();
  /// Sends tx_buffer_[0, size); false when it could not (peer gone or not reading).
  bool send_message(std::size_t size);

  sim_span_config config_;
  unsigned samples_;
  std::chrono::nanoseconds tick_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<counter_set> own_counters_;
  counter_set* counters_;
  std::array<counter*, static_cast<std::size_t>(reject_reason::count_)> reject_counters_{};
  counter* tx_dropped_counter_ = nullptr;
  counter* link_up_counter_ = nullptr;
  counter* link_lost_counter_ = nullptr;

  span_handler* handler_ = nullptr;
  std::thread thread_;
  int stop_fd_ = -1;
  int timer_fd_ = -1;

  seqpacket_link link_;
  link_state link_state_ = link_state::down;
  clock_state clock_state_;
  clock::time_point next_deadline_{};   ///< master / free_run: next tick, absolute
  clock::time_point last_arrival_{};    ///< locked: when the last master block arrived
  clock::time_point next_connect_{};    ///< connect mode: next attempt
  std::uint32_t next_sequence_ = 0;     ///< master: the sequence of the next block sent
  std::uint32_t expected_sequence_ = 0; ///< slave: the next block expected from the master
  bool sequence_known_ = false;         ///< slave: false until the first block after hello
  bool have_answer_ = false;            ///< master: rx_ holds the answer to the last block
  unsigned silent_ticks_ = 0;           ///< master: ticks without an answer
  std::uint64_t ticks_since_reject_ = 0;
  bool remote_rai_sent_ = false;        ///< the RAI state last told to the peer

  block rx_;
  block tx_;
  std::vector<std::uint8_t> tx_buffer_;
  std::vector<std::uint8_t> rx_buffer_;
  std::array<std::uint8_t, dchannel_queue::max_frame> frame_buffer_{};
  std::vector<unsigned> non_bearers_;
  dchannel_queue dchannel_queue_;
  std::uint32_t dchannel_sequence_ = 0;

  std::atomic<std::uint8_t> alarms_{0};
  struct atomic_stats {
    std::atomic<std::uint64_t> blocks_rx{0}, blocks_tx{0}, blocks_late{0}, blocks_lost{0},
        blocks_rejected{0}, dchannel_rx{0}, dchannel_tx{0}, dchannel_rejected{0}, ticks{0},
        dchannel_tx_dropped{0};
  } stats_;
};

[[nodiscard]] const char* to_string(reject_reason r);

}  // namespace tandem::tdm
