#include "proto/h248/transaction/rto_estimator.hpp"

#include <algorithm>

namespace tandem::h248 {

rto_estimator::rto_estimator(const transaction_config& config) : config_(&config), aad_(config.initial_rto) {}

void rto_estimator::sample(duration delay) {
  const duration err = delay - aad_;
  adev_ += ((err < duration::zero() ? -err : err) - adev_) / 4;
  aad_ += err / 8;
}

duration rto_estimator::first_timer() const {
  return clamp(aad_ + adev_ * static_cast<int>(config_->adev_factor));
}

duration rto_estimator::retransmit_timer(duration& working_aad, double u) const {
  if (working_aad < duration(config_->max_rto) * 2) working_aad *= 2;
  const auto random_part = std::chrono::duration_cast<duration>(
      std::chrono::duration<double, duration::period>(static_cast<double>(working_aad.count()) * (0.5 + 0.5 * u)));
  return clamp(random_part + adev_ * static_cast<int>(config_->adev_factor));
}

duration rto_estimator::clamp(duration d) const {
  return std::clamp<duration>(d, config_->min_rto, config_->max_rto);
}

}  // namespace tandem::h248
