#pragma once
/// Codecs of the core library (tandem_codecs_core): no GPL-3 dependency, so the exchange
/// simulator (which links GPL-2-only libpri) may use them.
///   PCMU, PCMA (own G.711 tables), L16 (8 kHz, network byte order), G.722 and
///   G.726-16/24/32/40 (spandsp, LGPL-2.1), GSM 06.10 (libgsm).
#include "codecs/registry.hpp"

namespace tandem::codecs {

/// Registers every core codec into `reg`.
void register_core_codecs(registry& reg);

}  // namespace tandem::codecs
