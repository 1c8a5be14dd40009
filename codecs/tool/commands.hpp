#pragma once
/// Subcommands of tandem-codec (codecs/tool/main.cpp parses the command line).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codecs/registry.hpp"

namespace tandem::codecs::tool {

/// Exit codes: 0 success, 1 a codec failed (demo), 2 usage or input error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;

struct options {
    std::string from;
    std::string to;
    std::string codec;
    std::optional<int> ptime_in_ms;
    std::optional<int> ptime_out_ms;
    bool vad = false;
    std::uint32_t raw_rate = 8000;  // sample rate of raw (headerless) input files
    int max_delay_ms = 500;
    std::string input;              // demo: speech file instead of the shipped one
    std::vector<std::string> files;
};

int run_list(const registry& reg);
int run_transcode(const registry& reg, const options& opt);
int run_roundtrip(const registry& reg, const options& opt);
int run_measure(const options& opt);
int run_demo(const registry& reg, const options& opt);

}  // namespace tandem::codecs::tool
