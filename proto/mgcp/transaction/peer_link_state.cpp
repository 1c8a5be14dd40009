#include "proto/mgcp/transaction/transaction_engine.hpp"

#include <algorithm>

/// Per-peer link state: suspect after Max1, disconnected after Max2 (RFC 3435 §4.3), and the
/// disconnected procedure's timer (RFC 3435 §4.4.6). Transitions are listed at the top of
/// transaction_engine.hpp.

namespace tandem::mgcp {

void transaction_engine::link_alive(const peer& p) {
  peer_link& link = link_of(p);
  const link_state before = link.state;
  if (before == link_state::connected) return;
  disarm(link.disconnected_timer);
  link.disconnected_wait = duration::zero();
  link.state = link_state::connected;
  if (before == link_state::disconnected || before == link_state::restarting)
    notifier_.on_peer_reconnected(p);
}

void transaction_engine::link_suspect(const peer& p) {
  peer_link& link = link_of(p);
  counters_.peers_suspect.add();
  // Each command reaching Max1 says so (each is a reason to re-resolve the address); the state
  // only moves from connected.
  if (link.state == link_state::connected) link.state = link_state::suspect;
  notifier_.on_peer_suspect(p);
}

void transaction_engine::link_failed(const peer& p) {
  peer_link& link = link_of(p);
  switch (link.state) {
    case link_state::connected:
    case link_state::suspect: {
      link.state = link_state::disconnected;
      counters_.peers_disconnected.add();
      notifier_.on_peer_disconnected(p);
      if (!config_.run_disconnected_procedure) return;
      // RFC 3435 §4.4.6: the first wait is uniform between 1 s and Tdinit.
      const duration low = std::chrono::seconds(1);
      const duration high = std::max<duration>(config_.tdinit, low);
      link.disconnected_wait =
          low + std::chrono::duration_cast<duration>((high - low) * random_->uniform());
      break;
    }
    case link_state::restarting:
      // RFC 3435 §4.4.6: the procedure left the peer disconnected: wait twice as long, at
      // least Tdmin, at most Tdmax.
      link.state = link_state::disconnected;
      link.disconnected_wait = std::clamp<duration>(link.disconnected_wait * 2, config_.tdmin,
                                                    config_.tdmax);
      break;
    case link_state::disconnected:
      return;  // already waiting
  }
  if (!config_.run_disconnected_procedure) return;
  disarm(link.disconnected_timer);
  link.disconnected_timer = arm(link.disconnected_wait, [this, p] {
    peer_link& l = link_of(p);
    l.disconnected_timer = 0;
    if (l.state != link_state::disconnected) return;
    l.state = link_state::restarting;
    notifier_.on_disconnected_procedure_due(p);
  });
}

void transaction_engine::link_command_received(const peer& p) {
  peer_link& link = link_of(p);
  // RFC 3435 §4.4.6: a command from the peer while disconnected starts the procedure at once.
  if (link.state != link_state::disconnected || !config_.run_disconnected_procedure) return;
  disarm(link.disconnected_timer);
  link.state = link_state::restarting;
  notifier_.on_disconnected_procedure_due(p);
}

}  // namespace tandem::mgcp
