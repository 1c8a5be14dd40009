#include "gateway/mgcp/packages.hpp"

#include <fmt/format.h>

#include "proto/mgcp/detail/text.hpp"

namespace tandem::gateway::mgcp {

namespace {

using namespace std::chrono_literals;
using tandem::mgcp::detail::iequals;

// RFC 3660 §2.1 Generic Media package.
constexpr package_item generic_items[] = {
    {"mt", true, signal_type::none, 0ms, false, "modem tones detected"},
    {"ft", true, signal_type::none, 0ms, false, "fax tones detected"},
    {"ld", true, signal_type::none, 0ms, false, "long duration connection"},
    {"oc", true, signal_type::none, 0ms, false, "operation complete"},
    {"of", true, signal_type::none, 0ms, false, "operation failure"},
    {"rt", false, signal_type::time_out, 180s, false, "ringback tone"},
    {"cf", false, signal_type::brief, 0ms, false, "confirmation tone"},
    {"cg", false, signal_type::time_out, 30s, false, "network congestion tone"},
    {"it", false, signal_type::time_out, 30s, false, "intercept tone"},
    {"pt", false, signal_type::time_out, 30s, false, "preemption tone"},
    {"rbk", false, signal_type::time_out, 180s, true, "ringback on connection"},
};

// RFC 3660 §2.2 DTMF package: digits are events and brief signals.
constexpr package_item dtmf_items[] = {
    {"0", true, signal_type::brief, 0ms, false, "digit"}, {"1", true, signal_type::brief, 0ms, false, "digit"}, {"2", true, signal_type::brief, 0ms, false, "digit"},
    {"3", true, signal_type::brief, 0ms, false, "digit"}, {"4", true, signal_type::brief, 0ms, false, "digit"}, {"5", true, signal_type::brief, 0ms, false, "digit"},
    {"6", true, signal_type::brief, 0ms, false, "digit"}, {"7", true, signal_type::brief, 0ms, false, "digit"}, {"8", true, signal_type::brief, 0ms, false, "digit"},
    {"9", true, signal_type::brief, 0ms, false, "digit"}, {"*", true, signal_type::brief, 0ms, false, "digit"}, {"#", true, signal_type::brief, 0ms, false, "digit"},
    {"A", true, signal_type::brief, 0ms, false, "digit"}, {"B", true, signal_type::brief, 0ms, false, "digit"}, {"C", true, signal_type::brief, 0ms, false, "digit"},
    {"D", true, signal_type::brief, 0ms, false, "digit"},
    {"L", true, signal_type::none, 0ms, false, "long duration digit"},
    {"T", true, signal_type::none, 0ms, false, "interdigit timer"},
    {"X", true, signal_type::none, 0ms, false, "any digit 0-9"},
    {"oc", true, signal_type::none, 0ms, false, "operation complete"},
    {"of", true, signal_type::none, 0ms, false, "operation failure"},
};

// RFC 3660 §2.3 Trunk package (durations as its table gives them; a time-out of 0 is
// "TO infinite": the signal plays until stopped, or for its to= when one is given).
constexpr package_item trunk_items[] = {
    {"co1", true, signal_type::time_out, 3s, false, "continuity tone (single tone)"},
    {"co2", true, signal_type::time_out, 3s, false, "continuity test (dual tone)"},
    {"bz", false, signal_type::time_out, 30s, false, "busy tone"},
    {"lb", false, signal_type::on_off, 0ms, false, "loopback"},
    {"om", false, signal_type::time_out, 3s, false, "old milliwatt tone (1000 Hz)"},
    {"nm", false, signal_type::time_out, 3s, false, "new milliwatt tone (1004 Hz)"},
    {"tl", false, signal_type::time_out, 0ms, false, "test line"},
    {"zz", false, signal_type::time_out, 2s, false, "no circuit"},
    {"qt", false, signal_type::on_off, 0ms, false, "quiet termination"},
    {"ro", false, signal_type::time_out, 30s, false, "reorder tone"},
    {"oc", true, signal_type::none, 0ms, false, "operation complete"},
    {"of", true, signal_type::none, 0ms, false, "operation failure"},
};

// RFC 3660 §2.7 RTP package.
constexpr package_item rtp_items[] = {
    {"rto", true, signal_type::none, 0ms, true, "RTP/RTCP timeout"},
    {"iu", true, signal_type::none, 0ms, true, "ICMP unreachable"},
    {"ma", true, signal_type::none, 0ms, true, "media start"},
    {"uc", true, signal_type::none, 0ms, true, "used codec changed"},
    {"sr", true, signal_type::none, 0ms, true, "sampling rate changed"},
    {"ji", true, signal_type::none, 0ms, true, "jitter buffer size changed"},
    {"pl", true, signal_type::none, 0ms, true, "packet loss exceeded"},
    {"qa", true, signal_type::none, 0ms, true, "quality alert"},
    {"co1", true, signal_type::time_out, 3s, true, "continuity tone on the connection"},
    {"co2", true, signal_type::time_out, 3s, true, "continuity test on the connection"},
};

constexpr package packages[] = {
    {"G", 1, "generic media", generic_items},
    {"D", 1, "DTMF", dtmf_items},
    {"T", 1, "trunk", trunk_items},
    {"R", 1, "RTP", rtp_items},
};

const package_item* find_item(const package& p, std::string_view name) {
  for (const auto& i : p.items)
    if (iequals(i.name, name)) return &i;
  return nullptr;
}

/// "[0-9#*T]": every character a D event (or a range of digits).
bool is_dtmf_range(std::string_view e) {
  if (e.size() < 3 || e.front() != '[' || e.back() != ']') return false;
  for (char c : e.substr(1, e.size() - 2))
    if (!(tandem::mgcp::detail::is_digit(c) || c == '-' || c == '#' || c == '*' ||
          (c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd') || c == 'T' || c == 't' || c == 'X' ||
          c == 'x'))
      return false;
  return true;
}

rejection reject(failure f, std::string text) { return rejection{f, std::move(text)}; }

}  // namespace

std::span<const package> supported_packages() { return packages; }

const package* find_package(std::string_view name) {
  for (const auto& p : packages)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

expected<resolved_item, rejection> resolve(const tandem::mgcp::event_name& n, bool for_signal) {
  const std::string written = n.package.empty() ? n.event : n.package + "/" + n.event;
  if (n.package == "*") {
    if (for_signal || !n.is_all()) return make_unexpected(reject(failure::unknown_event, "bad */event"));
    return resolved_item{};
  }
  std::vector<const package*> candidates;
  if (n.package.empty()) {
    for (const auto& p : packages) candidates.push_back(&p);
  } else {
    const package* p = find_package(n.package);
    if (p == nullptr) return make_unexpected(reject(failure::unknown_package, "unsupported package " + n.package));
    candidates.push_back(p);
  }
  for (const package* p : candidates) {
    if (!for_signal && n.is_all()) return resolved_item{p, nullptr};
    if (!for_signal && p->name == "D" && is_dtmf_range(n.event)) return resolved_item{p, nullptr};
    const package_item* item = find_item(*p, n.event);
    if (item == nullptr) continue;
    if (for_signal ? item->signal == signal_type::none : !item->detectable) continue;
    if (!n.connection.empty() && !item->per_connection)
      return make_unexpected(reject(failure::event_parameter_error, written + " takes no connection"));
    return resolved_item{p, item};
  }
  return make_unexpected(reject(failure::unknown_event,
                                std::string(for_signal ? "no such signal " : "no such event ") + written));
}

std::string canonical(const resolved_item& r, std::string_view as_written) {
  if (r.pkg == nullptr) return "*/all";
  return fmt::format("{}/{}", r.pkg->name, r.item != nullptr ? r.item->name : as_written);
}

}  // namespace tandem::gateway::mgcp
