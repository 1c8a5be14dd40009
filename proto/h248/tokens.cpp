#include "proto/h248/tokens.hpp"

#include <array>
#include <cctype>

namespace tandem::h248 {
namespace {

struct spelling {
  token t;
  std::string_view long_form;
  std::string_view short_form;
};

/// H.248.1 Annex B.2 token list (version 1 and the version 2 additions EmergencyOff,
/// ImmAckRequired, AND/OR lists).
constexpr std::array table{
    spelling{token::add, "Add", "A"},
    spelling{token::and_lgc, "ANDLgc", "ANDLgc"},
    spelling{token::audit, "Audit", "AT"},
    spelling{token::audit_cap, "AuditCapability", "AC"},
    spelling{token::audit_value, "AuditValue", "AV"},
    spelling{token::authentication, "Authentication", "AU"},
    spelling{token::bothway, "Bothway", "BW"},
    spelling{token::brief, "Brief", "BR"},
    spelling{token::buffer, "Buffer", "BF"},
    spelling{token::context, "Context", "C"},
    spelling{token::context_audit, "ContextAudit", "CA"},
    spelling{token::digit_map, "DigitMap", "DM"},
    spelling{token::disconnected, "Disconnected", "DC"},
    spelling{token::delay, "Delay", "DL"},
    spelling{token::duration, "Duration", "DR"},
    spelling{token::embed, "Embed", "EM"},
    spelling{token::emergency, "Emergency", "EG"},
    spelling{token::emergency_off, "EmergencyOff", "EGO"},
    spelling{token::error, "Error", "ER"},
    spelling{token::event_buffer, "EventBuffer", "EB"},
    spelling{token::events, "Events", "E"},
    spelling{token::failover, "Failover", "FL"},
    spelling{token::forced, "Forced", "FO"},
    spelling{token::graceful, "Graceful", "GR"},
    spelling{token::h221, "H221", "H221"},
    spelling{token::h223, "H223", "H223"},
    spelling{token::h226, "H226", "H226"},
    spelling{token::handoff, "HandOff", "HO"},
    spelling{token::imm_ack_required, "ImmAckRequired", "IA"},
    spelling{token::inactive, "Inactive", "IN"},
    spelling{token::isolate, "Isolate", "IS"},
    spelling{token::in_svc, "InService", "IV"},
    spelling{token::interrupt_by_event, "IntByEvent", "IBE"},
    spelling{token::interrupt_by_new_signals, "IntBySigDescr", "IBS"},
    spelling{token::keep_active, "KeepActive", "KA"},
    spelling{token::local, "Local", "L"},
    spelling{token::local_control, "LocalControl", "O"},
    spelling{token::lock_step, "LockStep", "SP"},
    spelling{token::loopback, "Loopback", "LB"},
    spelling{token::media, "Media", "M"},
    spelling{token::megacop, "MEGACO", "!"},
    spelling{token::method, "Method", "MT"},
    spelling{token::mgc_id, "MgcIdToTry", "MG"},
    spelling{token::mode, "Mode", "MO"},
    spelling{token::modify, "Modify", "MF"},
    spelling{token::modem, "Modem", "MD"},
    spelling{token::move, "Move", "MV"},
    spelling{token::mtp, "MTP", "MTP"},
    spelling{token::mux, "Mux", "MX"},
    spelling{token::notify, "Notify", "N"},
    spelling{token::notify_completion, "NotifyCompletion", "NC"},
    spelling{token::observed_events, "ObservedEvents", "OE"},
    spelling{token::oneway, "Oneway", "OW"},
    spelling{token::on_off, "OnOff", "OO"},
    spelling{token::or_lgc, "ORLgc", "ORLgc"},
    spelling{token::other_reason, "OtherReason", "OR"},
    spelling{token::out_of_svc, "OutOfService", "OS"},
    spelling{token::packages, "Packages", "PG"},
    spelling{token::pending, "Pending", "PN"},
    spelling{token::priority, "Priority", "PR"},
    spelling{token::profile, "Profile", "PF"},
    spelling{token::reason, "Reason", "RE"},
    spelling{token::recv_only, "ReceiveOnly", "RC"},
    spelling{token::reply, "Reply", "P"},
    spelling{token::restart, "Restart", "RS"},
    spelling{token::remote, "Remote", "R"},
    spelling{token::reserved_group, "ReservedGroup", "RG"},
    spelling{token::reserved_value, "ReservedValue", "RV"},
    spelling{token::response_ack, "TransactionResponseAck", "K"},
    spelling{token::send_only, "SendOnly", "SO"},
    spelling{token::send_recv, "SendReceive", "SR"},
    spelling{token::services, "Services", "SV"},
    spelling{token::service_states, "ServiceStates", "SI"},
    spelling{token::service_change, "ServiceChange", "SC"},
    spelling{token::service_change_address, "ServiceChangeAddress", "AD"},
    spelling{token::signal_list, "SignalList", "SL"},
    spelling{token::signals, "Signals", "SG"},
    spelling{token::signal_type, "SignalType", "SY"},
    spelling{token::statistics, "Statistics", "SA"},
    spelling{token::stream, "Stream", "ST"},
    spelling{token::subtract, "Subtract", "S"},
    spelling{token::synch_isdn, "SynchISDN", "SN"},
    spelling{token::termination_state, "TerminationState", "TS"},
    spelling{token::test, "Test", "TE"},
    spelling{token::timeout, "TimeOut", "TO"},
    spelling{token::topology, "Topology", "TP"},
    spelling{token::trans, "Transaction", "T"},
    spelling{token::v18, "V18", "V18"},
    spelling{token::v22, "V22", "V22"},
    spelling{token::v22b, "V22b", "V22b"},
    spelling{token::v32, "V32", "V32"},
    spelling{token::v32b, "V32b", "V32b"},
    spelling{token::v34, "V34", "V34"},
    spelling{token::v76, "V76", "V76"},
    spelling{token::v90, "V90", "V90"},
    spelling{token::v91, "V91", "V91"},
    spelling{token::version, "Version", "V"},
};

const spelling& entry(token t) {
  for (const auto& s : table)
    if (s.t == t) return s;
  return table[0];
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view long_name(token t) { return entry(t).long_form; }
std::string_view short_name(token t) { return entry(t).short_form; }

std::optional<token> find_token(std::string_view word) {
  for (const auto& s : table)
    if (iequals(word, s.long_form) || iequals(word, s.short_form)) return s.t;
  return std::nullopt;
}

}  // namespace tandem::h248
