#pragma once
/// Timers and limits of the H.248 transaction engine (H.248.1 §8, Annex D.1). Defaults follow
/// H.248.1 where it gives a value; where it leaves room, the choice is ours and says so.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "proto/h248/identifiers.hpp"

namespace tandem::h248 {

struct transaction_config {
  /// Our mId and protocol version, written in the header of every message we send.
  message_id self{mid_kind::ipv4, "127.0.0.1", 2944};
  unsigned version = 1;
  /// Short tokens, no optional white space (smaller datagrams; Annex B allows both).
  bool compact = true;

  /// H.248.1 Annex D.1.3: the initial retransmission timer (the initial average
  /// acknowledgement delay) and the cap of any retransmission timer; timers follow the
  /// estimator of rto_estimator.hpp (the same as the MGCP engine's).
  std::chrono::milliseconds initial_rto{200};
  std::chrono::milliseconds max_rto{4'000};
  std::chrono::milliseconds min_rto{20};
  unsigned adev_factor = 2;
  /// Annex D.1.3 leaves the number of retries open: after this many retransmissions without
  /// a reply or a pending, the request fails (ours: 7, as MGCP's Max2).
  unsigned max_retransmissions = 7;

  /// Annex D.1.1: how long a reply is kept to answer retransmitted requests (and an ended
  /// outgoing transaction id stays out of reuse). It must exceed the longest a peer keeps
  /// retransmitting (ours: 30 s, as MGCP's T-HIST).
  std::chrono::milliseconds long_timer{30'000};

  /// §8.2.3 / Annex D.1.4: a request still unanswered after this long gets a
  /// TransactionPending automatically (0: never; the application may send one itself).
  /// Ours: 500 ms, a little above two initial retransmission timers.
  std::chrono::milliseconds pending_after{500};

  /// Annex D.1.4: after a TransactionPending the requester stops retransmitting and waits
  /// this long for the reply (or a further pending) before it retransmits again.
  std::chrono::milliseconds pending_wait{5'000};
  /// H.248.1 §8.2.3 / H.248.8 error 506: more pendings than this for one request and it fails
  /// (the root package's MGCOriginatedPendingLimit / MGOriginatedPendingLimit).
  unsigned max_pendings = 10;

  /// Annex D.1.1: acknowledge every reply with a TransactionResponseAck (frees the peer's
  /// cache early). When false, only replies carrying ImmAckRequired are acknowledged.
  bool acknowledge_replies = true;

  /// Answer a request that fails to parse (with its transaction id readable) with a reply
  /// carrying the parse error (H.248.1 §8.2: errors are reported per transaction); a
  /// message-level fault gets a message-level error descriptor when the sender's mId was read.
  bool answer_malformed = true;

  /// Transactions queued to one peer in one turn share a message up to this size (ours); a
  /// transaction larger than this goes alone.
  std::size_t max_message_bytes = 4'000;

  /// First transaction id handed out (1..4294967295).
  std::uint32_t first_transaction_id = 1;
};

}  // namespace tandem::h248
