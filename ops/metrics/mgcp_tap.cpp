#include "ops/metrics/mgcp_tap.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace tandem::ops::metrics {
namespace {

/// Latency buckets: 1 ms .. 30 s (a command retransmitted up to Max2 times takes seconds).
const std::vector<double>& latency_bounds() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,      2.5,   5,    10,    30};
  return b;
}

const std::vector<double>& retransmission_bounds() {
  static const std::vector<double> b = {0, 1, 2, 3, 4, 5, 6, 7};
  return b;
}

/// The first two words of each message of a datagram (§3.5.5: messages separated by ".").
std::vector<std::pair<std::string_view, std::string_view>> heads(std::string_view datagram) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  bool at_message_start = true;
  while (!datagram.empty()) {
    const auto nl = datagram.find('\n');
    std::string_view line = datagram.substr(0, nl);
    datagram = nl == std::string_view::npos ? std::string_view{} : datagram.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == ".") {
      at_message_start = true;
      continue;
    }
    if (!at_message_start) continue;
    at_message_start = false;
    const auto sp1 = line.find_first_of(" \t");
    if (sp1 == std::string_view::npos) continue;
    std::string_view first = line.substr(0, sp1);
    std::string_view rest = line.substr(sp1);
    const auto start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    rest = rest.substr(start);
    std::string_view second = rest.substr(0, rest.find_first_of(" \t"));
    out.emplace_back(first, second);
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool is_verb(std::string_view s) {
  // RFC 3435 §3.2.1: four-letter verbs; extensions start with X and are four characters too.
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) != 0; }) &&
         std::isalpha(static_cast<unsigned char>(s[0])) != 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

mgcp_tap::mgcp_tap(registry& registry, std::chrono::seconds max_age, std::size_t max_pending)
    : registry_(registry), max_age_(max_age), max_pending_(max_pending) {
  registry_.adopt(counters_, {{"mgcp_tap.responses.{verb}.{code}", "mgcp_tap_responses"}});
  registry_.describe("tandem_mgcp_tap_responses", "Final MGCP responses received to commands this daemon sent, by verb and code");
  registry_.describe("tandem_mgcp_tap_abandoned",
                     "MGCP commands sent that got no final response within the tap's memory (120 s)");
  counters_.get("abandoned");
}

mgcp_tap::~mgcp_tap() { registry_.forget(counters_); }

histogram& mgcp_tap::latency_of(const std::string& verb) {
  auto& h = latency_[verb];
  if (h == nullptr)
    h = &registry_.histogram_of("tandem_mgcp_transaction_seconds",
                                "Time from a command's first transmission to its final response (RFC 3435 §3.5)",
                                latency_bounds(), {{"verb", verb}});
  return *h;
}

histogram& mgcp_tap::retransmissions_of(const std::string& verb) {
  auto& h = retransmissions_[verb];
  if (h == nullptr)
    h = &registry_.histogram_of("tandem_mgcp_transaction_retransmissions",
                                "Retransmissions of a command before its final response (RFC 3435 §3.5.3)",
                                retransmission_bounds(), {{"verb", verb}});
  return *h;
}

void mgcp_tap::on_sent(std::string_view peer, std::string_view datagram, time_point now) {
  for (const auto& [first, second] : heads(datagram)) {
    if (!is_verb(first) || !all_digits(second)) continue;  // a response, or not MGCP
    auto key = std::make_pair(std::string(peer), std::string(second));
    if (auto it = pending_.find(key); it != pending_.end()) {
      ++it->second.transmissions;
      continue;
    }
    if (pending_.size() >= max_pending_) expire(now);
    if (pending_.size() >= max_pending_) {
      counters_.get("abandoned").add();
      pending_.erase(std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
        return a.second.first < b.second.first;
      }));
    }
    pending_.emplace(std::move(key), outstanding{lower(first), now, 1});
  }
}

void mgcp_tap::on_received(std::string_view peer, std::string_view datagram, time_point now) {
  for (const auto& [first, second] : heads(datagram)) {
    if (first.size() != 3 || !all_digits(first) || !all_digits(second)) continue;  // commands are not ours
    if (first == "000" || first[0] == '1') continue;  // ack or provisional: not the end
    auto it = pending_.find(std::make_pair(std::string(peer), std::string(second)));
    if (it == pending_.end()) continue;  // a repeated response, or a command sent before we knew
    const auto& o = it->second;
    latency_of(o.verb).observe(std::chrono::duration<double>(now - o.first).count());
    retransmissions_of(o.verb).observe(static_cast<double>(o.transmissions - 1));
    counters_.get("responses." + o.verb + "." + std::string(first)).add();
    pending_.erase(it);
  }
  expire(now);
}

void mgcp_tap::expire(time_point now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.first > max_age_) {
      counters_.get("abandoned").add();
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace tandem::ops::metrics
