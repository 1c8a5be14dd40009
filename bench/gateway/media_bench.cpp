/// Media plane benchmark: 2 x 30 E1 timeslots joined back to back over RTP on 127.0.0.1 (so
/// 60 duplex connections, each encoding, sending, receiving, decoding every tick), driven as fast
/// as the CPU allows for a fixed amount of audio. Prints channels per core for the whole
/// pipeline (CPU time of the ticking thread, sockets included) and for the bare codec
/// (encode + decode of the same audio, same run), their ratio, and resident memory per
/// connection.
///
/// Usage: gateway_media_bench [seconds of audio, default 20] [--ec]
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "codecs/g711.hpp"
#include "gateway/media/media_engine.hpp"

using namespace tandem;
using namespace tandem::gateway;

namespace {

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Resident set size in KiB (/proc/self/statm).
long rss_kib() {
    std::ifstream f("/proc/self/statm");
    long pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Speech-like test signal: noise shaped in bursts (talk spurts), 10 s, deterministic.
std::vector<std::int16_t> make_signal() {
    std::mt19937 rng(1);
    std::normal_distribution<double> n(0.0, 2500.0);
    std::vector<std::int16_t> s(80000);
    double lp = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        lp = 0.7 * lp + 0.3 * n(rng);
        const double env = 0.5 + 0.5 * std::sin(2 * M_PI * static_cast<double>(i) / 8000.0 * 1.3);
        s[i] = static_cast<std::int16_t>(std::clamp(lp * env, -32000.0, 32000.0));
    }
    return s;
}

struct scenario {
    const char* label;
    const char* codec;
    std::uint8_t pt;
    int ptime;
};

struct figures {
    double pipeline_cpu = 0;  // seconds of CPU for all channels
    double bare_cpu = 0;      // seconds of CPU for one channel's encode+decode, times channels
    long rss_per_conn_kib = 0;
    std::uint64_t concealed = 0, received = 0;
};

figures run(const codecs::registry& reg, const scenario& sc, double seconds, bool ec,
            const std::vector<std::int16_t>& signal) {
    figures f;
    const auto* codec = *reg.find(sc.codec);
    // Bare codec: encode + decode the same audio, one channel, in packets of ptime.
    {
        auto enc = *codec->make_encoder();
        auto dec = *codec->make_decoder();
        const std::size_t spp = codec->info().frames_per_packet(std::chrono::milliseconds(sc.ptime)) *
                                codec->info().samples_per_frame;
        std::vector<std::uint8_t> payload(2048);
        std::vector<std::int16_t> pcm(4096);
        const auto total = static_cast<std::size_t>(seconds * 8000);
        const double t0 = thread_cpu_seconds();
        for (std::size_t done = 0; done + spp <= total; done += spp) {
            const std::size_t at = done % (signal.size() - spp);
            auto n = enc->encode(std::span<const std::int16_t>(signal.data() + at, spp), payload);
            (void)dec->decode(std::span<const std::uint8_t>(payload.data(), *n), pcm);
        }
        f.bare_cpu = thread_cpu_seconds() - t0;  // per channel
    }

    media::media_engine_config c;
    c.span = tdm::span_layout::e1();
    c.ports = {30000, 30999};
    auto e1 = std::move(*media::media_engine::create(c));
    c.ports = {31000, 31999};
    c.span_number = 2;
    auto e2 = std::move(*media::media_engine::create(c));
    const long rss_before = rss_kib();
    media::connection_params p;
    p.codec.codec = codec;
    p.codec.payload_type = sc.pt;
    p.codec.ptime = std::chrono::milliseconds(sc.ptime);
    p.telephone_event_payload_type = 101;
    p.echo_canceller = ec;
    const auto bearers = c.span->bearers();
    std::vector<media::connection_info> a, b;
    for (unsigned ts : bearers) {
        auto x = e1->create_connection(*e1->find_endpoint(fmt::format("ds/e1-1/{}", ts)), p);
        auto y = e2->create_connection(*e2->find_endpoint(fmt::format("ds/e1-2/{}", ts)), p);
        if (!x || !y) {
            std::fprintf(stderr, "create failed: %s\n", media::to_string(!x ? x.error() : y.error()));
            std::exit(1);
        }
        media::connection_changes to_y, to_x;
        to_y.remote = media::remote_address{"127.0.0.1", y->local_port};
        to_x.remote = media::remote_address{"127.0.0.1", x->local_port};
        (void)e1->modify_connection(x->id, to_y);
        (void)e2->modify_connection(y->id, to_x);
        a.push_back(*x);
        b.push_back(*y);
    }
    const std::size_t conns = a.size() + b.size();

    tdm::block rx1(32, 80), tx1(32, 80), rx2(32, 80), tx2(32, 80);
    const auto ticks = static_cast<std::size_t>(seconds * 100);
    const double t0 = thread_cpu_seconds();
    for (std::size_t t = 0; t < ticks; ++t) {
        const std::size_t at = (t * 80) % (signal.size() - 80);
        const auto in = std::span<const std::int16_t>(signal.data() + at, 80);
        for (unsigned ts : bearers) {
            const unsigned pos = c.span->position(ts);
            codecs::g711::encode_alaw(in, rx1.slot(pos));
            codecs::g711::encode_alaw(in, rx2.slot(pos));
        }
        e1->tick(&rx1, &tx1);
        e2->tick(&rx2, &tx2);
    }
    f.pipeline_cpu = thread_cpu_seconds() - t0;
    // After the run, so that what oRTP and the codecs allocate lazily is counted too.
    f.rss_per_conn_kib = (rss_kib() - rss_before) / static_cast<long>(conns);
    f.bare_cpu *= static_cast<double>(conns);
    for (const auto& x : b) {
        auto s = e2->statistics(x.id);
        f.concealed += s->frames_concealed;
        f.received += s->packets_received;
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
    bool ec_only = false;
    for (int i = 1; i < argc; ++i) ec_only = ec_only || std::strcmp(argv[i], "--ec") == 0;
    codecs::registry reg;
    codecs::register_core_codecs(reg);
    codecs::register_backend_codecs(reg);
    const auto signal = make_signal();
    std::vector<scenario> scenarios = {{"PCMA passthrough", "PCMA", 8, 20},
                                       {"G.711 <-> G.729", "G729", 18, 20}};
    if (codecs::g7231_built_in()) scenarios.push_back({"G.711 <-> G.723.1", "G723", 4, 30});
    std::printf("60 duplex connections (2 E1 x 30, back to back on 127.0.0.1), %.0f s of audio each\n", seconds);
    std::printf("%-20s %-6s %12s %12s %8s %10s %10s\n", "scenario", "EC", "pipeline ch", "bare ch",
                "ratio", "KiB/conn", "concealed");
    for (const auto& sc : scenarios)
        for (bool ec : {false, true}) {
            if (ec_only && !ec) continue;
            // Each measurement in a fresh process: memory freed by an earlier one would
            // otherwise be reused and hide the resident cost of the connections.
            std::fflush(stdout);
            const pid_t child = fork();
            if (child < 0) return 1;
            if (child > 0) {
                int status = 0;
                waitpid(child, &status, 0);
                continue;
            }
            const auto f = run(reg, sc, seconds, ec, signal);
            const double audio = seconds * 60.0;
            const double pipeline_ch = audio / f.pipeline_cpu;
            const double bare_ch = audio / f.bare_cpu;
            std::printf("%-20s %-6s %12.0f %12.0f %8.2f %10ld %10llu\n", sc.label, ec ? "64ms" : "off",
                        pipeline_ch, bare_ch, f.pipeline_cpu / f.bare_cpu, f.rss_per_conn_kib,
                        static_cast<unsigned long long>(f.concealed));
            std::fflush(stdout);
            _exit(0);
        }
    std::printf("channels per core = seconds of audio processed per CPU second (one duplex channel)\n");
    return 0;
}
