#pragma once
/// The scenario language's syntax tree: what the parser produces and the executor runs.
/// Grammar and meaning of every statement: docs/scenarios.md.
///
/// A scenario file holds one or more scenarios; each has a header (name, repeat, load) and
/// the steps of one call between two legs, run in order.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tandem::lab::runner {

using std::chrono::milliseconds;

/// One end of a call: a node of the lab and a number behind it ("A:1001").
struct party {
  std::string node;
  std::string number;
};

/// Which leg a statement is about: the calling or the called one.
enum class leg_role { caller, callee };

/// Signalling milestones a leg can be expected to reach (Q.931 message names in brackets).
enum class signal_kind {
  setup,         ///< the called leg was offered the call (SETUP received)
  proceeding,    ///< CALL PROCEEDING received by the caller
  alerting,      ///< ALERTING: the caller heard ringing / the called leg is ringing
  answered,      ///< CONNECT
  disconnected,  ///< DISCONNECT sent or received
  released,      ///< RELEASE / RELEASE COMPLETE: the call is over for this leg
  busy,          ///< released with cause 17 (user busy)
};

[[nodiscard]] std::string_view to_string(signal_kind s);

/// What a leg can send on its B-channel.
enum class media_kind { tone, dtmf, marker, file, silence, echo };

[[nodiscard]] std::string_view to_string(media_kind m);

/// `call A:1001 -> B:2001 [dial 02032001]`
struct call_step {
  party caller;
  party callee;
  /// The number the caller sends in its SETUP when it differs from the number the called
  /// node receives (a call agent's route strips or adds digits); empty: the callee's number.
  std::string dial;

  [[nodiscard]] const std::string& dialled() const { return dial.empty() ? callee.number : dial; }
};

/// `answer B` (a subscriber whose behaviour is manual)
struct answer_step {
  leg_role leg = leg_role::callee;
};

/// `hangup A [cause N]`
struct hangup_step {
  leg_role leg = leg_role::caller;
  int cause = 16;  ///< Q.850 cause value, 1..127
};

/// `wait 2s` (hold time)
struct wait_step {
  milliseconds duration{0};
};

/// `expect A released [cause N] within 2s`
struct expect_signal_step {
  leg_role leg = leg_role::caller;
  signal_kind signal = signal_kind::answered;
  std::optional<int> cause;
  milliseconds within{0};
};

/// `play A tone 1020Hz -10dBm0 1s`, `play A dtmf "123"`, `play A marker`, ...
struct play_step {
  leg_role leg = leg_role::caller;
  media_kind kind = media_kind::tone;
  double tone_hz = 1000.0;
  double level_dbm0 = -10.0;
  milliseconds duration{0};  ///< 0: tone forever, file/marker to its end
  std::string digits;        ///< dtmf
  std::string media_name;    ///< file
};

/// What `expect X hears ...` looks for.
enum class hear_kind { tone, dtmf, marker, file, silence };

/// `expect B hears tone 1020Hz [-10dBm0] within 500ms`,
/// `expect B hears marker within 2s [delay below 20ms] [snr above 30dB]`,
/// `expect B hears silence for 500ms`
struct expect_media_step {
  leg_role leg = leg_role::callee;
  hear_kind kind = hear_kind::tone;
  double tone_hz = 0;
  std::optional<double> level_dbm0;
  std::string digits;
  std::string media_name;
  milliseconds within{0};  ///< silence: the length of the window
  std::optional<milliseconds> delay_below;
  std::optional<double> snr_above_db;
};

/// `expect record [codec G729] [cause 16] [route b-g729] within 3s`: the call agent's call
/// record (docs/cdr.md) of this call, written once both legs are released, says so.
struct expect_record_step {
  std::optional<std::string> codec;  ///< as in `L: a:` (PCMA, PCMU, G729, G723...)
  std::optional<int> cause;          ///< Q.850
  std::optional<std::string> route;  ///< the name of the route that matched
  milliseconds within{0};
};

/// `expect alice status 200 within 3s`: the final response a SIP leg's INVITE got
/// (RFC 3261 §21). For calls placed from a SIP user agent of the lab.
struct expect_status_step {
  leg_role leg = leg_role::caller;
  int status = 200;
  milliseconds within{0};
};

using step_body = std::variant<call_step, answer_step, hangup_step, wait_step, expect_signal_step,
                               play_step, expect_media_step, expect_record_step, expect_status_step>;

struct step {
  int line = 0;
  std::string text;  ///< the statement as written (trimmed, without comment), for reports
  step_body body;
};

/// `load 20 calls at 5/s max 4`: the scenario becomes a load test.
struct load_spec {
  unsigned calls = 1;
  double rate_per_s = 1.0;
  unsigned max_concurrent = 1;
};

struct scenario {
  std::string name;
  std::string file;
  int line = 0;
  unsigned repeat = 1;
  std::optional<load_spec> load;
  std::vector<step> steps;

  /// The call step (the parser guarantees there is exactly one, first among the steps).
  [[nodiscard]] const call_step& call() const { return std::get<call_step>(steps.front().body); }
  /// The node name of a leg.
  [[nodiscard]] const party& party_of(leg_role r) const {
    return r == leg_role::caller ? call().caller : call().callee;
  }
};

}  // namespace tandem::lab::runner
