/// libFuzzer target: any bytes through the datagram parser; every message that parses must
/// serialise and parse back to an equal value, and every error must point inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tandem::mgcp;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool validate_sdp : {true, false}) {
    parse_options po;
    po.validate_sdp = validate_sdp;
    for (auto& result : parse_datagram(input, po)) {
      if (!result) {
        if (result.error().position > size) std::abort();
        continue;
      }
      const std::string text = serialize(*result);
      auto again = parse_message(text, po);
      if (!again || !(*again == *result)) std::abort();
    }
  }
  return 0;
}
