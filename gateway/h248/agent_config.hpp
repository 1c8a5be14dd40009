#pragma once
/// What the H.248 agent is told at start-up (filled by the tandem-mgw config loader's h248
/// group, gateway/h248/h248_config.hpp, or by tests). Plain values with defaults.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/mgcp/agent_config.hpp"
#include "proto/h248/transaction/peer.hpp"

namespace tandem::gateway::h248 {

struct agent_config {
  /// The spans whose bearer timeslots become tdm/<span>/<ts> terminations (the same list the
  /// MGCP agent is given).
  std::vector<mgcp::span_config> spans;

  /// The controllers (MGCs) in order of preference: H.248.1 §11.2 registers with the first,
  /// §11.5 fails over to the next. Only these may send commands.
  std::vector<tandem::h248::peer> controllers;

  /// Most contexts at once (root/maxNumberOfContexts) and terminations in one context
  /// (root/maxTerminationsPerContext).
  unsigned max_contexts = 1024;
  unsigned max_terminations_per_context = 3;
  /// Most RTP terminations at once.
  unsigned max_rtp_terminations = 2048;

  /// Codecs offered in our Local SDP, in order of preference (as the MGCP agent's).
  std::vector<std::string> codecs{"PCMU", "PCMA", "G729", "G723"};
  bool dtmf_relay = true;
  unsigned telephone_event_payload_type = 101;
  std::chrono::milliseconds default_ptime{20};
  bool echo_cancellation_default = true;

  /// ServiceChangeProfile announced in the registration ("" for none).
  std::string profile;
  /// Protocol version announced (ServiceChangeVersion) and accepted.
  unsigned version = 1;
  /// H.248.1 §11.5: after every controller of the list failed, wait this long before trying
  /// the list again from the first.
  std::chrono::milliseconds retry_after_all_failed{5000};
  /// Timeout signals without a Duration play this long (cg, tonegen).
  std::chrono::milliseconds default_tone_duration{30'000};
  /// ct/ct: the continuity tone must come back within this (Q.724: 2 s ± 0.2 s is usual).
  std::chrono::milliseconds continuity_timeout{2000};
};

}  // namespace tandem::gateway::h248
