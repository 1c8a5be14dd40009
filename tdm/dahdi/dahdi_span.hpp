#pragma once
/// The dahdi span backend: a real E1/T1 card through DAHDI channel devices, behind the same
/// span interface as the sim backend. No DAHDI header here: callers compile without it.
///
/// Built only when the DAHDI user header was found at configure time (tandem_tdm then defines
/// TANDEM_HAVE_DAHDI=1); otherwise create_dahdi_span() reports that it is not built.
/// It has never run against a card in this project's CI (there is none): see docs/tdm.md.
///
/// The card is the clock: the span's thread sleeps in poll() on the bearer channels and a tick
/// is one block read from them (DAHDI_SET_BLOCKSIZE = 8 samples per ms of tick). The D-channel
/// channel is put in HDLC FCS mode (DAHDI_HDLCFCSMODE): each read() is one frame followed by
/// its 2 FCS octets, each write() one frame followed by 2 octets the driver replaces with the FCS.
///
/// Threads: as the sim span. One clock thread per span (started by start(), joined by stop())
/// owns the file descriptors and makes every span_handler call; send_dchannel_frame(),
/// alarms() and stats() may be called from any thread.
#include <chrono>
#include <memory>
#include <string>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "tdm/span.hpp"

namespace tandem::tdm {

struct dahdi_span_config {
  span_number number{1};
  span_layout layout = span_layout::e1();
  /// DAHDI channel number of the span's first channel (as in /etc/dahdi/system.conf and
  /// `dahdi_scan`): E1 timeslot n (1..31) is channel first_channel + n - 1, T1 channel n
  /// (1..24) is first_channel + n - 1.
  unsigned first_channel = 1;
  /// The generic channel selector device.
  std::string device = "/dev/dahdi/channel";
  /// Tick period, 1..20 ms (DAHDI block size = 8 * tick samples).
  std::chrono::milliseconds tick{10};
  /// Open the D-channel (E1 TS16, T1 channel 24) in HDLC FCS mode; false for a span without
  /// a D-channel (CAS, or NFAS secondary spans), whose D-channel slot is then unused.
  bool dchannel = true;
  /// DAHDI_AUDIOMODE on bearers: false = clear channel (octets pass bit-exact, what a media
  /// gateway wants), true = DAHDI's audio processing (its gains and echo canceller).
  bool audio_mode = false;
  unsigned dchannel_queue_depth = 64;
  /// Named counters ("span<N>.dahdi.*", docs/tdm.md); a private set when null.
  counter_set* counters = nullptr;
};

/// Checks the fields; the error names the offending field.
[[nodiscard]] expected<void, std::string> validate(const dahdi_span_config& config);

/// Opens and configures every channel of the span (DAHDI_SPECIFY, DAHDI_SET_BLOCKSIZE,
/// DAHDI_SETLAW, DAHDI_AUDIOMODE, DAHDI_HDLCFCSMODE). Errors name the channel, the device and
/// the failing call, e.g. "channel 1: open /dev/dahdi/channel: No such file or directory".
[[nodiscard]] expected<std::unique_ptr<span>, std::string> create_dahdi_span(
    const dahdi_span_config& config);

/// True when this build includes the dahdi backend.
[[nodiscard]] bool dahdi_backend_built();

}  // namespace tandem::tdm
