#pragma once
/// H.248.1 Annex D.1.3: the retransmission timer of one peer, computed as in the MGCP engine
/// (RFC 3435 §3.5.3, which Annex D.1.3 follows): an exponentially smoothed average
/// acknowledgement delay (AAD) and average deviation (ADEV) from delay samples of requests
/// that were not retransmitted;
///   first timer:          AAD + N * ADEV
///   after a retransmission: the transaction's own AAD doubles and the timer is uniform in
///                         [AAD/2, AAD) plus N * ADEV (exponential backoff, desynchronised),
/// every timer clamped to [min_rto, max_rto].
#include "common/clock.hpp"
#include "proto/h248/transaction/transaction_config.hpp"

namespace tandem::h248 {

class rto_estimator {
 public:
  explicit rto_estimator(const transaction_config& config);

  void sample(duration delay);
  [[nodiscard]] duration first_timer() const;
  /// `working_aad` starts at aad() and is doubled here; `u` is uniform in [0, 1).
  [[nodiscard]] duration retransmit_timer(duration& working_aad, double u) const;
  [[nodiscard]] duration aad() const noexcept { return aad_; }
  [[nodiscard]] duration adev() const noexcept { return adev_; }

 private:
  [[nodiscard]] duration clamp(duration d) const;
  const transaction_config* config_;
  duration aad_;
  duration adev_{0};
};

}  // namespace tandem::h248
