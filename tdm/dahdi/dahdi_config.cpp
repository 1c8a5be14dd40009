/// dahdi_span_config validation; built with or without the DAHDI header.
#include <fmt/format.h>

#include "tdm/dahdi/dahdi_span.hpp"

namespace tandem::tdm {

expected<void, std::string> validate(const dahdi_span_config& c) {
  if (c.number.value() == 0) return make_unexpected(std::string("number: must be 1 or more"));
  if (c.first_channel == 0)
    return make_unexpected(std::string("first_channel: DAHDI channels start at 1"));
  // DAHDI_SPECIFY takes an int; keep the last channel of the span well inside it.
  if (c.first_channel > 65535)
    return make_unexpected(fmt::format("first_channel: {} is beyond DAHDI's channel numbers",
                                       c.first_channel));
  if (c.device.empty()) return make_unexpected(std::string("device: empty"));
  if (c.tick.count() < 1 || c.tick.count() > 20)
    return make_unexpected(fmt::format("tick: {} ms, must be 1..20 ms", c.tick.count()));
  if (c.dchannel_queue_depth < 1 || c.dchannel_queue_depth > 4096)
    return make_unexpected(std::string("dchannel_queue_depth: must be 1..4096"));
  return {};
}

#ifndef TANDEM_HAVE_DAHDI
expected<std::unique_ptr<span>, std::string> create_dahdi_span(const dahdi_span_config& config) {
  if (auto ok = validate(config); !ok) return make_unexpected(ok.error());
  return make_unexpected(
      std::string("dahdi backend not built: the DAHDI header (dahdi/user.h) was not found"));
}

bool dahdi_backend_built() { return false; }
#endif

}  // namespace tandem::tdm
