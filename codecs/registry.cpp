#include "codecs/registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace tandem::codecs {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Every codec Tandem has in some build, so that a missing one reads as "not built in".
constexpr std::array<std::string_view, 11> known_names = {
    "PCMU", "PCMA", "G729", "G723", "G722", "G726-16", "G726-24", "G726-32", "G726-40", "GSM",
    "L16"};

/// RFC 3551 Table 4: the static payload types of the codecs above.
struct static_pt {
    std::uint8_t pt;
    std::string_view name;
};
constexpr std::array<static_pt, 6> known_static_pts = {
    {{0, "PCMU"}, {3, "GSM"}, {4, "G723"}, {8, "PCMA"}, {9, "G722"}, {18, "G729"}}};

}  // namespace

registry::~registry() = default;

bool is_known_encoding(std::string_view encoding_name) noexcept {
    return std::any_of(known_names.begin(), known_names.end(),
                       [&](std::string_view n) { return iequals(n, encoding_name); });
}

void registry::add(std::unique_ptr<codec_factory> codec) {
    const auto& in = codec->info();
    auto same = std::find_if(codecs_.begin(), codecs_.end(), [&](const auto& c) {
        const auto& i = c->info();
        return iequals(i.encoding_name, in.encoding_name) && i.clock_rate == in.clock_rate &&
               i.channels == in.channels;
    });
    if (same != codecs_.end()) {
        *same = std::move(codec);
    } else {
        codecs_.push_back(std::move(codec));
    }
}

expected<const codec_factory*, codec_error> registry::find(std::string_view encoding_name,
                                                           std::uint32_t clock_rate,
                                                           std::uint8_t channels) const {
    for (const auto& c : codecs_) {
        const auto& i = c->info();
        if (iequals(i.encoding_name, encoding_name) && i.clock_rate == clock_rate &&
            i.channels == channels) {
            return c.get();
        }
    }
    // A known name at a rate we never build (e.g. L16/44100) is simply unknown.
    const bool name_registered = std::any_of(codecs_.begin(), codecs_.end(), [&](const auto& c) {
        return iequals(c->info().encoding_name, encoding_name);
    });
    if (!name_registered && is_known_encoding(encoding_name)) {
        return make_unexpected(codec_error::not_built_in);
    }
    return make_unexpected(codec_error::unknown_codec);
}

expected<const codec_factory*, codec_error> registry::find(std::string_view encoding_name) const {
    for (const auto& c : codecs_) {
        if (iequals(c->info().encoding_name, encoding_name)) return c.get();
    }
    return make_unexpected(is_known_encoding(encoding_name) ? codec_error::not_built_in
                                                            : codec_error::unknown_codec);
}

expected<const codec_factory*, codec_error> registry::find(std::uint8_t payload_type) const {
    for (const auto& c : codecs_) {
        if (c->info().static_payload_type == payload_type) return c.get();
    }
    const bool known = std::any_of(known_static_pts.begin(), known_static_pts.end(),
                                   [&](const static_pt& s) { return s.pt == payload_type; });
    return make_unexpected(known ? codec_error::not_built_in : codec_error::unknown_payload_type);
}

}  // namespace tandem::codecs
