#pragma once
/// The random part of retransmission timers (RFC 3435 §3.5.3) and of the disconnected timer
/// (RFC 3435 §4.4.6), injectable so that tests can give exact deadlines.
#include <cstdint>
#include <memory>

namespace tandem::mgcp {

class random_source {
 public:
  virtual ~random_source() = default;
  /// A number uniformly distributed in [0, 1).
  virtual double uniform() = 0;
};

/// A pseudo-random source (std::mt19937_64) seeded with `seed`.
std::unique_ptr<random_source> make_random_source(std::uint64_t seed);

}  // namespace tandem::mgcp
