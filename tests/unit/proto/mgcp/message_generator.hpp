#pragma once
/// Random MGCP messages within the RFC 3435 grammar, for round-trip property tests, the
/// benchmark and fuzz seeds. Deterministic for a given seed.
#include <cstdint>
#include <random>

#include "proto/mgcp/message.hpp"

namespace tandem::mgcp::test {

class message_generator {
 public:
  explicit message_generator(std::uint32_t seed) : rng_(seed) {}
  message next();

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(1, 100) <= percent; }
  std::string word(int min_len, int max_len, std::string_view alphabet);
  std::string hex(int min_len, int max_len);
  endpoint_name endpoint();
  event_name event(bool allow_connection);
  std::vector<event_parameter> event_parameters();
  std::vector<requested_event> requested_events(int depth);
  std::vector<parameterized_event> parameterized_events();
  local_connection_options options(bool capabilities);
  digit_map digits();
  parameter_set params();
  std::string session();

  std::mt19937 rng_;
};

}  // namespace tandem::mgcp::test
