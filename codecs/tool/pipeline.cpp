#include "codecs/tool/pipeline.hpp"

#include <fmt/core.h>

#include "codecs/audio/audio_file.hpp"
#include "codecs/impl/resampler.hpp"

namespace tandem::codecs::tool {

const codec_factory* resolve(const registry& reg, const std::string& name) {
    if (name.empty()) {
        fmt::print(stderr, "tandem-codec: a codec name is required (see `tandem-codec list`)\n");
        return nullptr;
    }
    auto c = reg.find(name);
    if (c) return *c;
    if (c.error() == codec_error::not_built_in) {
        fmt::print(stderr, "tandem-codec: codec '{}' is not built into this binary\n", name);
    } else {
        std::string known;
        for (const auto& f : reg.all()) known += fmt::format("{}{}", known.empty() ? "" : ", ", f->info().encoding_name);
        fmt::print(stderr, "tandem-codec: unknown codec '{}' (known: {})\n", name, known);
    }
    return nullptr;
}

std::vector<std::int16_t> resample(const std::vector<std::int16_t>& in, std::uint32_t from,
                                   std::uint32_t to) {
    if (from == to) return in;
    impl::resampler r(from, to, 5);
    std::vector<std::int16_t> out(in.size() * to / from + 64);
    out.resize(r.process(in, out));
    return out;
}

bool load_audio(const std::string& path, std::uint32_t raw_rate, std::uint32_t rate,
                std::vector<std::int16_t>& out) {
    auto a = audio::read_audio(path, raw_rate);
    if (!a) {
        fmt::print(stderr, "tandem-codec: cannot read '{}': {}\n", path, audio::to_string(a.error()));
        return false;
    }
    out = resample(a->samples, a->sample_rate, rate);
    return true;
}

bool save_audio(const std::string& path, const std::vector<std::int16_t>& samples, std::uint32_t rate) {
    if (auto w = audio::write_audio(path, samples, rate); !w) {
        fmt::print(stderr, "tandem-codec: cannot write '{}': {}\n", path, audio::to_string(w.error()));
        return false;
    }
    return true;
}

expected<std::vector<packet>, codec_error> encode_packets(const codec_factory& c,
                                                          const std::vector<std::int16_t>& pcm,
                                                          std::chrono::milliseconds ptime, bool vad) {
    const auto& i = c.info();
    const std::size_t frames = i.frames_per_packet(ptime);
    if (frames == 0) return make_unexpected(codec_error::unsupported_ptime);
    auto enc = c.make_encoder({.vad = vad});
    if (!enc) return make_unexpected(enc.error());
    const std::size_t samples = frames * i.samples_per_frame;
    std::vector<packet> out;
    std::vector<std::uint8_t> buffer(frames * i.bytes_per_frame);
    std::uint32_t ts = 0;
    for (std::size_t at = 0; at + samples <= pcm.size(); at += samples) {
        // Frame by frame, so that a VAD-suppressed frame splits the packet (RFC 3551 §4.5.6).
        packet p{{}, ts};
        for (std::size_t f = 0; f < frames; ++f, ts += i.rtp_ticks_per_frame()) {
            auto n = (*enc)->encode(std::span(pcm).subspan(at + f * i.samples_per_frame, i.samples_per_frame), buffer);
            if (!n) return make_unexpected(n.error());
            if (*n == 0) {
                if (!p.payload.empty()) out.push_back(std::move(p));
                p = packet{{}, ts + i.rtp_ticks_per_frame()};
                continue;
            }
            p.payload.insert(p.payload.end(), buffer.begin(), buffer.begin() + static_cast<long>(*n));
            if (*n != i.bytes_per_frame) {  // SID ends its packet
                out.push_back(std::move(p));
                p = packet{{}, ts + i.rtp_ticks_per_frame()};
            }
        }
        if (!p.payload.empty()) out.push_back(std::move(p));
    }
    return out;
}

expected<std::vector<std::int16_t>, codec_error> decode_packets(const codec_factory& c,
                                                                const std::vector<packet>& packets) {
    const auto& i = c.info();
    auto dec = c.make_decoder();
    if (!dec) return make_unexpected(dec.error());
    std::vector<std::int16_t> out;
    std::vector<std::int16_t> buffer(i.sample_rate);  // up to one second per packet
    std::uint32_t next = packets.empty() ? 0 : packets.front().timestamp;
    for (const auto& p : packets) {
        // A gap (DTX): let the decoder fill it (comfort noise continues after a SID).
        while (static_cast<std::int32_t>(p.timestamp - next) >= static_cast<std::int32_t>(i.rtp_ticks_per_frame())) {
            auto n = (*dec)->conceal(std::span(buffer).first(i.samples_per_frame));
            if (!n) return make_unexpected(n.error());
            out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<long>(*n));
            next += i.rtp_ticks_per_frame();
        }
        auto n = (*dec)->decode(p.payload, buffer);
        if (!n) return make_unexpected(n.error());
        out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<long>(*n));
        next = p.timestamp + static_cast<std::uint32_t>(*n / i.samples_per_frame * i.rtp_ticks_per_frame());
    }
    return out;
}

expected<std::vector<packet>, codec_error> transcode_packets(const codec_factory& from,
                                                             const codec_factory& to,
                                                             const std::vector<packet>& in,
                                                             const transcoder_config& config) {
    auto t = transcoder::create(from, to, config);
    if (!t) return make_unexpected(t.error());
    std::vector<packet> out;
    for (const auto& p : in) {
        if (auto r = (*t)->push(p.payload, p.timestamp); !r) return make_unexpected(r.error());
        while (auto o = (*t)->pop()) {
            out.push_back(packet{{o->payload.begin(), o->payload.end()}, o->timestamp});
        }
    }
    return out;
}

}  // namespace tandem::codecs::tool
