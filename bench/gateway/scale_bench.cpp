/// The media plane against the socket path (issue 5's benchmark, second part):
///
///  1. For N live connections (default 100, 500, 1000, 2000, 5000), G.711 (PCMA, 20 ms) duplex
///     TDM<->RTP through E1 engines joined back to back on 127.0.0.1 (N/2 pairs, 30 per
///     engine), echo canceller off, RFC 4733 negotiated (DTMF detection on), driven as fast as
///     the CPU allows; and, in the same process just before, a bare UDP loop over N sockets in
///     pairs carrying the same packets (one send and one receive per packet, nothing else).
///     Prints CPU per packet (sent + received) for both, G.711 channels per core for both,
///     their ratio (goal >= 0.8), and resident memory per connection (goal <= 256 KiB). Each N
///     runs in a fresh process (fork), so that memory freed by an earlier N is not reused.
///  2. The gateway-added one-way delay, in real time (a tick every 10 ms): TDM->IP from the
///     moment a packet's first sample is on the timeslot to the moment its RTP packet is on
///     the socket (goal: ptime + codec look-ahead + 1 ms; G.711 has no look-ahead), and IP->TDM
///     from a packet's arrival to the moment its first sample plays on the timeslot (goal: the
///     jitter buffer floor, 10 ms, plus the tick), with markers every 200 ms.
///
/// Figures are CPU time of the one thread doing everything, so other load on the host shows
/// less than in wall time; the load average is printed with them.
///
/// Usage: gateway_scale_bench [--seconds S] [--counts 100,500,...] [--no-delay] [--delay-only]
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "codecs/core_codecs.hpp"
#include "codecs/g711.hpp"
#include "common/log.hpp"
#include "gateway/media/media_engine.hpp"

using namespace tandem;
using namespace tandem::gateway;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t packet_bytes = 12 + 160;  // RTP header + 20 ms of G.711

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long rss_kib() {
    std::ifstream f("/proc/self/statm");
    long pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::string load_average() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

int udp_socket(std::uint16_t& port) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        return -1;
    }
    port = ntohs(a.sin_port);
    return fd;
}

