#pragma once
/// Timers and limits of the MGCP transaction engine. Defaults follow RFC 3435 where it gives
/// a value; where it leaves a constant open, the choice is ours and says so.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "proto/mgcp/transaction/envelope.hpp"

namespace tandem::mgcp {

struct transaction_config {
  /// RFC 3435 §3.5.1 / §3.5.2: how long a response (or, once confirmed, just its transaction
  /// id) is kept to answer or drop retransmitted commands; also how long an outgoing
  /// transaction id stays out of reuse after the transaction ended.
  std::chrono::milliseconds t_hist{30'000};

  /// RFC 3435 §3.5.3: initial retransmission timer (the initial average acknowledgement
  /// delay, AAD) and the cap of any retransmission timer.
  std::chrono::milliseconds initial_rto{200};
  std::chrono::milliseconds max_rto{4'000};
  /// Floor of the computed timer (ours: keeps a loopback peer's tiny AAD from retransmitting
  /// after a millisecond).
  std::chrono::milliseconds min_rto{20};
  /// RFC 3435 §3.5.3: timer = AAD + N * ADEV; the RFC leaves N a constant (ours: 2).
  unsigned adev_factor = 2;

  /// RFC 3435 §4.3: after Max1 retransmissions the peer is suspect (re-resolve its address);
  /// after Max2 the transaction fails and the peer is disconnected.
  unsigned max1 = 5;
  unsigned max2 = 7;

  /// RFC 3435 §3.5.6: a command not answered within this delay gets "100 pending"
  /// automatically (0 disables; ours: 500 ms, a little above two initial timers).
  std::chrono::milliseconds auto_provisional_after{500};
  /// RFC 3435 §3.5.6: after a provisional response, retransmission stops for this long; if
  /// no final response came, retransmission resumes (a live peer answers with the provisional
  /// again, a dead one runs into Max2).
  std::chrono::milliseconds longtran_timer{5'000};

  /// RFC 3435 §4.4.6: the disconnected procedure. The first wait is uniform in
  /// [1 s, tdinit]; each further wait doubles, at least tdmin, at most tdmax.
  bool run_disconnected_procedure = true;
  std::chrono::milliseconds tdinit{15'000};
  std::chrono::milliseconds tdmin{15'000};
  std::chrono::milliseconds tdmax{600'000};

  /// RFC 3435 §3.5.5: messages queued to one peer in one turn share datagrams up to this size
  /// (ours; a message larger than this goes alone).
  std::size_t max_datagram_bytes = 4'000;

  /// First transaction id handed out (1..max_transaction_id); a restarted agent should start
  /// elsewhere than where it stopped, so that peers' T-HIST caches do not replay old answers.
  std::uint32_t first_transaction_id = 1;
};

}  // namespace tandem::mgcp
