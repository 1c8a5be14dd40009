#pragma once
/// Factory functions of the backend codecs (internal; the public entry is
/// register_backend_codecs).
#include <memory>

#include "codecs/codec.hpp"

namespace tandem::codecs::impl {

std::unique_ptr<codec_factory> make_g729_factory();
#if TANDEM_WITH_G7231
std::unique_ptr<codec_factory> make_g7231_factory();
#endif

}  // namespace tandem::codecs::impl
