#pragma once
/// Packet loss concealment for codecs without their own: spandsp's PLC (pitch-period
/// repetition with fade-out, in the manner of ITU-T G.711 Appendix I). Internal header.
#include <cstdint>
#include <span>

namespace tandem::codecs::impl {

class generic_plc {
public:
    generic_plc();
    ~generic_plc();
    generic_plc(const generic_plc&) = delete;
    generic_plc& operator=(const generic_plc&) = delete;

    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    /// Good audio: remembered as history, and smoothed in place after a concealed stretch.
    void received(std::span<std::int16_t> pcm) noexcept;
    /// Lost audio: synthesised into `pcm`.
    void conceal(std::span<std::int16_t> pcm) noexcept;
    void reset() noexcept;

private:
    void* state_;  // spandsp plc_state_t (an anonymous struct: cannot be forward-declared)
};

}  // namespace tandem::codecs::impl
