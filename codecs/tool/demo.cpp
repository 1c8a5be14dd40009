/// tandem-codec demo: the shipped speech sample through every codec, with quality and cost.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "codecs/audio/measure.hpp"
#include "codecs/tool/commands.hpp"
#include "codecs/tool/pipeline.hpp"

#ifndef TANDEM_DATA_DIR
#define TANDEM_DATA_DIR "tests/data/audio"
#endif

namespace tandem::codecs::tool {
namespace {

using clock_type = std::chrono::steady_clock;

/// tests/data/audio/<name>: from $TANDEM_SOURCE_DIR, the source tree this binary was built
/// from, or the working directory.
std::string data_file(const std::string& name) {
    namespace fs = std::filesystem;
    if (const char* src = std::getenv("TANDEM_SOURCE_DIR"); src != nullptr) {
        const auto p = fs::path(src) / "tests/data/audio" / name;
        if (fs::exists(p)) return p.string();
    }
    for (const auto& dir : {fs::path(TANDEM_DATA_DIR), fs::path("tests/data/audio")}) {
        if (fs::exists(dir / name)) return (dir / name).string();
    }
    return (fs::path(TANDEM_DATA_DIR) / name).string();
}

struct row {
    std::string error;
    audio::quality q{};
    double encode_us = 0;
    double decode_us = 0;
};

/// Runs frame-by-frame passes until at least `budget` has been spent (and at least one).
template <class fn>
double time_per_call_us(std::size_t calls_per_pass, fn&& pass) {
    constexpr auto budget = std::chrono::milliseconds{40};
    std::size_t passes = 0;
    const auto start = clock_type::now();
    auto elapsed = clock_type::duration::zero();
    do {
        if (!pass()) return -1.0;
        ++passes;
        elapsed = clock_type::now() - start;
    } while (elapsed < budget);
    return std::chrono::duration<double, std::micro>(elapsed).count() / static_cast<double>(passes * calls_per_pass);
}

row run_codec(const codec_factory& c, const std::vector<std::int16_t>& speech) {
    const auto& i = c.info();
    row r;
    const std::size_t frames = speech.size() / i.samples_per_frame;
    const auto pcm = std::span(speech).first(frames * i.samples_per_frame);
    auto enc = c.make_encoder();
    auto dec = c.make_decoder();
    if (!enc || !dec) {
        r.error = std::string(to_string(!enc ? enc.error() : dec.error()));
        return r;
    }
    std::vector<std::uint8_t> coded(frames * i.bytes_per_frame);
    std::vector<std::size_t> lengths(frames);
    std::vector<std::int16_t> decoded(pcm.size());
    codec_error failure{};
    bool failed = false;
    r.encode_us = time_per_call_us(frames, [&] {
        (*enc)->reset();
        for (std::size_t f = 0; f < frames; ++f) {
            auto n = (*enc)->encode(pcm.subspan(f * i.samples_per_frame, i.samples_per_frame),
                                    std::span(coded).subspan(f * i.bytes_per_frame, i.bytes_per_frame));
            if (!n) { failure = n.error(); failed = true; return false; }
            lengths[f] = *n;
        }
        return true;
    });
    if (!failed) {
        r.decode_us = time_per_call_us(frames, [&] {
            (*dec)->reset();
            for (std::size_t f = 0; f < frames; ++f) {
                auto n = (*dec)->decode(std::span(coded).subspan(f * i.bytes_per_frame, lengths[f]),
                                        std::span(decoded).subspan(f * i.samples_per_frame, i.samples_per_frame));
                if (!n) { failure = n.error(); failed = true; return false; }
            }
            return true;
        });
    }
    if (failed) {
        r.error = std::string(to_string(failure));
        return r;
    }
    r.q = audio::measure(pcm, decoded, static_cast<int>(i.sample_rate / 25), i.sample_rate / 50);
    return r;
}

/// Full-duplex transcoding leg a<->b over the speech: µs of CPU per second of call.
double leg_cost_us_per_second(const codec_factory& a, const codec_factory& b,
                              const std::vector<std::int16_t>& speech_a,
                              const std::vector<std::int16_t>& speech_b, bool& ok) {
    double total = 0;
    for (int dir = 0; dir < 2; ++dir) {
        const auto& from = dir == 0 ? a : b;
        const auto& to = dir == 0 ? b : a;
        const auto& pcm = dir == 0 ? speech_a : speech_b;
        auto packets = encode_packets(from, pcm, from.info().default_ptime, false);
        if (!packets) { ok = false; return 0; }
        auto t = transcoder::create(from, to, {.out_ptime = to.info().default_ptime});
        if (!t) { ok = false; return 0; }
        const double seconds = static_cast<double>(pcm.size()) / from.info().sample_rate;
        std::size_t passes = 0;
        std::uint32_t offset = 0;
        const auto start = clock_type::now();
        auto elapsed = clock_type::duration::zero();
        do {
            for (const auto& p : *packets) {
                if (!(*t)->push(p.payload, p.timestamp + offset)) { ok = false; return 0; }
                while ((*t)->pop()) {}
            }
            offset += packets->back().timestamp + from.info().rtp_ticks_per_frame() *
                      static_cast<std::uint32_t>(from.info().frames_per_packet(from.info().default_ptime));
            ++passes;
            elapsed = clock_type::now() - start;
        } while (elapsed < std::chrono::milliseconds{60});
        total += std::chrono::duration<double, std::micro>(elapsed).count() / (passes * seconds);
    }
    return total;
}

}  // namespace

int run_demo(const registry& reg, const options& opt) {
    const std::string narrow_path = opt.input.empty() ? data_file("speech_8k.wav") : opt.input;
    std::vector<std::int16_t> narrow;
    if (!load_audio(narrow_path, opt.raw_rate, 8000, narrow)) return exit_usage;
    std::vector<std::int16_t> wide;
    const std::string wide_path = opt.input.empty() ? data_file("speech_16k.wav") : opt.input;
    if (!load_audio(wide_path, opt.raw_rate, 16000, wide)) return exit_usage;

    fmt::print("tandem-codec demo: {} ({:.2f} s of speech) through every codec, frame by frame\n\n",
               narrow_path, narrow.size() / 8000.0);
    fmt::print("{:<8} {:>6} {:>11} {:>8} {:>6} {:>7} {:>7} {:>8} {:>8} {:>9}  {}\n", "codec", "kbit/s", "frame",
               "delay", "corr", "SNR", "segSNR", "enc", "dec", "ch/core", "result");
    fmt::print("{:<8} {:>6} {:>11} {:>8} {:>6} {:>7} {:>7} {:>8} {:>8} {:>9}\n", "", "", "ms/octets", "ms", "",
               "dB", "dB", "us/frame", "us/frame", "(enc+dec)");
    int failures = 0;
    for (const auto& f : reg.all()) {
        const auto& i = f->info();
        const auto& speech = i.sample_rate == 16000 ? wide : narrow;
        const row r = run_codec(*f, speech);
        // Sanity floor: any codec that works keeps the waveform's shape (G.729 0.82).
        const bool good = r.error.empty() && r.q.align.correlation >= 0.6;
        if (!good) ++failures;
        const double frame_us = static_cast<double>(i.frame_duration.count());
        const std::string frame = fmt::format("{}/{}", frame_us / 1000.0, i.bytes_per_frame);
        if (!r.error.empty()) {
            fmt::print("{:<8} {:>6.1f} {:>11}  FAIL: {}\n", i.encoding_name, i.bit_rate / 1000.0, frame, r.error);
            continue;
        }
        fmt::print("{:<8} {:>6.1f} {:>11} {:>8.2f} {:>6.3f} {:>7.2f} {:>7.2f} {:>8.2f} {:>8.2f} {:>9.0f}  {}\n",
                   i.encoding_name, i.bit_rate / 1000.0, frame,
                   1000.0 * r.q.align.delay_samples / i.sample_rate, r.q.align.correlation, r.q.snr_db,
                   r.q.segmental_snr_db, r.encode_us, r.decode_us, frame_us / (r.encode_us + r.decode_us),
                   good ? "ok" : "FAIL");
    }

    fmt::print("\nfull-duplex transcoding legs (both directions, default ptimes, library transcoder):\n");
    fmt::print("{:<18} {:>14} {:>12}\n", "leg", "CPU us per s", "calls/core");
    const std::pair<const char*, const char*> legs[] = {
        {"PCMU", "G729"}, {"PCMU", "G723"}, {"PCMU", "G726-32"}, {"PCMA", "GSM"}, {"PCMU", "G722"}};
    for (const auto& [a, b] : legs) {
        auto fa = reg.find(a);
        auto fb = reg.find(b);
        if (!fa || !fb) {
            fmt::print("{:<18} {:>14}\n", fmt::format("{}<->{}", a, b), "not built in");
            continue;
        }
        bool ok = true;
        const auto& sa = (*fa)->info().sample_rate == 16000 ? wide : narrow;
        const auto& sb = (*fb)->info().sample_rate == 16000 ? wide : narrow;
        const double us = leg_cost_us_per_second(**fa, **fb, sa, sb, ok);
        if (!ok) {
            ++failures;
            fmt::print("{:<18} {:>14}\n", fmt::format("{}<->{}", a, b), "FAIL");
            continue;
        }
        fmt::print("{:<18} {:>14.0f} {:>12.0f}\n", fmt::format("{}<->{}", a, b), us, 1e6 / us);
    }
    fmt::print("\ndelay: found by cross-correlation (codec look-ahead); SNR after alignment. G.729, G.723.1\n"
               "and GSM are not waveform coders: their SNR is low by design, correlation is the check.\n");
    if (failures > 0) {
        fmt::print(stderr, "tandem-codec: {} codec(s) failed\n", failures);
        return exit_failed;
    }
    return exit_ok;
}

}  // namespace tandem::codecs::tool
