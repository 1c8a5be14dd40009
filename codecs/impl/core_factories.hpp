#pragma once
/// Factory functions of the core codecs (internal; the public entry is register_core_codecs).
#include <memory>

#include "codecs/codec.hpp"

namespace tandem::codecs::impl {

std::unique_ptr<codec_factory> make_pcmu_factory();
std::unique_ptr<codec_factory> make_pcma_factory();
std::unique_ptr<codec_factory> make_l16_factory();
std::unique_ptr<codec_factory> make_g722_factory();
/// kbit_s: 16, 24, 32 or 40; nullptr otherwise.
std::unique_ptr<codec_factory> make_g726_factory(unsigned kbit_s);
std::unique_ptr<codec_factory> make_gsm_factory();

}  // namespace tandem::codecs::impl
