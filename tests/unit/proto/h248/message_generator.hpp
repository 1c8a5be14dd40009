#pragma once
/// Random H.248 messages that are valid by construction (every command, descriptor and
/// parameter form the parser accepts), for the round-trip property and the tshark test.
#include <cstdint>
#include <random>

#include "proto/h248/message.hpp"

namespace tandem::h248::test {

class message_generator {
 public:
  /// `wireshark_subset` leaves out valid constructs that Wireshark's MEGACO text dissector
  /// (tshark 4.0) flags although the grammar allows them (listed in docs/h248-conformance.md):
  /// relations, sublists and braces in quoted values of LocalControl properties, bare audit tokens and context audits
  /// in replies, ContextAudit in requests, ImmAckRequired with a transaction error, the empty
  /// Events descriptor, EventBuffer descriptors.
  explicit message_generator(std::uint32_t seed, bool wireshark_subset = false)
      : rng_(seed), wireshark_(wireshark_subset) {}
  message next();

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
  bool coin() { return pick(2) == 0; }
  std::string name(unsigned max_len = 8);
  std::string pkgd();
  std::string value();
  parm_value parm(bool simple = false);
  std::vector<property> properties(bool pkgd_names, unsigned max = 3);
  message_id mid();
  termination_id termination(bool wildcards);
  context_id context(bool request);
  std::string sdp();
  std::string timestamp();
  digit_map_value digit_map();
  request_id request();
  media_descriptor media();
  stream_parms stream(bool allow_empty);
  events_descriptor events(bool second_level);
  signals_descriptor signals();
  signal_request signal();
  observed_events_descriptor observed();
  event_spec spec();
  service_change_descriptor service_change(bool reply);
  error_descriptor error();
  context_properties context_props(bool request);
  descriptor_set request_descriptors(command_kind k);
  descriptor_set reply_descriptors(command_kind k);
  transaction_request request_transaction();
  transaction_reply reply_transaction();
  transaction_id id() { return transaction_id{1 + pick(4'000'000'000u)}; }

  std::mt19937 rng_;
  bool wireshark_;
};

}  // namespace tandem::h248::test
