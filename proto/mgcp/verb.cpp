#include <array>
#include <utility>

#include "proto/mgcp/detail/text.hpp"
#include "proto/mgcp/message.hpp"

namespace tandem::mgcp {
namespace {

constexpr std::array<std::pair<verb, std::string_view>, 10> verbs{{
    {verb::epcf, "EPCF"}, {verb::crcx, "CRCX"}, {verb::mdcx, "MDCX"}, {verb::dlcx, "DLCX"},
    {verb::rqnt, "RQNT"}, {verb::ntfy, "NTFY"}, {verb::auep, "AUEP"}, {verb::aucx, "AUCX"},
    {verb::rsip, "RSIP"}, {verb::mesg, "MESG"},
}};

}  // namespace

std::string_view verb_text(verb v) { return verbs[static_cast<std::size_t>(v)].second; }

std::optional<verb> find_verb(std::string_view text) {
  for (const auto& [v, name] : verbs)
    if (detail::iequals(text, name)) return v;
  return std::nullopt;
}

}  // namespace tandem::mgcp
