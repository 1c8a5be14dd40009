#pragma once
/// The SIP side of the call agent: what the call agent asks of the SIP adapter (`sip_side`,
/// outbound; callagent/sip/ implements it with Sofia-SIP) and what the adapter reports
/// (`sip_handler`, inbound), one callback per protocol event. Plain values only: no Sofia type
/// crosses this line. The SDP carried here is the one MGCP connections give and take, so a SIP
/// dialog maps onto the gateway connection of the PSTN leg (RFC 3264 offer/answer; docs/sip.md).
///
/// Threads: the adapter runs Sofia's su_root in its own thread and posts every callback to the
/// call agent's control-plane thread; the call agent calls sip_side on that thread only.
#include <cstdint>
#include <optional>
#include <string>

#include "isdn/q850_cause.hpp"
#include "common/strong_id.hpp"

namespace tandem::callagent {

using isdn::cause;  // Q.850 causes are shared with the exchange simulator (isdn/)

/// One dialog (or INVITE transaction before a dialog exists).
using sip_dialog_ref = strong_id<struct sip_dialog_ref_tag, std::uint64_t>;

/// Where a call goes on the SIP side: a configured peer (trunk) or a registered user.
struct sip_destination {
  enum class kind { peer, user } type = kind::peer;
  std::string name;
};

/// An INVITE received (the SIP side calls into the PSTN).
struct sip_invite {
  sip_dialog_ref dialog;
  std::string called;   ///< user part of the Request-URI
  std::string calling;  ///< user part of P-Asserted-Identity (RFC 3325) if any, else of From
  std::string offer;    ///< SDP offer (may be empty: offer in the ACK)
  std::string source;   ///< host of the From URI (for logs and records)
};

/// Events from the SIP adapter (inbound port).
class sip_handler {
 public:
  virtual ~sip_handler() = default;
  virtual void on_invite(const sip_invite& invite) = 0;
  /// 180 (with early media when `sdp` is set) or 183 with SDP.
  virtual void on_provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) = 0;
  /// 200 OK to our INVITE (ACK sent by the adapter), with the answer.
  virtual void on_answer(sip_dialog_ref dialog, const std::string& sdp) = 0;
  /// A final error response to our INVITE; `why` from the Reason header (RFC 3326) when present,
  /// else cause_for_sip_status(status).
  virtual void on_failure(sip_dialog_ref dialog, int status, cause why) = 0;
  /// BYE or CANCEL from the far end; the dialog is gone.
  virtual void on_hangup(sip_dialog_ref dialog, cause why) = 0;
  /// A trunk peer's OPTIONS keep-alive result changed: a peer that is down is skipped by
  /// routes (route advance), up again when it answers.
  virtual void on_peer_state(const std::string& peer, bool up) = 0;
};

/// Requests to the SIP adapter (outbound port).
class sip_side {
 public:
  virtual ~sip_side() = default;
  virtual void set_handler(sip_handler* handler) = 0;
  /// Sends INVITE with `offer` (the originating connection's SDP).
  virtual sip_dialog_ref invite(const sip_destination& to, const std::string& called, const std::string& calling,
                                const std::string& offer) = 0;
  /// 180/183 on an incoming INVITE, with early media SDP when given (PRACK if the peer asks).
  virtual void provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) = 0;
  /// 200 OK with the answer.
  virtual void answer(sip_dialog_ref dialog, const std::string& sdp) = 0;
  /// Ends the dialog the right way for its state: CANCEL, BYE, or a final error response
  /// (sip_status_for(why)), with a Reason header carrying the cause.
  virtual void hangup(sip_dialog_ref dialog, cause why) = 0;
};

}  // namespace tandem::callagent
