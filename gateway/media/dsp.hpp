#pragma once
/// Signal processing blocks of the media pipeline, each wrapping one third-party detector or
/// generator behind a small class (spandsp and speexdsp types stay in the .cpp files):
///   dtmf_detector        in-band DTMF (spandsp dtmf_rx, ITU-T Q.24 limits)
///   dtmf_generator       DTMF regeneration from RFC 4733 events (spandsp dtmf_tx)
///   answer_tone_detector V.25 2100 Hz answer tone with phase reversals (spandsp
///                        modem_connect_tones_rx): the G.165/G.168 echo canceller disabler
///   echo_canceller       line echo canceller toward the trunk (speexdsp MDF)
///
/// Memory: everything is allocated by the constructor (control thread); the per-block calls never
/// allocate. Threading: one object belongs to one connection and so to one media thread.
#include <cstdint>
#include <memory>
#include <span>

namespace tandem::gateway::media {

/// Start and end of DTMF digits as they are detected, block by block.
class dtmf_detector {
public:
    dtmf_detector();
    ~dtmf_detector();
    dtmf_detector(const dtmf_detector&) = delete;
    dtmf_detector& operator=(const dtmf_detector&) = delete;

    struct result {
        char started = 0;  ///< digit that started in this block, or 0
        bool ended = false;  ///< the digit in progress ended in this block
    };
    /// Feeds one block of 8 kHz linear samples.
    result process(std::span<const std::int16_t> pcm) noexcept;
    /// The digit currently sounding, or 0.
    [[nodiscard]] char current() const noexcept { return current_; }
    void reset() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    char current_ = 0;
};

/// Plays DTMF digits for as long as an event lasts (at least `min_ms`).
class dtmf_generator {
public:
    dtmf_generator();
    ~dtmf_generator();
    dtmf_generator(const dtmf_generator&) = delete;
    dtmf_generator& operator=(const dtmf_generator&) = delete;

    /// Starts a digit ('0'-'9', '*', '#', 'A'-'D'); false for any other character.
    bool start(char digit) noexcept;
    /// Ends the digit once it has sounded at least the minimum duration.
    void stop() noexcept;
    /// Writes the next block: the tone, or nothing (returns false) when idle.
    bool generate(std::span<std::int16_t> pcm) noexcept;
    [[nodiscard]] bool active() const noexcept { return digit_ != 0; }
    [[nodiscard]] char digit() const noexcept { return digit_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    char digit_ = 0;
    bool stopping_ = false;
    unsigned played_ = 0;  ///< samples of the current digit so far
};

/// ITU-T V.25 answer tone (2100 Hz) with phase reversals every 450 ms: modems and fax in
/// V.34 mode ask for echo cancellers to be disabled with it (ITU-T G.168 §9).
class answer_tone_detector {
public:
    answer_tone_detector();
    ~answer_tone_detector();
    answer_tone_detector(const answer_tone_detector&) = delete;
    answer_tone_detector& operator=(const answer_tone_detector&) = delete;
    /// True on the block in which the tone is first recognised.
    bool process(std::span<const std::int16_t> pcm) noexcept;
    void reset() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    bool detected_ = false;
};

/// Line echo canceller: removes from what the trunk sends us (`near`) the echo of what we sent
/// to the trunk (`far`), over a tail of up to 128 ms.
class echo_canceller {
public:
    /// `block` samples per call, `tail_ms` echo path length (clamped to 8..128 ms).
    echo_canceller(unsigned block, unsigned tail_ms);
    ~echo_canceller();
    echo_canceller(const echo_canceller&) = delete;
    echo_canceller& operator=(const echo_canceller&) = delete;
    /// `out` = `near` minus the estimated echo of `far`; all three have `block` samples.
    void process(std::span<const std::int16_t> near, std::span<const std::int16_t> far,
                 std::span<std::int16_t> out) noexcept;
    void reset() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tandem::gateway::media