bool connect_to(int fd, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

struct anchor_result {
    double cpu = 0;
    std::uint64_t packets = 0;  // sent + received
};

/// The bare loop: N sockets in connected pairs; each 20 ms round every socket sends one
/// G.711 packet to its partner, then every socket receives one.
anchor_result bare_udp_loop(std::size_t n, double seconds) {
    std::vector<int> fds(n, -1);
    std::vector<std::uint16_t> ports(n);
    for (std::size_t i = 0; i < n; ++i)
        if ((fds[i] = udp_socket(ports[i])) < 0) {
            std::fprintf(stderr, "bare loop: socket %zu: %s\n", i, std::strerror(errno));
            std::exit(1);
        }
    for (std::size_t i = 0; i < n; ++i) (void)connect_to(fds[i], ports[i ^ 1]);
    std::array<std::uint8_t, packet_bytes> pkt{};
    pkt[0] = 0x80;
    pkt[1] = 8;
    std::array<std::uint8_t, 2048> buf{};
    const auto rounds = static_cast<std::size_t>(seconds * 50);
    anchor_result r;
    const double t0 = thread_cpu_seconds();
    for (std::size_t k = 0; k < rounds; ++k) {
        for (std::size_t i = 0; i < n; ++i)
            if (send(fds[i], pkt.data(), pkt.size(), 0) > 0) ++r.packets;
        for (std::size_t i = 0; i < n; ++i)
            if (recv(fds[i], buf.data(), buf.size(), 0) > 0) ++r.packets;
    }
    r.cpu = thread_cpu_seconds() - t0;
    for (int fd : fds) close(fd);
    return r;
}

struct pipeline_result {
    double cpu = 0;
    std::uint64_t sent = 0, received = 0, concealed = 0;
    long rss_per_conn_kib = 0;
    std::size_t connections = 0;
};

pipeline_result pipeline(const codecs::registry& reg, std::size_t n, double seconds) {
    const auto* codec = *reg.find("PCMA");
    const auto layout = tdm::span_layout::e1();
    const auto bearers = layout.bearers();
    const std::size_t pairs = n / 2;
    const std::size_t engines_per_side = (pairs + bearers.size() - 1) / bearers.size();
    std::vector<std::unique_ptr<media::media_engine>> side_a, side_b;
    std::uint16_t port = 20000;
    auto make = [&](unsigned number) {
        media::media_engine_config c;
        c.span = layout;
        c.span_number = number;
        c.ports = {port, static_cast<std::uint16_t>(port + 79)};
        port = static_cast<std::uint16_t>(port + 80);
        return std::move(*media::media_engine::create(c));
    };
    for (std::size_t e = 0; e < engines_per_side; ++e) {
        side_a.push_back(make(static_cast<unsigned>(e + 1)));
        side_b.push_back(make(static_cast<unsigned>(e + 1)));
    }
    const long rss_before = rss_kib();
    media::connection_params p;
    p.codec.codec = codec;
    p.codec.payload_type = 8;
    p.codec.ptime = std::chrono::milliseconds(20);
    p.telephone_event_payload_type = 101;
    p.echo_canceller = false;
    struct placed {
        media::media_engine* engine;
        media::connection_id id;
    };
    std::vector<placed> all;
    for (std::size_t k = 0; k < pairs; ++k) {
        auto& ea = *side_a[k / bearers.size()];
        auto& eb = *side_b[k / bearers.size()];
        const auto name = fmt::format("ds/e1-{}/{}", k / bearers.size() + 1, bearers[k % bearers.size()]);
        // A port another process holds is skipped (bind_failed): try the next one.
        auto create = [&](media::media_engine& e) {
            for (int attempt = 0;; ++attempt) {
                auto x = e.create_connection(*e.find_endpoint(name), p);
                if (x || attempt == 3) return x;
            }
        };
        auto x = create(ea);
        auto y = create(eb);
        if (!x || !y) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), media::to_string(!x ? x.error() : y.error()));
            std::exit(1);
        }
        media::connection_changes to_y, to_x;
        to_y.remote = media::remote_address{"127.0.0.1", y->local_port};
        to_x.remote = media::remote_address{"127.0.0.1", x->local_port};
        (void)ea.modify_connection(x->id, to_y);
        (void)eb.modify_connection(y->id, to_x);
        all.push_back({&ea, x->id});
        all.push_back({&eb, y->id});
    }
    // Speech-like input on every timeslot: ten blocks of shaped noise, cycled.
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0.0, 2500.0);
    std::vector<tdm::block> inputs;
    for (int b = 0; b < 10; ++b) {
        tdm::block blk(32, 80);
        std::vector<std::int16_t> pcm(80);
        for (unsigned ts : bearers) {
            for (auto& s : pcm) s = static_cast<std::int16_t>(std::clamp(noise(rng), -32000.0, 32000.0));
            codecs::g711::encode_alaw(pcm, blk.slot(layout.position(ts)));
        }
        inputs.push_back(std::move(blk));
    }
    tdm::block tx(32, 80);
    const auto ticks = static_cast<std::size_t>(seconds * 100);
    pipeline_result r;
    const double t0 = thread_cpu_seconds();
    for (std::size_t t = 0; t < ticks; ++t) {
        const auto& in = inputs[t % inputs.size()];
        for (std::size_t e = 0; e < engines_per_side; ++e) {
            side_a[e]->tick(&in, &tx);
            side_b[e]->tick(&in, &tx);
        }
    }
    r.cpu = thread_cpu_seconds() - t0;
    r.rss_per_conn_kib = (rss_kib() - rss_before) / static_cast<long>(all.size());
    r.connections = all.size();
    for (const auto& c : all) {
        auto s = c.engine->statistics(c.id);
        r.sent += s->packets_sent;
        r.received += s->packets_received;
        r.concealed += s->frames_concealed;
    }
    return r;
}

