#include "codecs/core_codecs.hpp"

#include "codecs/impl/core_factories.hpp"

namespace tandem::codecs {

void register_core_codecs(registry& reg) {
    reg.add(impl::make_pcmu_factory());
    reg.add(impl::make_pcma_factory());
    reg.add(impl::make_g722_factory());
    for (unsigned rate : {16u, 24u, 32u, 40u}) reg.add(impl::make_g726_factory(rate));
    reg.add(impl::make_gsm_factory());
    reg.add(impl::make_l16_factory());
}

}  // namespace tandem::codecs
