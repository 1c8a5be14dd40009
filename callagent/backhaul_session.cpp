#include "callagent/backhaul_session.hpp"

#include <fmt/format.h>

#include "common/log.hpp"

namespace tandem::callagent {

namespace {
std::shared_ptr<spdlog::logger> backhaul_log() {
  static auto logger = log::get("backhaul");
  return logger;
}
}  // namespace

backhaul_session::backhaul_session(std::string peer, const pri_link_map& links, byte_sender send,
                                   counter_set& counters)
    : peer_(std::move(peer)), links_(links), send_(std::move(send)), counters_(counters) {}

backhaul_session::~backhaul_session() { detach_all(); }

void backhaul_session::detach_all() {
  for (auto& [span, link] : attached_) link->detach_from(this);
  attached_.clear();
}

bool backhaul_session::on_bytes(std::span<const std::uint8_t> bytes) {
  reader_.feed(bytes);
  in_burst_ = true;
  bool good = true;
  for (;;) {
    auto next = reader_.next();
    if (!next) {
      counters_.get("backhaul.rx.bad_frame").add();
      backhaul_log()->warn("{} {}: bad frame: {}; closing", peer_, gateway_, backhaul::to_string(next.error()));
      good = false;
      break;
    }
    if (!next->has_value()) break;
    if (!on_message(**next)) {
      good = false;
      break;
    }
  }
  in_burst_ = false;
  // What the burst produced goes out even when the stream turned bad: the caller closes
  // after, as it would have after writing each message on its own.
  flush();
  return good;
}

void backhaul_session::flush() {
  if (out_.empty()) return;
  send_(out_);
  out_.clear();  // keeps the buffer's capacity for the next burst
}

bool backhaul_session::on_message(const backhaul::message& m) {
  if (gateway_.empty() && !std::holds_alternative<backhaul::hello>(m)) {
    // docs/backhaul.md: the gateway sends its hello first on every connection.
    counters_.get("backhaul.rx.no_hello").add();
    backhaul_log()->warn("{}: message before the hello; closing", peer_);
    return false;
  }
  if (const auto* h = std::get_if<backhaul::hello>(&m)) return on_hello(*h);
  if (const auto* f = std::get_if<backhaul::dchannel_frame>(&m)) {
    auto it = attached_.find(f->span);
    if (it == attached_.end()) {
      counters_.get("backhaul.rx.dropped.unknown_span").add();
      backhaul_log()->debug("{} {}: frame for span {} without a PRI link dropped", peer_, gateway_, f->span);
      return true;
    }
    counters_.get("backhaul.rx.dchannel").add();
    it->second->on_frame(f->payload);
    return true;
  }
  if (const auto* s = std::get_if<backhaul::span_status>(&m)) {
    counters_.get("backhaul.rx.span_status").add();
    if (s->alarms != 0)
      backhaul_log()->warn("{} {} span {}: alarms 0x{:02x}", peer_, gateway_, s->span, s->alarms);
    else
      backhaul_log()->info("{} {} span {}: in service", peer_, gateway_, s->span);
    return true;
  }
  if (const auto* k = std::get_if<backhaul::keepalive>(&m)) {
    counters_.get("backhaul.rx.keepalive").add();
    if (!k->reply) send(backhaul::keepalive{true});
    return true;
  }
  return true;
}

bool backhaul_session::on_hello(const backhaul::hello& h) {
  if (!gateway_.empty()) {
    counters_.get("backhaul.rx.duplicate_hello").add();
    backhaul_log()->warn("{} {}: second hello ignored", peer_, gateway_);
    return true;
  }
  bool known = false;
  for (const auto& [key, link] : links_)
    if (key.first == h.name) known = true;
  if (!known) {
    counters_.get("backhaul.rx.unknown_gateway").add();
    backhaul_log()->warn("{}: hello from '{}', which has no PRI span here; closing", peer_, h.name);
    return false;
  }
  gateway_ = h.name;
  counters_.get("backhaul.rx.hello").add();
  backhaul_log()->info("{}: gateway {} connected with {} span(s)", peer_, gateway_, h.spans.size());
  send(backhaul::hello{"callagent", {}});
  for (const auto& s : h.spans) {
    auto it = links_.find({gateway_, s.number});
    if (it == links_.end()) {
      backhaul_log()->info("{} span {}: no PRI trunk group here, frames will be dropped", gateway_, s.number);
      continue;
    }
    backhauled_pri_link* link = it->second;
    const std::uint16_t span = s.number;
    attached_[span] = link;
    link->attach([this, span](std::span<const std::uint8_t> payload) {
      send(backhaul::dchannel_frame{span, std::vector<std::uint8_t>(payload.begin(), payload.end())});
    }, this);
  }
  return true;
}

void backhaul_session::send(const backhaul::message& m) {
  // encode() appends, and appends nothing on failure: the burst buffer stays whole.
  if (auto r = backhaul::encode(m, out_); !r) {
    counters_.get("backhaul.tx.encode_failed").add();
    backhaul_log()->warn("{} {}: cannot encode: {}", peer_, gateway_, backhaul::to_string(r.error()));
    return;
  }
  if (!in_burst_) flush();
}

}  // namespace tandem::callagent