void scaling(const codecs::registry& reg, const std::vector<std::size_t>& counts, double seconds) {
    std::printf("G.711 (PCMA 20 ms) duplex TDM<->RTP, EC off, RFC 4733 on, %.0f s of audio per run; "
                "load average %s\n", seconds, load_average().c_str());
    std::printf("%6s | %9s %9s | %9s %9s | %6s | %8s | %10s %10s\n", "conns", "bare us/p", "gw us/p",
                "bare ch", "gw ch", "ratio", "KiB/conn", "gw sent", "gw recv");
    for (std::size_t n : counts) {
        std::fflush(stdout);
        const pid_t child = fork();
        if (child < 0) return;
        if (child > 0) {
            int status = 0;
            waitpid(child, &status, 0);
            continue;
        }
        const auto bare = bare_udp_loop(n, seconds);
        const auto gw = pipeline(reg, n, seconds);
        const double audio = seconds * static_cast<double>(gw.connections);  // duplex channel-seconds
        const double bare_ch = seconds * static_cast<double>(n) / bare.cpu;
        const double gw_ch = audio / gw.cpu;
        std::printf("%6zu | %9.2f %9.2f | %9.0f %9.0f | %6.2f | %8ld | %10llu %10llu\n", gw.connections,
                    bare.cpu / static_cast<double>(bare.packets) * 1e6,
                    gw.cpu / static_cast<double>(gw.sent + gw.received) * 1e6, bare_ch, gw_ch, gw_ch / bare_ch,
                    gw.rss_per_conn_kib, static_cast<unsigned long long>(gw.sent),
                    static_cast<unsigned long long>(gw.received));
        std::fflush(stdout);
        _exit(0);
    }
    std::printf("us/p: CPU microseconds per packet sent or received; ch: G.711 duplex channels per core "
                "(seconds of audio per CPU second); ratio: gw ch / bare ch; load average now %s\n",
                load_average().c_str());
}

// ---- delay ------------------------------------------------------------------------------------

struct delay_figures {
    std::vector<double> tdm_to_ip_ms, ip_to_tdm_ms;
};

