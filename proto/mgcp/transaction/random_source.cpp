#include "proto/mgcp/transaction/random_source.hpp"

#include <random>

namespace tandem::mgcp {
namespace {

class mt_random_source final : public random_source {
 public:
  explicit mt_random_source(std::uint64_t seed) : engine_(seed) {}
  double uniform() override { return dist_(engine_); }

 private:
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

}  // namespace

std::unique_ptr<random_source> make_random_source(std::uint64_t seed) {
  return std::make_unique<mt_random_source>(seed);
}

}  // namespace tandem::mgcp
