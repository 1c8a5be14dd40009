/// CRCX+DLCX transactions per CPU-second through the gateway's MGCP stack in-process: the
/// transaction engine, parser, agent, serializer, engine_media_control and the real media
/// engines (oRTP sockets bound and closed per connection), with no MGCP socket. One thread does
/// everything, as the daemon's control thread would, and also ticks the media engines every
/// 10 ms of wall time (the daemon does that on other threads): the figures say how much of the
/// CPU went to the ticks, so that agent cost and media-plane cost are told apart.
///
/// Phases: idle (only the churning endpoints exist), then busy (every span bearer and BUSY
/// virtual endpoints hold a recvonly connection, no traffic), each running CRCX rtp/$ + DLCX
/// pairs for SECONDS.
///
/// Usage: mgcp_agent_bench [--busy N] [--seconds S] [--spans N]
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "codecs/core_codecs.hpp"
#include "common/log.hpp"
#include "common/manual_clock.hpp"
#include "gateway/app/engine_media_control.hpp"
#include "gateway/app/mgcp_service.hpp"
#include "gateway/media/media_engine.hpp"

using namespace tandem;
using namespace tandem::gateway;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

/// The value of header line "<name>: " in an MGCP message ("" when absent).
std::string header(const std::string& text, const char* name) {
  const std::string key = std::string("\r\n") + name + ": ";
  const auto at = text.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  return text.substr(start, text.find("\r\n", start) - start);
}

struct bench {
  codecs::registry reg;
  std::vector<std::unique_ptr<media::media_engine>> engines;
  std::unique_ptr<app::engine_media_control> media;
  manual_clock clock;
  counter_set agent_counters{"mgcp_agent"}, transaction_counters{"mgcp"}, media_counters{"mgw_media"};
  std::unique_ptr<app::mgcp_service> service;
  const tandem::mgcp::peer ca{"127.0.0.1", 2727};
  std::string last;  ///< the last datagram the service sent
  unsigned long txid = 1000;
  std::vector<tdm::block> rx, tx;
  double tick_cpu = 0;   ///< media ticks + the control side's poll (frees deleted connections)
  double media_cpu = 0;  ///< media ticks alone (the daemon's span and clock threads)
  std::chrono::steady_clock::time_point next_tick = std::chrono::steady_clock::now();

  std::string command(const std::string& text) {
    last.clear();
    service->on_datagram(ca, text);
    return last;
  }
  /// One media tick of every engine (what the span and clock threads do), then the control
  /// side's periodic poll, as in tandem-mgw.
  void tick() {
    const double t0 = thread_cpu_seconds();
    for (std::size_t i = 0; i < engines.size(); ++i)
      engines[i]->tick(i < rx.size() ? &rx[i] : nullptr, i < tx.size() ? &tx[i] : nullptr);
    const double t1 = thread_cpu_seconds();
    media_cpu += t1 - t0;
    media->poll(service->agent());
    clock.advance(std::chrono::milliseconds(10));
    tick_cpu += thread_cpu_seconds() - t0;
  }
  void tick_when_due() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_tick) return;
    tick();
    next_tick += std::chrono::milliseconds(10);
    if (next_tick < now) next_tick = now + std::chrono::milliseconds(10);  // fell behind: no catch-up burst
  }
  /// CRCX on `endpoint` (recvonly, PCMU); returns the answer.
  std::string crcx(const std::string& endpoint) {
    return command("CRCX " + std::to_string(++txid) + " " + endpoint +
                   "@load.tandem.test MGCP 1.0\r\nC: 1\r\nL: a:PCMU\r\nM: recvonly\r\n");
  }
};

struct phase_result {
  unsigned long ok = 0, refused = 0;
  double cpu = 0, tick_cpu = 0, media_cpu = 0, wall = 0;
};

