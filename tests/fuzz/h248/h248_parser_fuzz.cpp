/// libFuzzer target: any bytes through the H.248 parser (with and without SDP checking);
/// every message that parses must serialise, in both forms, to text that parses back to an
/// equal value, and every error must point inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tandem::h248;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool validate_sdp : {true, false}) {
    parse_options po;
    po.validate_sdp = validate_sdp;
    auto m = parse_message(input, po);
    if (!m) {
      if (m.error().position > size) std::abort();
      continue;
    }
    for (bool compact : {false, true}) {
      const std::string text = serialize(*m, serialize_options{compact});
      auto again = parse_message(text, po);
      if (!again || !(*again == *m)) std::abort();
    }
  }
  return 0;
}
