#include "codecs/backend_codecs.hpp"

#include "codecs/impl/backend_factories.hpp"

namespace tandem::codecs {

void register_backend_codecs(registry& reg) {
    reg.add(impl::make_g729_factory());
#if TANDEM_WITH_G7231
    reg.add(impl::make_g7231_factory());
#endif
}

bool g7231_built_in() noexcept { return TANDEM_WITH_G7231 != 0; }

}  // namespace tandem::codecs
