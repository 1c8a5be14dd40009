#pragma once
/// H.248.1 messages in the text encoding (Annex B): a header (version, mId) and either an
/// error descriptor or a list of transactions (§8): requests, replies, pendings and response
/// acknowledgements. Requests carry actions (one per context, §6.1) holding commands (§7.2);
/// replies carry the matching action replies.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/h248/descriptors.hpp"
#include "proto/h248/identifiers.hpp"

namespace tandem::h248 {

/// §7.2 commands.
enum class command_kind { add, modify, subtract, move, audit_value, audit_capabilities, notify, service_change };

/// The descriptors a command or a command reply carries. Which may appear depends on the
/// command (Annex B ammParameter, auditReturnParameter...); the parser enforces it (447).
struct descriptor_set {
  std::optional<media_descriptor> media;
  std::optional<modem_descriptor> modem;
  std::optional<mux_descriptor> mux;
  std::optional<events_descriptor> events;
  std::optional<signals_descriptor> signals;
  std::optional<digit_map_descriptor> digit_map;
  std::optional<event_buffer_descriptor> event_buffer;
  std::optional<audit_descriptor> audit;
  std::optional<observed_events_descriptor> observed_events;
  std::optional<statistics_descriptor> statistics;
  std::optional<packages_descriptor> packages;
  std::optional<service_change_descriptor> service_change;
  std::optional<error_descriptor> error;
  /// Bare audit tokens in an audit reply (`Signals, DigitMap` with no value), in order.
  std::vector<audit_item> audited;
  [[nodiscard]] bool empty() const {
    return !media && !modem && !mux && !events && !signals && !digit_map && !event_buffer &&
           !audit && !observed_events && !statistics && !packages && !service_change && !error &&
           audited.empty();
  }
  friend bool operator==(const descriptor_set&, const descriptor_set&) = default;
};

/// commandRequest with its `O-` (optional: the transaction goes on if it fails, §8.2.2) and
/// `W-` (wildcarded response: one reply for all matched terminations, §6.2.2) prefixes.
struct command_request {
  command_kind kind = command_kind::add;
  bool optional = false;
  bool wildcard_reply = false;
  termination_id termination;
  descriptor_set descriptors;
  friend bool operator==(const command_request&, const command_request&) = default;
};

/// commandReplys. An audit of a whole context (`AuditValue = Context {t1, t2}`, Annex B
/// contextTerminationAudit) sets context_audit and lists the terminations (or an error in
/// descriptors.error).
struct command_reply {
  command_kind kind = command_kind::add;
  termination_id termination;
  bool context_audit = false;
  std::vector<termination_id> context_terminations;
  descriptor_set descriptors;
  friend bool operator==(const command_reply&, const command_reply&) = default;
};

/// contextProperty / contextAudit (§6.1.3, Annex B): priority 0..15, emergency, topology.
enum class context_audit_item { topology, emergency, priority };
struct context_properties {
  std::optional<std::uint16_t> priority;
  std::optional<bool> emergency;  ///< true `Emergency`, false `EmergencyOff` (version 2)
  std::vector<topology_triple> topology;
  std::vector<context_audit_item> audit;  ///< `ContextAudit { ... }` (requests only)
  [[nodiscard]] bool empty() const {
    return !priority && !emergency && topology.empty() && audit.empty();
  }
  friend bool operator==(const context_properties&, const context_properties&) = default;
};

struct action_request {
  context_id context;
  context_properties properties;
  std::vector<command_request> commands;
  friend bool operator==(const action_request&, const action_request&) = default;
};

struct action_reply {
  context_id context;
  context_properties properties;
  std::vector<command_reply> commands;
  std::optional<error_descriptor> error;
  friend bool operator==(const action_reply&, const action_reply&) = default;
};

/// transactionRequest (§8.2.1).
struct transaction_request {
  transaction_id id{1};
  std::vector<action_request> actions;
  friend bool operator==(const transaction_request&, const transaction_request&) = default;
};

/// transactionReply (§8.2.3): actions, or one error for the whole transaction.
struct transaction_reply {
  transaction_id id{1};
  /// ImmAckRequired (version 2; Annex D.1.4 in version 1 asks for acks through this too).
  bool immediate_ack_required = false;
  std::optional<error_descriptor> error;
  std::vector<action_reply> actions;
  friend bool operator==(const transaction_reply&, const transaction_reply&) = default;
};

/// transactionPending (§8.2.2): the request is being worked on.
struct transaction_pending {
  transaction_id id{1};
  friend bool operator==(const transaction_pending&, const transaction_pending&) = default;
};

/// transactionAck: one id or a range `first-last`.
struct transaction_ack_range {
  transaction_id first{1};
  transaction_id last{1};
  friend bool operator==(const transaction_ack_range&, const transaction_ack_range&) = default;
};

/// transactionResponseAck (Annex D.1.4): replies that need no more retransmission.
struct transaction_response_ack {
  std::vector<transaction_ack_range> ranges;
  friend bool operator==(const transaction_response_ack&, const transaction_response_ack&) = default;
};

using transaction = std::variant<transaction_request, transaction_reply, transaction_pending,
                                 transaction_response_ack>;

/// A whole message (Annex B megacoMessage; the authentication header is not supported).
struct message {
  unsigned version = 1;
  message_id sender;
  /// messageBody: an error for the whole message, or transactions.
  std::optional<error_descriptor> error;
  std::vector<transaction> transactions;
  friend bool operator==(const message&, const message&) = default;
};

/// "Add", "AuditValue"...
std::string_view command_name(command_kind k);

}  // namespace tandem::h248
