#pragma once
/// The tones the gateway plays for MGCP signals (RFC 3660 packages G, T; DTMF digits of D are
/// played by spandsp's dtmf_tx, see tone_player.hpp), with their frequencies, levels and
/// cadences. Values follow ITU-T E.180 (and its Supplement 2 for the 425 Hz plan) and ITU-T
/// Q.35 where they define the tone; docs/media.md has the table and says where a value is our
/// own choice.
#include <array>
#include <cstdint>
#include <string_view>

namespace tandem::gateway::media {

/// One signal the media plane can play. `dtmf` digits carry their digit separately.
enum class signal_tone : std::uint8_t {
    none,
    ringback,         ///< G/rt, G/rbk: 425 Hz, 1 s on, 4 s off (E.180 ringing tone)
    busy,             ///< T/bz: 425 Hz, 0.5 s on, 0.5 s off (E.180 busy tone)
    congestion,       ///< G/cg: 425 Hz, 0.25 s on, 0.25 s off (E.180 congestion tone)
    reorder,          ///< T/ro: the congestion cadence (reorder is its North American name)
    confirmation,     ///< G/cf: 425 Hz, three 100 ms bursts 100 ms apart, then stops (brief)
    intercept,        ///< G/it: special information tone, 950/1400/1800 Hz (E.180 §7)
    no_circuit,       ///< T/zz: special information tone as for intercept
    preemption,       ///< G/pt: 440 + 620 Hz steady (our choice: the DSN preemption tone)
    continuity,       ///< T/co1, and the return tone of T/co2: 2010 Hz steady, -12 dBm0
    continuity_go,    ///< T/co2 go tone: 1780 Hz steady, -12 dBm0 (dual-tone procedure)
    milliwatt_old,    ///< T/om: 1000 Hz, 0 dBm0
    milliwatt_new,    ///< T/nm: 1004 Hz, 0 dBm0
    test_line,        ///< T/tl: 1004 Hz, -16 dBm0 (our choice)
    quiet,            ///< T/qt: silence toward the line (quiet termination)
    loopback,         ///< T/lb: the line's audio looped back to the line (no tone)
    dtmf,             ///< D/0..D/D: spandsp dtmf_tx, 100 ms tone, 100 ms pause per digit
};

/// One step of a cadence: up to two frequencies summed (0 Hz: none), level per frequency.
struct tone_step {
    std::uint16_t f1 = 0, f2 = 0;
    std::int8_t level_dbm0 = -13;
    std::uint16_t ms = 0;
};

struct tone_plan {
    signal_tone tone = signal_tone::none;
    std::array<tone_step, 6> steps{};
    std::uint8_t count = 0;   ///< steps used
    bool repeat = true;       ///< false: the signal ends after the last step (brief)
};

/// The plan of a tone (the `none`/`quiet`/`dtmf` plans have no steps).
[[nodiscard]] const tone_plan& plan_of(signal_tone t) noexcept;
[[nodiscard]] std::string_view to_string(signal_tone t) noexcept;

}  // namespace tandem::gateway::media