phase_result run_pairs(bench& b, double seconds) {
  phase_result r;
  b.tick_cpu = 0;
  b.media_cpu = 0;
  const auto wall0 = std::chrono::steady_clock::now();
  const auto deadline = wall0 + std::chrono::duration<double>(seconds);
  const double cpu0 = thread_cpu_seconds();
  while (std::chrono::steady_clock::now() < deadline) {
    for (int burst = 0; burst < 16; ++burst) {
      const auto answer = b.crcx("rtp/$");
      if (answer.rfind("200 ", 0) != 0) {
        ++r.refused;
        b.tick();  // let the media thread catch up (queue full)
        continue;
      }
      ++r.ok;
      const auto z = header(answer, "Z");
      const auto conn = header(answer, "I");
      const auto d = b.command("DLCX " + std::to_string(++b.txid) + " " + z + " MGCP 1.0\r\nC: 1\r\nI: " + conn + "\r\n");
      if (d.rfind("250 ", 0) == 0) ++r.ok;
      else ++r.refused;
    }
    b.tick_when_due();
  }
  r.cpu = thread_cpu_seconds() - cpu0;
  r.tick_cpu = b.tick_cpu;
  r.media_cpu = b.media_cpu;
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

void print(const char* phase, const phase_result& r) {
  const double agent_cpu = r.cpu - r.tick_cpu;
  std::printf("%-5s %9lu ok %6lu refused  CPU %6.2f s (media ticks %5.2f s, poll+free %5.2f s)  %9.0f tx per CPU-s  %9.0f tx per agent CPU-s  %6.1f us/tx\n",
              phase, r.ok, r.refused, r.cpu, r.media_cpu, r.tick_cpu - r.media_cpu, static_cast<double>(r.ok) / r.cpu,
              static_cast<double>(r.ok) / agent_cpu, agent_cpu / static_cast<double>(r.ok) * 1e6);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned busy = 9500, spans = 10;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--busy") == 0) busy = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--spans") == 0) spans = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  // Two descriptors per connection (RTP and RTCP).
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);
  const unsigned bearers = spans * 30;
  const unsigned virtual_busy = busy > bearers ? busy - bearers : 0;
  const unsigned churn = 256;
  if (2 * (bearers + virtual_busy + churn) + 64 > nofile.rlim_cur) {
    std::fprintf(stderr, "--busy %u needs %u descriptors, the limit is %lu\n", busy,
                 2 * (bearers + virtual_busy + churn) + 64, static_cast<unsigned long>(nofile.rlim_cur));
    return 2;
  }

  log::set_default_level(spdlog::level::warn);  // as mgcp_load.py runs the daemon
  bench b;
  codecs::register_core_codecs(b.reg);
  gateway::mgcp::agent_config ac;
  ac.domain = "load.tandem.test";
  ac.codecs = {"PCMU"};
  ac.max_connections_rtp = 2;
  ac.rtp_endpoints = virtual_busy + churn;
  std::uint16_t port = 10000;
  for (unsigned s = 1; s <= spans; ++s) {
    ac.spans.push_back(gateway::mgcp::span_config{s, false, {}});
    media::media_engine_config ec;
    ec.span = tdm::span_layout::e1();
    ec.span_number = s;
    ec.max_connections_per_endpoint = 2;
    ec.ports = {port, static_cast<std::uint16_t>(port + 127)};
    port = static_cast<std::uint16_t>(port + 128);
    b.engines.push_back(std::move(*media::media_engine::create(ec)));
    b.rx.emplace_back(32, 80);
    b.tx.emplace_back(32, 80);
  }
  media::media_engine_config vc;
  vc.virtual_endpoints = ac.rtp_endpoints;
  vc.max_connections_per_endpoint = 2;
  vc.ports = {port, 65000};
  b.engines.push_back(std::move(*media::media_engine::create(vc)));
  std::vector<media::media_engine*> ptrs;
  for (auto& e : b.engines) ptrs.push_back(e.get());
  b.media = std::make_unique<app::engine_media_control>(ptrs, b.reg, "127.0.0.1", b.media_counters);
  b.service = std::make_unique<app::mgcp_service>(ac, b.reg, *b.media, b.clock, b.agent_counters,
                                                  b.transaction_counters,
                                                  [&b](const tandem::mgcp::peer&, std::string_view d) { b.last = d; });
  b.service->agent().start();
  b.clock.advance(std::chrono::milliseconds(10));
  if (b.last.rfind("RSIP ", 0) != 0) {
    std::fprintf(stderr, "no RSIP: %s\n", b.last.c_str());
    return 1;
  }
  b.command("200 " + b.last.substr(5, b.last.find(' ', 5) - 5) + " OK\r\n");

  std::printf("load average %s; %u E1 spans (%u bearers) + %u virtual endpoints; %.0f s per phase\n",
              load_average().c_str(), spans, bearers, ac.rtp_endpoints, seconds);
  const auto idle = run_pairs(b, seconds);
  print("idle", idle);

  // Busy: every bearer, then rtp/1 .. rtp/<busy> (as mgcp_load.py fills them), so that rtp/$
  // has to find the free ones above the busy ones.
  std::vector<std::string> targets;
  for (unsigned s = 1; s <= spans; ++s)
    for (unsigned ts : tdm::span_layout::e1().bearers()) targets.push_back(fmt::format("ds/e1-{}/{}", s, ts));
  for (unsigned n = 1; n <= virtual_busy; ++n) targets.push_back(fmt::format("rtp/{}", n));
  const double fill0 = thread_cpu_seconds();
  std::size_t made = 0;
  for (std::size_t i = 0; i < targets.size();) {
    const auto answer = b.crcx(targets[i]);
    if (answer.rfind("200 ", 0) == 0) {
      ++made;
      ++i;
    } else if (answer.rfind("502 ", 0) != 0 && answer.rfind("403 ", 0) != 0) {
      std::fprintf(stderr, "filling %s: %s\n", targets[i].c_str(), answer.c_str());
      return 1;
    } else {
      b.tick();  // queue full: the media side takes the commands at its tick
    }
  }
  for (int i = 0; i < 3; ++i) b.tick();
  std::printf("filled %zu busy endpoints (recvonly, no traffic) in %.1f CPU-s\n", made, thread_cpu_seconds() - fill0);
  const auto busy_r = run_pairs(b, seconds);
  print("busy", busy_r);
  const double idle_rate = static_cast<double>(idle.ok) / idle.cpu;
  const double busy_rate = static_cast<double>(busy_r.ok) / busy_r.cpu;
  std::printf("busy/idle per CPU-second: %.2f (agent only: %.2f); load average %s\n", busy_rate / idle_rate,
              (static_cast<double>(busy_r.ok) / (busy_r.cpu - busy_r.tick_cpu)) /
                  (static_cast<double>(idle.ok) / (idle.cpu - idle.tick_cpu)),
              load_average().c_str());
  return 0;
}
