/// tandem-codec list / transcode / roundtrip / measure.
#include <fmt/core.h>

#include <cmath>

#include "codecs/audio/audio_file.hpp"
#include "codecs/audio/measure.hpp"
#include "codecs/tool/commands.hpp"
#include "codecs/tool/pipeline.hpp"

namespace tandem::codecs::tool {
namespace {

std::chrono::milliseconds ptime_or_default(const std::optional<int>& ms, const codec_info& i) {
    return ms ? std::chrono::milliseconds{*ms} : i.default_ptime;
}

std::string payload_type(const codec_info& i) {
    return i.static_payload_type ? std::to_string(*i.static_payload_type) : "dyn";
}

void print_quality(const audio::quality& q, std::uint32_t rate) {
    fmt::print("delay        {} samples ({:.2f} ms), correlation {:.3f}\n", q.align.delay_samples,
               1000.0 * q.align.delay_samples / rate, q.align.correlation);
    fmt::print("SNR          {:.2f} dB\n", q.snr_db);
    fmt::print("segmental    {:.2f} dB\n", q.segmental_snr_db);
}

bool need_files(const options& opt, std::size_t n, std::string_view what) {
    if (opt.files.size() == n) return true;
    fmt::print(stderr, "tandem-codec: {} takes {} file arguments, got {}\n", what, n, opt.files.size());
    return false;
}

}  // namespace

int run_list(const registry& reg) {
    fmt::print("{:<8} {:>3} {:>6} {:>6} {:>8} {:>6} {:>6} {:>4} {:>8} {:>9} {:>4} {:>4}\n", "codec", "PT", "clock",
               "rate", "bit/s", "frame", "samp", "oct", "ptime", "range", "VAD", "PLC");
    for (const auto& f : reg.all()) {
        const auto& i = f->info();
        fmt::print("{:<8} {:>3} {:>6} {:>6} {:>8} {:>4}ms {:>6} {:>4} {:>6}ms {:>3}-{:<3}ms {:>4} {:>4}\n", i.encoding_name,
                   payload_type(i), i.clock_rate, i.sample_rate, i.bit_rate, i.frame_duration.count() / 1000,
                   i.samples_per_frame, i.bytes_per_frame, i.default_ptime.count(), i.min_ptime.count(),
                   i.max_ptime.count(), i.has_vad ? "yes" : "no", i.has_internal_plc ? "own" : "gen");
    }
    return exit_ok;
}

int run_transcode(const registry& reg, const options& opt) {
    if (!need_files(opt, 2, "transcode")) return exit_usage;
    const auto* from = resolve(reg, opt.from);
    const auto* to = resolve(reg, opt.to);
    if (from == nullptr || to == nullptr) return exit_usage;
    std::vector<std::int16_t> pcm;
    if (!load_audio(opt.files[0], opt.raw_rate, from->info().sample_rate, pcm)) return exit_usage;
    const auto in_ptime = ptime_or_default(opt.ptime_in_ms, from->info());
    const auto out_ptime = ptime_or_default(opt.ptime_out_ms, to->info());
    auto packets = encode_packets(*from, pcm, in_ptime, false);
    if (!packets) {
        fmt::print(stderr, "tandem-codec: encoding {} at {} ms: {}\n", opt.from, in_ptime.count(), to_string(packets.error()));
        return exit_usage;
    }
    auto out = transcode_packets(*from, *to, *packets, {.out_ptime = out_ptime, .encoder = {.vad = opt.vad}});
    if (!out) {
        fmt::print(stderr, "tandem-codec: transcoding {} -> {}: {}\n", opt.from, opt.to, to_string(out.error()));
        return exit_usage;
    }
    auto decoded = decode_packets(*to, *out);
    if (!decoded) {
        fmt::print(stderr, "tandem-codec: decoding {}: {}\n", opt.to, to_string(decoded.error()));
        return exit_failed;
    }
    if (!save_audio(opt.files[1], *decoded, to->info().sample_rate)) return exit_usage;
    std::size_t octets = 0;
    for (const auto& p : *out) octets += p.payload.size();
    fmt::print("{} packets of {} ({} ms) -> {} packets of {} ({} ms, {} octets); wrote {} samples at {} Hz to {}\n",
               packets->size(), from->info().encoding_name, in_ptime.count(), out->size(),
               to->info().encoding_name, out_ptime.count(), octets, decoded->size(), to->info().sample_rate,
               opt.files[1]);
    return exit_ok;
}

int run_roundtrip(const registry& reg, const options& opt) {
    if (!need_files(opt, 2, "roundtrip")) return exit_usage;
    const auto* c = resolve(reg, opt.codec);
    if (c == nullptr) return exit_usage;
    const auto& i = c->info();
    std::vector<std::int16_t> pcm;
    if (!load_audio(opt.files[0], opt.raw_rate, i.sample_rate, pcm)) return exit_usage;
    const auto ptime = ptime_or_default(opt.ptime_in_ms, i);
    auto packets = encode_packets(*c, pcm, ptime, opt.vad);
    if (!packets) {
        fmt::print(stderr, "tandem-codec: encoding {} at {} ms: {}\n", opt.codec, ptime.count(), to_string(packets.error()));
        return exit_usage;
    }
    auto decoded = decode_packets(*c, *packets);
    if (!decoded) {
        fmt::print(stderr, "tandem-codec: decoding {}: {}\n", opt.codec, to_string(decoded.error()));
        return exit_failed;
    }
    if (!save_audio(opt.files[1], *decoded, i.sample_rate)) return exit_usage;
    std::size_t octets = 0;
    for (const auto& p : *packets) octets += p.payload.size();
    fmt::print("{}: {} packets, {} octets, {} samples at {} Hz -> {}\n", i.encoding_name, packets->size(), octets,
               decoded->size(), i.sample_rate, opt.files[1]);
    print_quality(audio::measure(pcm, *decoded, static_cast<int>(i.sample_rate / 10), i.sample_rate / 50),
                  i.sample_rate);
    return exit_ok;
}

int run_measure(const options& opt) {
    if (!need_files(opt, 2, "measure")) return exit_usage;
    auto ref = audio::read_audio(opt.files[0], opt.raw_rate);
    if (!ref) {
        fmt::print(stderr, "tandem-codec: cannot read '{}': {}\n", opt.files[0], audio::to_string(ref.error()));
        return exit_usage;
    }
    std::vector<std::int16_t> deg;
    if (!load_audio(opt.files[1], opt.raw_rate, ref->sample_rate, deg)) return exit_usage;
    const int max_delay = static_cast<int>(static_cast<long>(opt.max_delay_ms) * ref->sample_rate / 1000);
    print_quality(audio::measure(ref->samples, deg, max_delay, ref->sample_rate / 50), ref->sample_rate);
    return exit_ok;
}

}  // namespace tandem::codecs::tool
