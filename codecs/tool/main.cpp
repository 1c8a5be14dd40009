/// tandem-codec: offline transcoding and codec measurement on WAV and raw files.
/// Usage: see `tandem-codec --help` and docs/codecs.md.
#include <fmt/core.h>

#include <charconv>
#include <string_view>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "codecs/tool/commands.hpp"

namespace {

using namespace tandem::codecs;

constexpr std::string_view usage = R"(usage: tandem-codec <command> [options] [files]

commands:
  list                                   codecs built in, with their frame facts
  transcode --from A --to B IN OUT       encode IN with A, transcode the RTP payloads to B
                                         (library transcoder), decode B into OUT
  roundtrip --codec C IN OUT             encode and decode IN through C; print the quality
  measure REF DEG                        delay (cross-correlation), SNR and segmental SNR
  demo [--input FILE]                    the shipped speech sample through every codec

options:
  --ptime-in MS, --ptime-out MS          packetisation (default: each codec's default)
  --vad                                  VAD/DTX on the encoder (G.729 Annex B)
  --rate HZ                              sample rate of raw input files (default 8000)
  --max-delay MS                         delay search range of `measure` (default 500)

files: .wav (any format libsndfile reads, mono) or raw 16-bit little-endian
       (.raw .pcm .s16 .sln). Exit codes: 0 ok, 1 a codec failed, 2 usage or input error.
)";

bool parse_int(std::string_view s, int& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tandem::codecs::tool;
    if (argc < 2) {
        fmt::print(stderr, "{}", usage);
        return exit_usage;
    }
    const std::string_view command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        fmt::print("{}", usage);
        return exit_ok;
    }
    options opt;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string_view name) -> const char* {
            if (i + 1 >= argc) {
                fmt::print(stderr, "tandem-codec: {} needs a value\n", name);
                return nullptr;
            }
            return argv[++i];
        };
        auto number = [&](std::string_view name, int& out) {
            const char* v = value(name);
            if (v == nullptr) return false;
            if (!parse_int(v, out) || out <= 0) {
                fmt::print(stderr, "tandem-codec: {} wants a positive number, got '{}'\n", name, v);
                return false;
            }
            return true;
        };
        if (a == "--from" || a == "--to" || a == "--codec" || a == "--input") {
            const char* v = value(a);
            if (v == nullptr) return exit_usage;
            (a == "--from" ? opt.from : a == "--to" ? opt.to : a == "--codec" ? opt.codec : opt.input) = v;
        } else if (a == "--ptime-in" || a == "--ptime-out") {
            int ms = 0;
            if (!number(a, ms)) return exit_usage;
            (a == "--ptime-in" ? opt.ptime_in_ms : opt.ptime_out_ms) = ms;
        } else if (a == "--rate") {
            int hz = 0;
            if (!number(a, hz)) return exit_usage;
            opt.raw_rate = static_cast<std::uint32_t>(hz);
        } else if (a == "--max-delay") {
            if (!number(a, opt.max_delay_ms)) return exit_usage;
        } else if (a == "--vad") {
            opt.vad = true;
        } else if (a.starts_with("--")) {
            fmt::print(stderr, "tandem-codec: unknown option '{}'\n", a);
            return exit_usage;
        } else {
            opt.files.emplace_back(a);
        }
    }

    registry reg;
    register_core_codecs(reg);
    register_backend_codecs(reg);

    if (command == "list") return run_list(reg);
    if (command == "transcode") return run_transcode(reg, opt);
    if (command == "roundtrip") return run_roundtrip(reg, opt);
    if (command == "measure") return run_measure(opt);
    if (command == "demo") return run_demo(reg, opt);
    fmt::print(stderr, "tandem-codec: unknown command '{}'\n\n{}", command, usage);
    return exit_usage;
}
