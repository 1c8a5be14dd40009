#pragma once
/// Plays one MGCP signal at a time into blocks of 8 kHz linear samples: the cadenced tones of
/// tone_plan.hpp (own phase-accumulating oscillators: the special information tone steps
/// through three frequencies, which spandsp's tone_gen cannot) and DTMF digits (spandsp
/// dtmf_tx, queued: "S: D/1, D/2" plays 1 then 2).
///
/// Memory: the constructor (control thread) allocates the DTMF generator; start, queue_digit,
/// stop and generate never allocate. Threading: owned by one endpoint, so one media thread.
#include <cstdint>
#include <memory>
#include <span>

#include "gateway/media/tone_plan.hpp"

namespace tandem::gateway::media {

class tone_player {
public:
    tone_player();
    ~tone_player();
    tone_player(const tone_player&) = delete;
    tone_player& operator=(const tone_player&) = delete;

    /// Starts a tone from its first step (replacing whatever played). `dtmf`: use queue_digit.
    void start(signal_tone t) noexcept;
    /// Queues a DTMF digit ('0'-'9', '*', '#', 'A'-'D'); a tone that played is replaced.
    /// False for any other character, or when 32 digits already wait.
    bool queue_digit(char digit) noexcept;
    /// Stops the current signal.
    void stop() noexcept;
    /// Writes the next block. False (and the block untouched) when nothing plays; `quiet`
    /// writes silence and returns true (it overrides the line's audio).
    bool generate(std::span<std::int16_t> out) noexcept;
    [[nodiscard]] signal_tone current() const noexcept { return tone_; }
    [[nodiscard]] bool active() const noexcept { return tone_ != signal_tone::none; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    signal_tone tone_ = signal_tone::none;
    unsigned step_ = 0;
    unsigned step_left_ = 0;  ///< samples left in the current step
    double phase1_ = 0, phase2_ = 0;
    int amp_level_ = 1000;  ///< dBm0 of amp_ (1000: not computed yet)
    double amp_ = 0;
    unsigned digits_queued_ = 0;
};

/// Whether one frequency dominates a block (Goertzel): the share of the block's energy at `hz`
/// is above `min_share` and the level above about -40 dBm0. Used for the continuity test tones
/// (2010 Hz, 1780 Hz). No allocation.
class tone_detector {
public:
    explicit tone_detector(double hz, double min_share = 0.6) noexcept;
    [[nodiscard]] bool present(std::span<const std::int16_t> block) const noexcept;

private:
    double coeff_ = 0;
    double min_share_ = 0.6;
};

}  // namespace tandem::gateway::media