double ms_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// One connection on ds/e1-1/1 talking to a plain UDP socket, ticked every 10 ms of real time.
delay_figures measure_delay(const codecs::registry& reg, bool rfc4733, std::chrono::milliseconds jitter,
                            bool adaptive, double seconds) {
    delay_figures out;
    media::media_engine_config c;
    c.span = tdm::span_layout::e1();
    c.ports = {30500, 30599};
    auto engine = std::move(*media::media_engine::create(c));
    std::uint16_t peer_port = 0;
    const int peer = udp_socket(peer_port);
    media::connection_params p;
    p.codec.codec = *reg.find("PCMA");
    p.codec.payload_type = 8;
    p.codec.ptime = std::chrono::milliseconds(20);
    if (rfc4733) p.telephone_event_payload_type = 101;
    p.echo_canceller = false;
    p.jitter.nominal = jitter;
    p.jitter.adaptive = adaptive;
    p.remote = media::remote_address{"127.0.0.1", peer_port};
    const auto ts = c.span->bearers().front();
    const auto pos = c.span->position(ts);
    auto conn = engine->create_connection(*engine->find_endpoint(fmt::format("ds/e1-1/{}", ts)), p);
    if (!conn || !connect_to(peer, conn->local_port)) {
        std::fprintf(stderr, "delay: no connection\n");
        std::exit(1);
    }
    tdm::block rx(32, 80), tx(32, 80);
    std::vector<std::int16_t> pcm(80), played(80), payload_pcm(160);
    std::array<std::uint8_t, packet_bytes> pkt{};
    std::array<std::uint8_t, 2048> buf{};
    std::mt19937 rng(7);
    const auto ticks = static_cast<std::size_t>(seconds * 100);
    const auto start = steady::now() + std::chrono::milliseconds(10);
    // (a plain flag beside each time: GCC 12 warns about std::optional<time_point> here)
    steady::time_point tdm_marker{}, ip_marker{};  // TDM time of the marker; arrival of the IP marker
    bool tdm_pending = false, ip_pending = false;
    std::uint16_t seq = 1;
    std::uint32_t rtp_ts = 0;
    for (std::size_t t = 0; t < ticks; ++t) {
        std::this_thread::sleep_until(start + std::chrono::milliseconds(10 * t));
        // IP -> TDM: a packet every other tick, a marker packet every 20 ticks (after 1 s of
        // warm-up, so that the jitter buffer has settled).
        if (t % 2 == 0) {
            const bool marker = t >= 100 && t % 20 == 0 && !ip_pending;
            std::fill(payload_pcm.begin(), payload_pcm.end(), std::int16_t{0});
            if (marker) std::fill_n(payload_pcm.begin(), 8, std::int16_t{16000});
            pkt[0] = 0x80;
            pkt[1] = 8;
            pkt[2] = static_cast<std::uint8_t>(seq >> 8);
            pkt[3] = static_cast<std::uint8_t>(seq);
            for (int i = 0; i < 4; ++i) pkt[4 + i] = static_cast<std::uint8_t>(rtp_ts >> (24 - 8 * i));
            pkt[8] = 0x12;
            codecs::g711::encode_alaw(payload_pcm, std::span<std::uint8_t>(pkt.data() + 12, 160));
            (void)send(peer, pkt.data(), pkt.size(), 0);
            if (marker) {
                ip_marker = steady::now();
                ip_pending = true;
            }
            ++seq;
            rtp_ts += 160;
        }
        // TDM -> IP: a marker burst at a random offset of the block every 20 ticks.
        std::fill(pcm.begin(), pcm.end(), std::int16_t{0});
        const auto tick_time = steady::now();
        if (t >= 100 && t % 20 == 5 && !tdm_pending) {
            const unsigned o = std::uniform_int_distribution<unsigned>(0, 72)(rng);
            std::fill_n(pcm.begin() + o, 8, std::int16_t{16000});
            // The block handed over now was on the line during the last 10 ms.
            tdm_marker = tick_time - std::chrono::milliseconds(10) + std::chrono::microseconds(o * 125);
            tdm_pending = true;
        }
        codecs::g711::encode_alaw(pcm, rx.slot(pos));
        engine->tick(&rx, &tx);
        // What the line plays from now on: sample k of this block at tick_time + k/8000.
        codecs::g711::decode_alaw(tx.slot(pos), played);
        for (unsigned k = 0; k < 80 && ip_pending; ++k)
            if (std::abs(played[k]) > 4000) {
                out.ip_to_tdm_ms.push_back(ms_between(ip_marker, tick_time + std::chrono::microseconds(k * 125)));
                ip_pending = false;
            }
        for (;;) {
            const auto n = recv(peer, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            const auto arrival = steady::now();
            if (n != static_cast<ssize_t>(packet_bytes) || (buf[1] & 0x7f) != 8 || !tdm_pending) continue;
            codecs::g711::decode_alaw(std::span<const std::uint8_t>(buf.data() + 12, 160), payload_pcm);
            for (unsigned k = 0; k < 160; ++k)
                if (std::abs(payload_pcm[k]) > 4000) {
                    // The packet's first sample was on the line k samples before the marker.
                    const auto first = tdm_marker - std::chrono::microseconds(k * 125);
                    out.tdm_to_ip_ms.push_back(ms_between(first, arrival));
                    tdm_pending = false;
                    break;
                }
        }
    }
    close(peer);
    return out;
}

std::string summary(std::vector<double> v) {
    if (v.empty()) return "no marker found";
    std::sort(v.begin(), v.end());
    return fmt::format("min {:.1f} median {:.1f} max {:.1f} ms ({} markers)", v.front(), v[v.size() / 2], v.back(),
                       v.size());
}

void delays(const codecs::registry& reg, double seconds) {
    std::printf("\ngateway-added one-way delay, PCMA 20 ms, real-time ticks of 10 ms; load average %s\n",
                load_average().c_str());
    struct variant {
        const char* label;
        bool rfc4733;
        int jitter_ms;
        bool adaptive;
    } variants[] = {{"no RFC 4733, jitter buffer 10 ms fixed (the floor)", false, 10, false},
                    {"no RFC 4733, jitter buffer 60 ms adaptive (the default)", false, 60, true},
                    {"RFC 4733 negotiated (30 ms DTMF look-ahead toward IP), jitter buffer 10 ms fixed", true, 10, false}};
    for (const auto& v : variants) {
        const auto f = measure_delay(reg, v.rfc4733, std::chrono::milliseconds(v.jitter_ms), v.adaptive, seconds);
        std::printf("%s\n  TDM->IP (packet's first sample on the line -> packet on the socket): %s\n"
                    "  IP->TDM (packet arrival -> its first sample on the line):          %s\n",
                    v.label, summary(f.tdm_to_ip_ms).c_str(), summary(f.ip_to_tdm_ms).c_str());
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 10;
    std::vector<std::size_t> counts = {100, 500, 1000, 2000, 5000};
    bool scale = true, delay = true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "--counts") == 0 && i + 1 < argc) {
            counts.clear();
            for (char* tok = std::strtok(argv[++i], ","); tok != nullptr; tok = std::strtok(nullptr, ","))
                counts.push_back(static_cast<std::size_t>(std::atol(tok)));
        } else if (std::strcmp(argv[i], "--no-delay") == 0) delay = false;
        else if (std::strcmp(argv[i], "--delay-only") == 0) scale = false;
    }
    rlimit nofile{};
    getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
    log::set_default_level(spdlog::level::warn);
    codecs::registry reg;
    codecs::register_core_codecs(reg);
    if (scale) scaling(reg, counts, seconds);
    if (delay) delays(reg, std::max(seconds, 5.0));
    return 0;
}
