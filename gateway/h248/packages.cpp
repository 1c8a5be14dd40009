#include "gateway/h248/packages.hpp"

#include <algorithm>
#include <array>

namespace tandem::gateway::h248 {

namespace {

namespace h = tandem::h248;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <std::size_t N>
bool in(std::string_view v, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr std::array<std::string_view, 12> known_packages{"g", "root", "tonegen", "tonedet", "dg", "dd",
                                                          "cg", "ct", "nt", "rtp", "tdmc", "it"};
constexpr std::array<std::string_view, 16> digit_items{"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7",
                                                       "d8", "d9", "ds", "do", "da", "db", "dc", "dd"};
constexpr std::array<std::string_view, 9> cg_items{"dt", "rt", "bt", "ct", "sit", "wt", "pt", "cw", "cr"};

/// cg tone id -> the media plane's signal.
std::optional<tandem::mgcp::signal_request> tone(std::string_view id) {
  tandem::mgcp::signal_request s;
  if (id == "rt") s.name = {"G", "rt", ""};
  else if (id == "bt") s.name = {"T", "bz", ""};
  else if (id == "ct") s.name = {"G", "cg", ""};
  else if (id == "sit") s.name = {"G", "it", ""};
  else return std::nullopt;
  return s;
}

/// dd/dg item -> the digit character ("ds" -> '*').
std::optional<char> digit_of(std::string_view item) {
  if (item.size() != 2 || item[0] != 'd') return std::nullopt;
  const char c = item[1];
  if (c >= '0' && c <= '9') return c;
  if (c == 's') return '*';
  if (c == 'o') return '#';
  if (c >= 'a' && c <= 'd') return static_cast<char>(c - 'a' + 'A');
  return std::nullopt;
}

std::optional<std::string> tone_list_of(const h::signal_request& s) {
  for (const auto& p : s.parameters)
    if (lower(p.name) == "tl" && !p.value.values.empty()) return lower(p.value.values.front());
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_name(std::string_view name) {
  const auto slash = name.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return std::make_pair(lower(name.substr(0, slash)), lower(name.substr(slash + 1)));
}

item_support event_support(std::string_view name, bool on_rtp, bool on_root) {
  auto n = split_name(name);
  if (!n || !in(n->first, known_packages)) return item_support::no_such_package;
  const auto& [pkg, item] = *n;
  if (pkg == "it") {
    if (item != "ito") return item_support::no_such_item;
    return on_root ? item_support::supported : item_support::unequipped;
  }
  if (on_root) return item_support::unequipped;
  if (pkg == "dd") {
    if (in(item, digit_items)) return item_support::supported;
    if (item == "ce") return on_rtp ? item_support::unequipped : item_support::supported;
    return item_support::no_such_item;
  }
  if (pkg == "tonedet") {
    if (item == "std") return on_rtp ? item_support::unequipped : item_support::supported;
    return item == "etd" || item == "ltd" ? item_support::unequipped : item_support::no_such_item;
  }
  if (pkg == "ct") {
    if (item == "cmp") return on_rtp ? item_support::unequipped : item_support::supported;
    return item_support::no_such_item;
  }
  if (pkg == "nt") {
    if (item == "netfail") return on_rtp ? item_support::supported : item_support::unequipped;
    return item == "qualert" ? item_support::unequipped : item_support::no_such_item;
  }
  if (pkg == "rtp") return item == "pltrans" ? item_support::unequipped : item_support::no_such_item;
  if (pkg == "g") return item == "sc" || item == "cause" ? item_support::supported : item_support::no_such_item;
  return item_support::no_such_item;
}

item_support signal_support(const h::signal_request& s) {
  auto n = split_name(s.name);
  if (!n || !in(n->first, known_packages)) return item_support::no_such_package;
  const auto& [pkg, item] = *n;
  if (pkg == "dg") return in(item, digit_items) ? item_support::supported : item_support::no_such_item;
  if (pkg == "cg") {
    if (!in(item, cg_items)) return item_support::no_such_item;
    return tone(item) ? item_support::supported : item_support::unequipped;
  }
  if (pkg == "tonegen") {
    if (item != "pt") return item_support::no_such_item;
    auto tl = tone_list_of(s);
    return tl && tone(*tl) ? item_support::supported : item_support::unequipped;
  }
  if (pkg == "ct") return item == "ct" || item == "rsp" ? item_support::supported : item_support::no_such_item;
  return item_support::no_such_item;
}

item_support property_support(std::string_view name, bool on_rtp) {
  auto n = split_name(name);
  if (!n || !in(n->first, known_packages)) return item_support::no_such_package;
  const auto& [pkg, item] = *n;
  if (pkg == "tdmc") {
    if (item != "ec" && item != "gain") return item_support::no_such_item;
    return on_rtp ? item_support::unequipped : item_support::supported;
  }
  if (pkg == "nt") return item == "jit" ? item_support::supported : item_support::no_such_item;
  return item_support::no_such_item;
}

std::optional<tandem::mgcp::signal_request> media_signal(const h::signal_request& s) {
  auto n = split_name(s.name);
  if (!n) return std::nullopt;
  const auto& [pkg, item] = *n;
  if (pkg == "dg") {
    auto d = digit_of(item);
    if (!d) return std::nullopt;
    tandem::mgcp::signal_request r;
    r.name = {"D", std::string(1, *d), ""};
    return r;
  }
  if (pkg == "cg") return tone(item);
  if (pkg == "tonegen") {
    auto tl = tone_list_of(s);
    return tl ? tone(*tl) : std::nullopt;
  }
  if (pkg == "ct") {
    tandem::mgcp::signal_request r;
    r.name = item == "ct" ? tandem::mgcp::event_name{"T", "co1", ""} : tandem::mgcp::event_name{"T", "lb", ""};
    return r;
  }
  return std::nullopt;
}

bool is_brief(const h::signal_request& s) {
  if (s.type) return *s.type == h::signal_type::brief;
  auto n = split_name(s.name);
  return n && n->first == "dg";  // E.5: digits are brief; tones are timeout signals
}

std::optional<h::event_spec> h248_event(const tandem::mgcp::observed_event& e) {
  const auto pkg = lower(e.name.package);
  h::event_spec out;
  if (pkg == "d" && e.name.event.size() == 1) {
    const char c = e.name.event[0];
    std::string item;
    if (c >= '0' && c <= '9') item = std::string("d") + c;
    else if (c == '*') item = "ds";
    else if (c == '#') item = "do";
    else if (c >= 'A' && c <= 'D') item = std::string("d") + static_cast<char>(c - 'A' + 'a');
    else return std::nullopt;
    out.name = "dd/" + item;
    return out;
  }
  if (pkg == "g" && lower(e.name.event) == "ft") {
    out.name = "tonedet/std";
    out.parameters.push_back({"tid", {h::relation::equal, h::value_form::single, {"ans"}}});
    return out;
  }
  if ((pkg == "t" || pkg == "r") && (lower(e.name.event) == "co1" || lower(e.name.event) == "co2")) {
    out.name = "ct/cmp";
    out.parameters.push_back({"res", {h::relation::equal, h::value_form::single, {"success"}}});
    return out;
  }
  if (pkg == "r" && lower(e.name.event) == "rto") {
    out.name = "nt/netfail";
    out.parameters.push_back({"cs", {h::relation::equal, h::value_form::single, {"\"RTP timeout\""}}});
    return out;
  }
  return std::nullopt;
}

const std::vector<h::package_item>& implemented_packages() {
  static const std::vector<h::package_item> list = [] {
    std::vector<h::package_item> v;
    for (auto p : known_packages) v.push_back({std::string(p), 1});
    return v;
  }();
  return list;
}

std::vector<std::string> supported_events(bool on_rtp) {
  std::vector<std::string> out;
  if (on_rtp) {
    out.push_back("nt/netfail");
  } else {
    for (auto d : digit_items) out.push_back("dd/" + std::string(d));
    out.push_back("dd/ce");
    out.push_back("tonedet/std");
    out.push_back("ct/cmp");
  }
  out.push_back("g/sc");
  out.push_back("g/cause");
  return out;
}

std::vector<std::string> supported_signals() {
  std::vector<std::string> out{"cg/rt", "cg/bt", "cg/ct", "cg/sit", "tonegen/pt", "ct/ct", "ct/rsp"};
  for (auto d : digit_items) out.push_back("dg/" + std::string(d));
  return out;
}

}  // namespace tandem::gateway::h248
