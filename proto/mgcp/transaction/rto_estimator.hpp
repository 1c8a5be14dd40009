#pragma once
/// RFC 3435 §3.5.3: the retransmission timer of one peer, from an exponentially smoothed
/// average acknowledgement delay (AAD) and average deviation (ADEV):
///
///   on a delay sample DEL (only from transactions that were not retransmitted):
///     ADEV = 3/4 ADEV + 1/4 |DEL - AAD|,  AAD = 7/8 AAD + 1/8 DEL
///   first timer of a transaction:   AAD + N * ADEV
///   after each retransmission:      the transaction's AAD doubles, and the timer is a value
///                                   uniform in [AAD/2, AAD) plus N * ADEV
///
/// every timer clamped to [min_rto, max_rto]. The doubling gives the exponential backoff, the
/// random part breaks synchronisation between retransmissions triggered by one event.
#include "common/clock.hpp"
#include "proto/mgcp/transaction/transaction_config.hpp"

namespace tandem::mgcp {

class rto_estimator {
 public:
  explicit rto_estimator(const transaction_config& config);

  /// Feeds one acknowledgement delay (send to response, no retransmission in between).
  void sample(duration delay);

  /// The timer after a transaction's first transmission.
  [[nodiscard]] duration first_timer() const;

  /// The timer after a retransmission. `working_aad` is the transaction's own AAD (start it
  /// at aad()); it is doubled here. `u` is uniform in [0, 1).
  [[nodiscard]] duration retransmit_timer(duration& working_aad, double u) const;

  [[nodiscard]] duration aad() const noexcept { return aad_; }
  [[nodiscard]] duration adev() const noexcept { return adev_; }

 private:
  [[nodiscard]] duration clamp(duration d) const;

  const transaction_config* config_;
  duration aad_;
  duration adev_{0};
};

}  // namespace tandem::mgcp
