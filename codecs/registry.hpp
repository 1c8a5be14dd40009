#pragma once
/// The codec registry: finds codecs by SDP encoding name (case-insensitive, with clock rate and
/// channels, as an rtpmap attribute gives them) or by static RTP payload type.
///
/// Codecs are registered explicitly, never from static constructors:
///   registry reg;
///   register_core_codecs(reg);      // codecs/core_codecs.hpp    (tandem_codecs_core)
///   register_backend_codecs(reg);   // codecs/backend_codecs.hpp (tandem_codecs_backends)
/// A binary that links only the core still knows the names of the backend codecs, so asking
/// for "G729" there answers `not_built_in`, not `unknown_codec`.
///
/// Threading: fill the registry at start-up; after that it is read-only and may be shared.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "codecs/codec.hpp"
#include "common/expected.hpp"

namespace tandem::codecs {

class registry {
public:
    registry() = default;
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;
    registry(registry&&) noexcept = default;
    registry& operator=(registry&&) noexcept = default;
    ~registry();

    /// Adds a codec. A codec with the same name, clock rate and channels replaces the old one.
    void add(std::unique_ptr<codec_factory> codec);

    /// By SDP rtpmap fields: `find("pcmu", 8000)`, `find("G726-32", 8000)`, `find("G722", 8000)`.
    /// Errors: not_built_in (a codec Tandem knows but this binary lacks), unknown_codec.
    [[nodiscard]] expected<const codec_factory*, codec_error> find(std::string_view encoding_name,
                                                                   std::uint32_t clock_rate,
                                                                   std::uint8_t channels = 1) const;
    /// By name alone (the first registration of that name), for tools and config files.
    [[nodiscard]] expected<const codec_factory*, codec_error> find(
        std::string_view encoding_name) const;
    /// By static payload type (RFC 3551 Table 4). Dynamic types (96-127) are bound through SDP
    /// and so are never found here. Errors: unknown_payload_type, not_built_in.
    [[nodiscard]] expected<const codec_factory*, codec_error> find(std::uint8_t payload_type) const;

    /// Every registered codec, in registration order.
    [[nodiscard]] std::span<const std::unique_ptr<codec_factory>> all() const noexcept {
        return codecs_;
    }

private:
    std::vector<std::unique_ptr<codec_factory>> codecs_;
};

/// Whether Tandem knows a codec of this SDP name at all (in any build), case-insensitive.
[[nodiscard]] bool is_known_encoding(std::string_view encoding_name) noexcept;

}  // namespace tandem::codecs
