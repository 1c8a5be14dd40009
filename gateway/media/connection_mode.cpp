#include "gateway/media/connection_mode.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace tandem::gateway::media {

namespace {
constexpr std::array<std::pair<connection_mode, std::string_view>, 9> names{{
    {connection_mode::inactive, "inactive"},
    {connection_mode::sendonly, "sendonly"},
    {connection_mode::recvonly, "recvonly"},
    {connection_mode::sendrecv, "sendrecv"},
    {connection_mode::confrnce, "confrnce"},
    {connection_mode::loopback, "loopback"},
    {connection_mode::conttest, "conttest"},
    {connection_mode::netwloop, "netwloop"},
    {connection_mode::netwtest, "netwtest"},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    return true;
}
}  // namespace

std::string_view to_string(connection_mode m) noexcept {
    for (const auto& [mode, name] : names)
        if (mode == m) return name;
    return "?";
}

std::optional<connection_mode> parse_connection_mode(std::string_view s) noexcept {
    for (const auto& [mode, name] : names)
        if (iequals(s, name)) return mode;
    return std::nullopt;
}

}  // namespace tandem::gateway::media
