#include <algorithm>

#include "gateway/media/connection.hpp"

namespace tandem::gateway::media {

const char* to_string(media_error e) noexcept {
    switch (e) {
        case media_error::unknown_endpoint: return "unknown_endpoint";
        case media_error::unknown_connection: return "unknown_connection";
        case media_error::too_many_connections: return "too_many_connections";
        case media_error::unsupported_codec: return "unsupported_codec";
        case media_error::unsupported_ptime: return "unsupported_ptime";
        case media_error::bad_payload_type: return "bad_payload_type";
        case media_error::bad_address: return "bad_address";
        case media_error::no_port: return "no_port";
        case media_error::bind_failed: return "bind_failed";
        case media_error::codec_failure: return "codec_failure";
        case media_error::queue_full: return "queue_full";
        case media_error::bad_config: return "bad_config";
    }
    return "?";
}

expected<std::unique_ptr<codec_pipeline>, media_error> codec_pipeline::create(
    const codec_choice& c, unsigned tick_samples) {
    if (c.codec == nullptr) return make_unexpected(media_error::unsupported_codec);
    const auto& info = c.codec->info();
    // The pipeline runs at the trunk's 8 kHz; wide-band codecs would need resampling.
    if (info.sample_rate != 8000 || info.clock_rate != 8000 || info.channels != 1)
        return make_unexpected(media_error::unsupported_codec);
    if (c.payload_type > 127) return make_unexpected(media_error::bad_payload_type);
    const std::size_t frames = info.frames_per_packet(c.ptime);
    if (frames == 0 || tick_samples == 0) return make_unexpected(media_error::unsupported_ptime);
    auto p = std::make_unique<codec_pipeline>();
    p->choice = c;
    auto enc = c.codec->make_encoder(codecs::encoder_options{.vad = c.vad && info.has_vad});
    auto dec = c.codec->make_decoder();
    if (!enc || !dec) return make_unexpected(media_error::codec_failure);
    p->encoder = std::move(*enc);
    p->decoder = std::move(*dec);
    p->samples_per_packet = frames * info.samples_per_frame;
    p->encode_buffer.assign(p->samples_per_packet, 0);
    p->payload_buffer.assign(frames * info.bytes_per_frame + 16, 0);
    // Incoming packets may use any ptime up to the codec's maximum (RFC 3551 §4.2: a receiver
    // should accept packets of any whole number of frames up to 200 ms).
    const std::size_t max_samples =
        static_cast<std::size_t>(info.max_ptime.count()) * 8 + info.samples_per_frame;
    p->decode_buffer.assign(std::max<std::size_t>(max_samples, p->samples_per_packet), 0);
    return p;
}

}  // namespace tandem::gateway::media
