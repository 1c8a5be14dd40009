#pragma once
/// Codecs of the backend library (tandem_codecs_backends), which links GPL-3 bcg729 and
/// libavcodec. Only the gateway (tandem-mgw) and the codec tool link it; never a binary that
/// links libpri (see DESIGN.md "Licences shape the binaries").
///   G729 (bcg729: Annex A coding, Annex B VAD/SID per encoder),
///   G723 (libavcodec G.723.1 6.3 kbit/s; only when built with TANDEM_WITH_G7231).
#include "codecs/registry.hpp"

namespace tandem::codecs {

/// Registers every backend codec built into this binary.
void register_backend_codecs(registry& reg);

/// Whether this build has G.723.1 (TANDEM_WITH_G7231).
[[nodiscard]] bool g7231_built_in() noexcept;

}  // namespace tandem::codecs
