#pragma once
/// The span interface: an E1 or T1 trunk seen as blocks of timeslot samples per tick plus a
/// D-channel of HDLC frames. Backends: sim (a local socket to tandem-pstn; the CI backend) and
/// dahdi (real cards). The gateway's media plane and the exchange simulator are both written
/// against this interface only.
#include <cstdint>
#include <span>
#include <vector>

#include "common/strong_id.hpp"

namespace tandem::tdm {

enum class span_type { e1, t1 };
enum class companding_law { alaw, ulaw };

/// Span number, 1-based, as in endpoint names (`ds/e1-<span>/<timeslot>`).
using span_number = strong_id<struct span_number_tag, unsigned>;

/// The static shape of a span.
/// E1: timeslots 0..31; TS0 carries framing, TS16 the D-channel, 1-15 and 17-31 are bearers.
/// T1: channels 1..24; channel 24 carries the D-channel (PRI), 1-23 are bearers.
struct span_layout {
  span_type type = span_type::e1;
  companding_law law = companding_law::alaw;

  static span_layout e1() { return {span_type::e1, companding_law::alaw}; }
  static span_layout t1() { return {span_type::t1, companding_law::ulaw}; }

  /// Number of slots in a block: 32 for E1 (timeslots 0..31), 24 for T1 (channels 1..24).
  [[nodiscard]] unsigned slot_count() const { return type == span_type::e1 ? 32u : 24u; }
  /// Lowest and highest timeslot/channel number as named in endpoints.
  [[nodiscard]] unsigned first_number() const { return type == span_type::e1 ? 0u : 1u; }
  [[nodiscard]] unsigned last_number() const { return type == span_type::e1 ? 31u : 24u; }
  /// Position in a block of a timeslot (E1) or channel (T1) number.
  [[nodiscard]] unsigned position(unsigned number) const { return number - first_number(); }
  [[nodiscard]] unsigned dchannel_number() const { return type == span_type::e1 ? 16u : 24u; }
  [[nodiscard]] bool is_bearer(unsigned number) const {
    if (number < first_number() || number > last_number()) return false;
    if (number == dchannel_number()) return false;
    return !(type == span_type::e1 && number == 0);
  }
  /// The idle octet of the span's law, sent where there is nothing to send (a late or lost
  /// block, a slot nobody writes): A-law 0xD5, µ-law 0xFF (both encode silence).
  [[nodiscard]] std::uint8_t idle_octet() const {
    return law == companding_law::alaw ? std::uint8_t{0xD5} : std::uint8_t{0xFF};
  }
  /// The bearer numbers in ascending order (30 for E1, 23 for T1).
  [[nodiscard]] std::vector<unsigned> bearers() const {
    std::vector<unsigned> out;
    for (unsigned n = first_number(); n <= last_number(); ++n)
      if (is_bearer(n)) out.push_back(n);
    return out;
  }
};

/// Alarms a span can raise, as a bit set.
enum class alarm : std::uint8_t {
  none = 0,
  loss_of_signal = 1 << 0,  ///< red: nothing arrives from the peer (sim: peer gone)
  remote_alarm = 1 << 1,    ///< yellow: the peer reports it receives nothing from us
  framing = 1 << 2,         ///< malformed or wrong-type blocks from the peer
};
constexpr alarm operator|(alarm a, alarm b) {
  return static_cast<alarm>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr alarm operator&(alarm a, alarm b) {
  return static_cast<alarm>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
constexpr bool any(alarm a) { return a != alarm::none; }

/// One tick of audio: `samples_per_slot` companded octets (A-law or µ-law as the span's law)
/// for every slot, stored slot after slot. Allocated once per span and reused every tick.
class block {
 public:
  block() = default;
  block(unsigned slot_count, unsigned samples_per_slot)
      : slots_(slot_count), samples_(samples_per_slot), data_(slot_count * samples_per_slot) {}

  [[nodiscard]] unsigned slot_count() const noexcept { return slots_; }
  [[nodiscard]] unsigned samples_per_slot() const noexcept { return samples_; }
  /// Samples of the slot at `position` (see span_layout::position).
  [[nodiscard]] std::span<std::uint8_t> slot(unsigned position) {
    return {data_.data() + position * samples_, samples_};
  }
  [[nodiscard]] std::span<const std::uint8_t> slot(unsigned position) const {
    return {data_.data() + position * samples_, samples_};
  }
  /// Sets every sample of every slot to `octet` (e.g. span_layout::idle_octet()).
  void fill(std::uint8_t octet) noexcept {
    for (auto& b : data_) b = octet;
  }
  [[nodiscard]] std::span<std::uint8_t> bytes() noexcept { return data_; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return data_; }

 private:
  unsigned slots_ = 0;
  unsigned samples_ = 0;
  std::vector<std::uint8_t> data_;
};

/// Inbound events of a span, implemented by its user (the gateway's media plane, the exchange).
/// Every call comes from the span's own clock thread.
class span_handler {
 public:
  virtual ~span_handler() = default;
  /// One tick: `rx` holds what arrived from the peer (idle pattern where a block was late or
  /// lost); the handler fills `tx`, pre-filled with the idle pattern, with what to send.
  /// Must not block, allocate or log above debug.
  virtual void on_tick(const block& rx, block& tx) = 0;
  /// One HDLC payload (without flags and FCS) received on the D-channel.
  virtual void on_dchannel_frame(std::span<const std::uint8_t> frame) = 0;
  /// The set of active alarms changed.
  virtual void on_alarm(alarm active) = 0;
};

/// Counters of a span.
struct span_stats {
  std::uint64_t blocks_rx = 0;
  std::uint64_t blocks_tx = 0;
  std::uint64_t blocks_late = 0;      ///< arrived after their tick, dropped
  std::uint64_t blocks_lost = 0;      ///< never arrived (gap in sequence), idle-filled
  std::uint64_t blocks_rejected = 0;  ///< malformed, oversized or of the wrong span type
  std::uint64_t dchannel_rx = 0;
  std::uint64_t dchannel_tx = 0;
  std::uint64_t dchannel_rejected = 0;
  std::uint64_t ticks = 0;                ///< on_tick calls so far (rx idle-filled or not)
  std::uint64_t dchannel_tx_dropped = 0;  ///< queue full, frame too long, or link down
};

/// A trunk. start() begins ticking; the handler must outlive stop().
class span {
 public:
  virtual ~span() = default;
  [[nodiscard]] virtual const span_layout& layout() const = 0;
  [[nodiscard]] virtual span_number number() const = 0;
  /// Samples per slot in one tick (8 per millisecond of tick).
  [[nodiscard]] virtual unsigned samples_per_tick() const = 0;
  virtual void start(span_handler& handler) = 0;
  virtual void stop() = 0;
  /// Queues one D-channel frame for sending. Thread-safe.
  virtual void send_dchannel_frame(std::span<const std::uint8_t> frame) = 0;
  [[nodiscard]] virtual alarm alarms() const = 0;
  [[nodiscard]] virtual span_stats stats() const = 0;
};

}  // namespace tandem::tdm
