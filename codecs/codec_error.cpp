#include "codecs/codec.hpp"

namespace tandem::codecs {

std::string_view to_string(codec_error e) noexcept {
    switch (e) {
        case codec_error::wrong_frame_length: return "wrong_frame_length";
        case codec_error::truncated_frame: return "truncated_frame";
        case codec_error::invalid_frame: return "invalid_frame";
        case codec_error::buffer_too_small: return "buffer_too_small";
        case codec_error::unknown_payload_type: return "unknown_payload_type";
        case codec_error::unknown_codec: return "unknown_codec";
        case codec_error::not_built_in: return "not_built_in";
        case codec_error::unsupported_ptime: return "unsupported_ptime";
        case codec_error::unsupported_option: return "unsupported_option";
        case codec_error::backend_failure: return "backend_failure";
    }
    return "unknown_error";
}

}  // namespace tandem::codecs
