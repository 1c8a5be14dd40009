#pragma once
/// Configuration of the exchange simulator (`tandem-pstn`): its spans, the subscribers behind
/// each span and how they behave, media files, and the control interface. Plain structs with
/// defaults; load_pstn_config() fills them from a libconfig file and validate() checks the
/// cross-field rules. See docs/configuration.md (section "pstn").
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config_error.hpp"
#include "common/expected.hpp"
#include "ops/ops_config.hpp"
#include "tdm/span.hpp"

namespace tandem::lab::pstn {

/// Which side of the user-network interface the exchange plays (Q.931 §2.3 / ETSI 300 102).
enum class interface_side { network, cpe };

/// Q.931 dialect spoken on a span's D-channel.
enum class switch_type { euroisdn_e1, ni2 };

/// Who opens the sim span's socket.
enum class socket_role { listen, connect };

/// Who keeps the span's clock. The network is the master, as on a real E1; a CPE-mode exchange
/// (back-to-back tests) is the slave.
enum class clock_role { master, slave };

/// What a subscriber does with an incoming call.
enum class subscriber_behaviour {
  answer,     ///< ALERTING, then CONNECT after answer_after
  busy,       ///< DISCONNECT/RELEASE with cause 17 user busy
  no_answer,  ///< ALERTING and nothing more (caller gives up, or cause 19 after no_answer_after)
  reject,     ///< clears with `cause` right after SETUP
  manual,     ///< ALERTING, then waits for the control interface's "answer" or "hangup"
};

/// What a subscriber does with the B-channel once it answered.
enum class answer_media { none, echo, tone };

struct subscriber_config {
  std::string number;
  subscriber_behaviour behaviour = subscriber_behaviour::answer;
  std::chrono::milliseconds answer_after{0};
  /// no_answer: clear with cause 19 after this long; 0 waits for the caller forever.
  std::chrono::milliseconds no_answer_after{0};
  /// reject: the Q.850 cause value (1..127).
  int cause = 21;
  answer_media media = answer_media::none;
  double tone_hz = 1000.0;   ///< media = tone
  double tone_dbm0 = -10.0;  ///< media = tone
};

struct span_config {
  unsigned number = 1;
  tdm::span_type type = tdm::span_type::e1;
  switch_type switch_kind = switch_type::euroisdn_e1;
  std::string socket_path;
  socket_role role = socket_role::listen;
  /// Default: master in network mode, slave in cpe mode.
  clock_role clock = clock_role::master;
  std::chrono::milliseconds tick{10};
  /// How long loss of signal must last (no block at all from the peer) before the span's
  /// calls are cleared with cause 38 (a carrier group alarm; T1 declares red alarm after
  /// 2.5 s of LOS). Shorter outages, e.g. a loaded host missing a few ticks, leave calls up.
  std::chrono::milliseconds los_hold{2500};
  std::vector<subscriber_config> subscribers;
};

/// A WAV file loaded at start-up, played by name.
struct media_file_config {
  std::string name;
  std::string file;
};

struct control_config {
  std::string address = "127.0.0.1";
  unsigned port = 0;  ///< 0: the system picks a free port, printed on start-up
};

struct pstn_config {
  interface_side side = interface_side::network;
  control_config control;
  /// Seconds of received audio kept per call for analysis.
  unsigned record_seconds = 20;
  std::vector<span_config> spans;
  std::vector<media_file_config> media;
  /// `metrics = { address; port; }` and `ops_control = { socket; }`: the operations endpoint
  /// and the tandem-ctl socket (docs/pstn.md, docs/ctl.md). `control` is the JSON-lines
  /// interface above.
  tandem::ops::ops_config ops;
};

/// Loads and validates a configuration file. All errors are returned together, each with its
/// setting path and line. Relative media paths resolve against the file's folder.
[[nodiscard]] expected<pstn_config, config::config_errors> load_pstn_config(const std::string& file);
/// The same from text (tests); `base_dir` resolves relative media paths.
[[nodiscard]] expected<pstn_config, config::config_errors> parse_pstn_config(
    std::string_view text, const std::string& base_dir = ".");

/// Cross-field rules: unique span numbers and socket paths, unique subscriber numbers per span,
/// a switch type that fits the span type, unique media names.
[[nodiscard]] config::config_errors validate(const pstn_config& config);

}  // namespace tandem::lab::pstn
