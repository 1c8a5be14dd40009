#pragma once
/// Sample-rate conversion between codec linear sides (speexdsp). Internal header.
#include <cstddef>
#include <cstdint>
#include <span>

struct SpeexResamplerState_;

namespace tandem::codecs::impl {

class resampler {
public:
    /// speexdsp quality 0..10; 3 is its "VoIP" setting.
    resampler(std::uint32_t in_rate, std::uint32_t out_rate, int quality = 3);
    ~resampler();
    resampler(const resampler&) = delete;
    resampler& operator=(const resampler&) = delete;

    [[nodiscard]] bool ok() const noexcept { return state_ != nullptr; }
    /// Converts all of `in`; returns the samples written to `out` (sized by the caller for
    /// in.size() * out_rate / in_rate + 1). Never allocates.
    std::size_t process(std::span<const std::int16_t> in, std::span<std::int16_t> out) noexcept;
    void reset() noexcept;

private:
    SpeexResamplerState_* state_;
};

}  // namespace tandem::codecs::impl
