/// The sim span's link: connection events, and every message from the peer, validated before
/// it changes anything. Rejections are counted per reason, logged (throttled) and raise the
/// framing alarm; nothing from the peer can stop the clock thread.
#include <algorithm>
#include <cstring>
#include <optional>

#include <poll.h>

#include "tdm/sim/sim_span_impl.hpp"

namespace tandem::tdm {
namespace {

/// Messages read per poll wake-up, so a flooding peer cannot starve the tick.
constexpr unsigned max_messages_per_wakeup = 64;

reject_reason reason_of(wire::decode_error e) {
  switch (e) {
    case wire::decode_error::bad_magic: return reject_reason::bad_magic;
    case wire::decode_error::bad_version: return reject_reason::bad_version;
    case wire::decode_error::unknown_type: return reject_reason::unknown_type;
    case wire::decode_error::bad_length: return reject_reason::bad_length;
    case wire::decode_error::oversized: return reject_reason::oversized;
    case wire::decode_error::bad_field: return reject_reason::bad_field;
  }
  return reject_reason::bad_field;
}

}  // namespace

void sim_span::poll_link(short listen_events, short conn_events) {
  if ((listen_events & POLLIN) != 0) {
    switch (link_.accept_pending()) {
      case seqpacket_link::accept_result::accepted: on_connected(); break;
      case seqpacket_link::accept_result::rejected_busy: reject(reject_reason::peer_busy); break;
      case seqpacket_link::accept_result::none: break;
    }
  }
  if (conn_events == 0) return;
  for (unsigned i = 0; i < max_messages_per_wakeup && link_.connected(); ++i) {
    const auto r = link_.receive(rx_buffer_);
    if (r.status == seqpacket_link::recv_status::would_block) break;
    if (r.status == seqpacket_link::recv_status::closed) {
      on_disconnected();
      break;
    }
    if (r.status == seqpacket_link::recv_status::oversized) {
      reject(reject_reason::oversized);
      continue;
    }
    handle_message(std::span<const std::uint8_t>(rx_buffer_.data(), r.size));
  }
}

void sim_span::on_connected() {
  link_state_ = link_state::awaiting_hello;
  link_up_counter_->add();
  next_sequence_ = 0;
  sequence_known_ = false;
  have_answer_ = false;
  silent_ticks_ = 0;
  dchannel_sequence_ = 0;
  log_->info("span {}: connected on {}, sending hello", config_.number, config_.socket_path);
  wire::hello h;
  h.type = config_.layout.type;
  h.law = config_.layout.law;
  h.sender_is_master = config_.clock_role == sim_span_config::role::master;
  h.span = static_cast<std::uint16_t>(config_.number.value());
  h.tick_ms = static_cast<std::uint16_t>(config_.tick.count());
  send_message(wire::encode_hello(tx_buffer_, h));
}

void sim_span::on_disconnected() {
  link_.close_connection();
  if (link_state_ == link_state::down) return;
  link_state_ = link_state::down;
  // An answer received before the peer left must not count as a block from it on the next tick.
  have_answer_ = false;
  link_lost_counter_->add();
  log_->warn("span {}: peer gone from {}: loss of signal", config_.number, config_.socket_path);
  set_alarm(alarm::remote_alarm, false);
  if (clock_state_ == clock_state::locked) enter_free_run(last_arrival_ + tick_);
  set_alarm(alarm::loss_of_signal, true);
  next_connect_ = clock::now() + config_.reconnect_interval;
}

void sim_span::handle_message(std::span<const std::uint8_t> bytes) {
  const auto m = wire::decode(bytes);
  if (!m) {
    reject(reason_of(m.error()));
    return;
  }
  switch (m->type) {
    case wire::message_type::hello: handle_hello(*m); break;
    case wire::message_type::block: handle_block(*m); break;
    case wire::message_type::dchannel: handle_dchannel(*m); break;
    case wire::message_type::alarm: handle_alarm(*m); break;
  }
}

void sim_span::handle_hello(const wire::message_view& m) {
  if (link_state_ == link_state::up) {
    reject(reject_reason::duplicate_hello);
    return;
  }
  const auto h = wire::decode_hello(m.payload);
  std::optional<reject_reason> wrong;
  if (!h) wrong = reason_of(h.error());
  else if (h->type != config_.layout.type) wrong = reject_reason::wrong_span_type;
  else if (h->law != config_.layout.law) wrong = reject_reason::wrong_law;
  else if (h->tick_ms != config_.tick.count()) wrong = reject_reason::wrong_tick;
  else if (h->sender_is_master == (config_.clock_role == sim_span_config::role::master))
    wrong = reject_reason::wrong_role;
  if (wrong) {
    // A peer built for another span cannot be served: refuse it and let it retry.
    reject(*wrong);
    on_disconnected();
    return;
  }
  link_state_ = link_state::up;
  log_->info("span {}: peer hello accepted (peer span {}, {} ms)", config_.number, h->span,
             h->tick_ms);
  remote_rai_sent_ = !any(alarms() & (alarm::loss_of_signal | alarm::framing));
  send_alarm_indication();
}

void sim_span::handle_block(const wire::message_view& m) {
  if (link_state_ != link_state::up) {
    reject(reject_reason::no_hello);
    return;
  }
  const auto b = wire::decode_block(m.payload);
  if (!b) {
    reject(reason_of(b.error()));
    return;
  }
  if (b->slot_count != config_.layout.slot_count() || b->samples_per_slot != samples_) {
    reject(reject_reason::wrong_block_shape);
    return;
  }
  const std::uint32_t s = m.sequence;
  const bool master = config_.clock_role == sim_span_config::role::master;
  if (master) {
    // The slave answers block n with block n; only the answer to the last block is on time.
    if (next_sequence_ == 0 || s >= next_sequence_) {
      reject(reject_reason::bad_sequence);
      return;
    }
    if (s + 1 != next_sequence_) {
      stats_.blocks_late.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  } else if (sequence_known_ && clock_state_ == clock_state::locked) {
    if (s < expected_sequence_) {
      stats_.blocks_late.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (s > expected_sequence_)
      stats_.blocks_lost.fetch_add(s - expected_sequence_, std::memory_order_relaxed);
  }
  std::memcpy(rx_.bytes().data(), b->data.data(), b->data.size());
  for (unsigned pos : non_bearers_) {
    auto slot = rx_.slot(pos);
    std::fill(slot.begin(), slot.end(), config_.layout.idle_octet());
  }
  stats_.blocks_rx.fetch_add(1, std::memory_order_relaxed);
  if (master) {
    have_answer_ = true;
    return;
  }
  expected_sequence_ = s + 1;
  sequence_known_ = true;
  last_arrival_ = clock::now();
  if (clock_state_ == clock_state::free_run) {
    log_->info("span {}: blocks from the master again, locked: loss of signal clears",
               config_.number);
    clock_state_ = clock_state::locked;
    set_alarm(alarm::loss_of_signal, false);
  }
  slave_tick(s);
}

void sim_span::handle_dchannel(const wire::message_view& m) {
  if (link_state_ != link_state::up) {
    reject(reject_reason::no_hello, true);
    return;
  }
  const auto d = wire::decode_dchannel(m.payload);
  if (!d) {
    reject(reason_of(d.error()), true);
    return;
  }
  if (d->channel != config_.layout.dchannel_number()) {
    reject(reject_reason::unknown_channel, true);
    return;
  }
  stats_.dchannel_rx.fetch_add(1, std::memory_order_relaxed);
  handler_->on_dchannel_frame(d->frame);
}

void sim_span::handle_alarm(const wire::message_view& m) {
  if (link_state_ != link_state::up) {
    reject(reject_reason::no_hello);
    return;
  }
  const auto a = wire::decode_alarm(m.payload);
  if (!a) {
    reject(reason_of(a.error()));
    return;
  }
  if (a->rai != any(alarms() & alarm::remote_alarm))
    log_->info("span {}: peer {} remote alarm indication", config_.number,
               a->rai ? "raises" : "clears");
  set_alarm(alarm::remote_alarm, a->rai);
}

void sim_span::reject(reject_reason reason, bool dchannel) {
  auto& c = *reject_counters_[static_cast<std::size_t>(reason)];
  c.add();
  (dchannel ? stats_.dchannel_rejected : stats_.blocks_rejected)
      .fetch_add(1, std::memory_order_relaxed);
  // Log the 1st, 2nd, 4th, 8th... of each reason: a flooding peer cannot flood the log.
  const auto n = c.value();
  if ((n & (n - 1)) == 0)
    log_->warn("span {}: rejected a message from the peer: {} (#{} of this reason)",
               config_.number, to_string(reason), n);
  ticks_since_reject_ = 0;
  set_alarm(alarm::framing, true);
}

void sim_span::set_alarm(alarm bit, bool on) {
  const auto old = alarms();
  const auto now = on ? (old | bit)
                      : static_cast<alarm>(static_cast<std::uint8_t>(old) &
                                           ~static_cast<std::uint8_t>(bit));
  if (now == old) return;
  alarms_.store(static_cast<std::uint8_t>(now), std::memory_order_release);
  if (handler_ != nullptr) handler_->on_alarm(now);
  if (link_state_ == link_state::up) send_alarm_indication();
}

void sim_span::send_alarm_indication() {
  // RAI (yellow) tells the peer we do not receive it properly: loss of signal or framing.
  const bool rai = any(alarms() & (alarm::loss_of_signal | alarm::framing));
  if (rai == remote_rai_sent_) return;
  remote_rai_sent_ = rai;
  send_message(wire::encode_alarm(tx_buffer_, wire::alarm_indication{rai}));
}

bool sim_span::send_message(std::size_t size) {
  if (size == 0) return false;
  switch (link_.send(std::span<const std::uint8_t>(tx_buffer_.data(), size))) {
    case seqpacket_link::send_status::sent: return true;
    case seqpacket_link::send_status::would_block:
      // The peer is not reading: what we cannot send is dropped and counted.
      tx_dropped_counter_->add();
      return false;
    case seqpacket_link::send_status::closed: on_disconnected(); return false;
  }
  return false;
}

}  // namespace tandem::tdm
