/// Codec benchmark: encode and decode cost per frame of every codec through our interface,
/// full-duplex transcoding legs, and the bare library calls; then a summary with real-time
/// channels per core and our overhead ratio. Results: docs/performance.md.
#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <map>
#include <numeric>

#include "bench_support.hpp"
#include "codecs/audio/audio_file.hpp"
#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "codecs/transcoder.hpp"

#ifndef TANDEM_DATA_DIR
#define TANDEM_DATA_DIR "tests/data/audio"
#endif

namespace tandem::codecs::bench {

const registry& codecs() {
    static const registry reg = [] {
        registry r;
        register_core_codecs(r);
        register_backend_codecs(r);
        return r;
    }();
    return reg;
}

const std::vector<std::int16_t>& speech(std::uint32_t rate) {
    static const auto load = [](const char* name) {
        auto a = audio::read_wav(std::string(TANDEM_DATA_DIR) + "/" + name);
        if (!a) {
            fmt::print(stderr, "cannot read {}/{}\n", TANDEM_DATA_DIR, name);
            std::exit(2);
        }
        return a->samples;
    };
    static const auto narrow = load("speech_8k.wav");
    static const auto wide = load("speech_16k.wav");
    return rate == 16000 ? wide : narrow;
}

const std::vector<std::uint8_t>& coded(const std::string& name) {
    static std::map<std::string, std::vector<std::uint8_t>> cache;
    auto& out = cache[name];
    if (!out.empty()) return out;
    const auto& c = **codecs().find(name);
    const auto& i = c.info();
    const auto& s = speech(i.sample_rate);
    auto enc = c.make_encoder().value();
    std::vector<std::uint8_t> frame(i.bytes_per_frame);
    for (std::size_t at = 0; at + i.samples_per_frame <= s.size(); at += i.samples_per_frame) {
        const auto n = enc->encode(std::span(s).subspan(at, i.samples_per_frame), frame).value();
        out.insert(out.end(), frame.begin(), frame.begin() + static_cast<long>(n));
    }
    return out;
}

namespace {

void encode_frames(benchmark::State& state, const codec_factory* c) {
    const auto& i = c->info();
    const auto& s = speech(i.sample_rate);
    auto enc = c->make_encoder().value();
    std::vector<std::uint8_t> out(i.bytes_per_frame);
    const std::size_t frames = s.size() / i.samples_per_frame;
    std::size_t f = 0;
    for (auto _ : state) {
        auto n = enc->encode(std::span(s).subspan(f * i.samples_per_frame, i.samples_per_frame), out);
        benchmark::DoNotOptimize(n);
        f = (f + 1) % frames;
    }
    // Seconds of audio per second of CPU = real-time channels per core (one direction).
    state.counters["rt_ch"] = benchmark::Counter(static_cast<double>(i.frame_duration.count()) * 1e-6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void decode_frames(benchmark::State& state, const codec_factory* c) {
    const auto& i = c->info();
    const auto& in = coded(std::string(i.encoding_name));
    auto dec = c->make_decoder().value();
    std::vector<std::int16_t> out(i.samples_per_frame);
    const std::size_t frames = in.size() / i.bytes_per_frame;
    std::size_t f = 0;
    for (auto _ : state) {
        auto n = dec->decode(std::span(in).subspan(f * i.bytes_per_frame, i.bytes_per_frame), out);
        benchmark::DoNotOptimize(n);
        f = (f + 1) % frames;
    }
    state.counters["rt_ch"] = benchmark::Counter(static_cast<double>(i.frame_duration.count()) * 1e-6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

/// One full-duplex call leg a<->b at each side's default ptime: each iteration carries the
/// same stretch of call time both ways (the LCM of the ptimes: 60 ms for G.711 20 ms with
/// G.723.1 30 ms); counter "calls" = legs one core sustains in real time.
void transcoding_leg(benchmark::State& state, const codec_factory* a, const codec_factory* b) {
    struct direction {
        const codec_factory* from;
        std::unique_ptr<transcoder> t;
        std::vector<std::vector<std::uint8_t>> packets;
        std::uint32_t ticks = 0;
        std::uint32_t ts = 0;
        std::size_t next = 0;
        std::size_t per_iteration = 0;
    };
    const auto lcm_ms = std::lcm(a->info().default_ptime.count(), b->info().default_ptime.count());
    direction dirs[2];
    for (int d = 0; d < 2; ++d) {
        const auto* from = d == 0 ? a : b;
        const auto* to = d == 0 ? b : a;
        const auto& i = from->info();
        dirs[d].from = from;
        dirs[d].t = transcoder::create(*from, *to, {.out_ptime = to->info().default_ptime}).value();
        const std::size_t frames = i.frames_per_packet(i.default_ptime);
        const auto& c = coded(std::string(i.encoding_name));
        for (std::size_t at = 0; at + frames * i.bytes_per_frame <= c.size(); at += frames * i.bytes_per_frame) {
            dirs[d].packets.emplace_back(c.begin() + static_cast<long>(at),
                                         c.begin() + static_cast<long>(at + frames * i.bytes_per_frame));
        }
        dirs[d].ticks = static_cast<std::uint32_t>(frames) * i.rtp_ticks_per_frame();
        dirs[d].per_iteration = static_cast<std::size_t>(lcm_ms / i.default_ptime.count());
    }
    for (auto _ : state) {
        for (auto& d : dirs) {
            for (std::size_t k = 0; k < d.per_iteration; ++k) {
                auto r = d.t->push(d.packets[d.next], d.ts);
                benchmark::DoNotOptimize(r);
                while (auto p = d.t->pop()) benchmark::DoNotOptimize(p);
                d.ts += d.ticks;
                d.next = (d.next + 1) % d.packets.size();
            }
        }
    }
    state.counters["calls"] = benchmark::Counter(static_cast<double>(lcm_ms) / 1000.0,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

/// Keeps every run's CPU time per iteration, for the summary.
class summary_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            if (r.run_type != Run::RT_Iteration) continue;
            cpu_ns_[r.benchmark_name()] = r.GetAdjustedCPUTime();
            for (const auto& [k, v] : r.counters) counters_[r.benchmark_name()][k] = v.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> cpu_ns_;
    std::map<std::string, std::map<std::string, double>> counters_;
};

}  // namespace
}  // namespace tandem::codecs::bench

int main(int argc, char** argv) {
    using namespace tandem::codecs;
    using namespace tandem::codecs::bench;
    for (const auto& f : codecs().all()) {
        const std::string n(f->info().encoding_name);
        benchmark::RegisterBenchmark(("encode/" + n).c_str(), encode_frames, f.get());
        benchmark::RegisterBenchmark(("decode/" + n).c_str(), decode_frames, f.get());
    }
    const std::pair<const char*, const char*> legs[] = {
        {"PCMU", "G729"}, {"PCMU", "G723"}, {"PCMU", "G726-32"}, {"PCMA", "GSM"}, {"PCMU", "G722"}};
    for (const auto& [a, b] : legs) {
        auto fa = codecs().find(a);
        auto fb = codecs().find(b);
        if (fa && fb) {
            benchmark::RegisterBenchmark(fmt::format("leg/{}<->{}", a, b).c_str(), transcoding_leg, *fa, *fb);
        }
    }
    register_bare_benchmarks();

    benchmark::Initialize(&argc, argv);
    summary_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);

    auto& ns = reporter.cpu_ns_;
    fmt::print("\nSummary (CPU time; real-time channels per core = audio seconds per CPU second)\n");
    fmt::print("{:<9} {:>10} {:>10} {:>12} {:>12} {:>10} {:>10}\n", "codec", "enc ns", "dec ns", "enc ch/core",
               "dec ch/core", "enc/bare", "dec/bare");
    for (const auto& f : codecs().all()) {
        const std::string n(f->info().encoding_name);
        const double frame_ns = static_cast<double>(f->info().frame_duration.count()) * 1000.0;
        const double e = ns["encode/" + n];
        const double d = ns["decode/" + n];
        auto ratio = [&](const std::string& ours, const std::string& bare) {
            return ns.count(bare) != 0 && ns[bare] > 0 ? fmt::format("{:.2f}x", ns[ours] / ns[bare]) : std::string("-");
        };
        fmt::print("{:<9} {:>10.0f} {:>10.0f} {:>12.0f} {:>12.0f} {:>10} {:>10}\n", n, e, d, frame_ns / e, frame_ns / d,
                   ratio("encode/" + n, "bare_encode/" + n), ratio("decode/" + n, "bare_decode/" + n));
    }
    fmt::print("\nFull-duplex transcoding legs (one packet each way per iteration)\n");
    for (const auto& [name, c] : reporter.counters_) {
        if (name.rfind("leg/", 0) == 0) {
            fmt::print("{:<20} {:>10.0f} ns/iteration  {:>6.0f} calls per core\n", name, ns[name], c.at("calls"));
        }
    }
    benchmark::Shutdown();
    return 0;
}
