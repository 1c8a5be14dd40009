/// Parse + serialise throughput of a typical CRCX with SDP and of its 200 answer with SDP, in
/// messages per second on one core ("items_per_second"). The *_lazy_sdp variants keep the SDP
/// as text (parse_options::validate_sdp = false); the others run Sofia's SDP parser on it.
#include <benchmark/benchmark.h>

#include <string>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "proto/sdp/session.hpp"

namespace {

using namespace tandem::mgcp;

const std::string crcx =
    "CRCX 1204 ds/e1-1/17@mgw1.example.net MGCP 1.0\r\n"
    "C: A3C47F21456789F0\r\n"
    "L: p:20, a:PCMA;G729;telephone-event, e:on, s:off\r\n"
    "M: recvonly\r\n"
    "N: ca@ca1.example.net:2727\r\n"
    "X: 0123456789AD\r\n"
    "R: L/hu(N), D/[0-9#*T](D)\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 25678 753849 IN IP4 10.1.1.10\r\n"
    "s=-\r\n"
    "c=IN IP4 10.1.1.10\r\n"
    "t=0 0\r\n"
    "m=audio 16384 RTP/AVP 8 18 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n";

const std::string ok200 =
    "200 1204 OK\r\n"
    "I: FDE234C8\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 4723891 7428910 IN IP4 10.1.1.20\r\n"
    "s=-\r\n"
    "c=IN IP4 10.1.1.20\r\n"
    "t=0 0\r\n"
    "m=audio 20000 RTP/AVP 18 101\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n";

void round_trip(benchmark::State& state, const std::string& text, bool validate_sdp) {
  parse_options po;
  po.validate_sdp = validate_sdp;
  std::string out;
  for (auto _ : state) {
    auto m = parse_message(text, po);
    if (!m) state.SkipWithError("parse failed");
    out.clear();
    serialize_to(out, *m);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void crcx_with_sdp(benchmark::State& s) { round_trip(s, crcx, true); }
void crcx_with_sdp_lazy_sdp(benchmark::State& s) { round_trip(s, crcx, false); }
void ok200_with_sdp(benchmark::State& s) { round_trip(s, ok200, true); }
void ok200_with_sdp_lazy_sdp(benchmark::State& s) { round_trip(s, ok200, false); }

void sofia_sdp_validate_only(benchmark::State& state) {
  const std::string sdp = crcx.substr(crcx.find("v=0"));
  for (auto _ : state) benchmark::DoNotOptimize(tandem::sdp::validate(sdp).has_value());
  state.SetItemsProcessed(state.iterations());
}

void crcx_parse_only_lazy_sdp(benchmark::State& state) {
  for (auto _ : state) {
    parse_options po;
    po.validate_sdp = false;
    auto m = parse_message(crcx, po);
    benchmark::DoNotOptimize(m.has_value());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(crcx_with_sdp);
BENCHMARK(crcx_with_sdp_lazy_sdp);
BENCHMARK(ok200_with_sdp);
BENCHMARK(ok200_with_sdp_lazy_sdp);
BENCHMARK(crcx_parse_only_lazy_sdp);
BENCHMARK(sofia_sdp_validate_only);

}  // namespace

BENCHMARK_MAIN();
