#pragma once
/// The keywords of the H.248.1 text encoding (Annex B.2, "Tokens"), each with its long
/// (pretty) and short (compact) spelling. Tokens are case-insensitive (Annex B: "ABNF strings
/// are case-insensitive").
#include <optional>
#include <string_view>

namespace tandem::h248 {

enum class token {
  add, and_lgc, audit, audit_cap, audit_value, authentication, bothway, brief, buffer,
  context, context_audit, digit_map, disconnected, delay, duration, embed, emergency,
  emergency_off, error, event_buffer, events, failover, forced, graceful, h221, h223, h226,
  handoff, imm_ack_required, inactive, isolate, in_svc, interrupt_by_event,
  interrupt_by_new_signals, keep_active, local, local_control, lock_step, loopback, media,
  megacop, method, mgc_id, mode, modify, modem, move, mtp, mux, notify, notify_completion,
  observed_events, oneway, on_off, or_lgc, other_reason, out_of_svc, packages, pending,
  priority, profile, reason, recv_only, reply, restart, remote, reserved_group,
  reserved_value, response_ack, send_only, send_recv, services, service_states,
  service_change, service_change_address, signal_list, signals, signal_type, statistics,
  stream, subtract, synch_isdn, termination_state, test, timeout, topology, trans,
  v18, v22, v22b, v32, v32b, v34, v76, v90, v91, version,
};

/// "ServiceChange" / "SC". For tokens that have no short form both are the same.
std::string_view long_name(token t);
std::string_view short_name(token t);
/// The spelling for the chosen form.
inline std::string_view token_text(token t, bool compact) {
  return compact ? short_name(t) : long_name(t);
}

/// Case-insensitive lookup of either spelling.
std::optional<token> find_token(std::string_view word);

/// ASCII case-insensitive comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace tandem::h248
