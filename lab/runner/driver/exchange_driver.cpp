#include "lab/runner/driver/exchange_driver.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "lab/runner/driver/sipp_scenarios.hpp"
#include "lab/runner/topology/ports.hpp"

namespace tandem::lab::runner {

void exchange_driver::on_event(const std::string& node, const json& ev) {
  if (!ev.contains("call")) return;  // span events: link state, alarms
  auto& n = nodes_[node];
  const auto id = ev.value("call", 0U);
  auto& leg = n.legs[id];
  leg_event e;
  e.name = ev.value("event", "");
  if (ev.contains("cause") && ev["cause"].is_object()) {
    e.cause = ev["cause"].value("value", 0);
    e.cause_text = ev["cause"].value("text", "");
  }
  leg.state = ev.value("state", leg.state);
  leg.channel = ev.value("channel", leg.channel);
  if (e.name == "setup" && ev.value("direction", "") == "incoming")
    n.unclaimed.push_back({id, ev.value("called", ""), ev.value("calling", "")});
  leg.events.push_back(std::move(e));
}

void exchange_driver::drain(const std::string& node, control_client& client) {
  for (const auto& ev : client.take_events()) on_event(node, ev);
}

expected<std::uint32_t, std::string> exchange_driver::place_sip_call(const std::string& node, const std::string& called,
                                                                    const std::string& calling) {
  const auto* peer = lab_.config().sip_peer(node);
  const auto sipp = find_program("sipp", {});
  if (sipp.empty()) return make_unexpected("sipp is not installed (apt-get install sip-tester)");
  const auto id = ++next_sip_call_;
  const auto base = fmt::format("{}/{}-call{}", lab_.run_dir(), node, id);
  std::ofstream(base + ".xml") << sipp_uac_xml(calling, peer->codec);
  const auto port = free_udp_port();
  const auto media = free_media_port();
  if (port == 0 || media == 0) return make_unexpected("no free UDP port for sipp");
  auto child = child_process::start(
      sipp,
      {fmt::format("127.0.0.1:{}", lab_.ports().ca_sip), "-sf", base + ".xml", "-s", called, "-i", "127.0.0.1", "-p",
       std::to_string(port), "-mi", "127.0.0.1", "-mp", std::to_string(media), "-rtp_echo", "-m", "1", "-nostdin",
       "-timeout", "3600s", "-trace_msg", "-message_file", base + ".messages"},
      base + ".log");
  if (!child) return make_unexpected(fmt::format("{}: {}", node, child.error()));
  auto& c = sip_calls_[id];
  c.process = std::move(*child);
  c.trace_path = base + ".messages";
  c.leg.state = "invite_sent";
  return id;
}

void exchange_driver::read_sip_call(sip_call& c) {
  std::ifstream in(c.trace_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  leg_record leg;
  leg.state = "invite_sent";
  auto add = [&leg](std::string name, std::string state) {
    if (leg.find(name) == nullptr) leg.events.push_back({std::move(name), std::nullopt, ""});
    leg.state = std::move(state);
  };
  for (const auto& m : parse_sipp_trace(text.str())) {
    if (!m.received) continue;
    if (m.status) {
      const int s = *m.status;
      if (s == 100) add("proceeding", "proceeding");
      if (s == 180 || s == 183) add("alerting", "alerting");
      if (s >= 200 && !leg.sip_status) {
        leg.sip_status = s;  // the INVITE's final response comes first (the BYE's 200 is ours)
        if (s < 300) add("connect", "active");
      }
      if (s >= 300 && leg.find("release") == nullptr)
        leg.events.push_back({"release", q850_cause_of_sip_status(s), fmt::format("SIP {}, RFC 3398", s)});
    } else if (m.method == "BYE") {
      add("disconnect", "disconnected");
      add("release", "released");
    }
  }
  if (c.process && !c.process->running() && leg.find("release") == nullptr) {
    leg.events.push_back({"release", std::nullopt, fmt::format("sipp ended ({})", c.process->status_text())});
    leg.state = "released";
  }
  c.leg = std::move(leg);
}

void exchange_driver::pump(std::chrono::milliseconds wait) {
  for (auto& [id, c] : sip_calls_) read_sip_call(c);
  // The wait is spent on the first node; the others are read without waiting.
  bool first = true;
  for (auto& n : lab_.nodes()) {
    if (!n.control) continue;
    n.control->pump(first ? wait : std::chrono::milliseconds{0});
    first = false;
    drain(n.plan.name, *n.control);
  }
}

expected<json, std::string> exchange_driver::request(const std::string& node, const std::string& cmd, json fields) {
  if (lab_.config().sip_peer(node) != nullptr) {
    // A SIP leg has no control connection: sipp answers, echoes RTP and ends on the far
    // end's BYE. A hang-up asked by the runner's clean-up ends a UAC still running.
    if (cmd != "hangup")
      return make_unexpected(fmt::format("{} is a SIP user agent: it cannot {} (check media at the exchange; sipp echoes "
                                         "the RTP it gets)",
                                         node, cmd));
    if (auto it = sip_calls_.find(fields.value("call", 0U)); it != sip_calls_.end() && it->second.process)
      it->second.process->stop(std::chrono::milliseconds{1000});
    return json::object();
  }
  auto* n = lab_.node(node);
  if (n == nullptr || !n->control) return make_unexpected(fmt::format("no node \"{}\" in this lab", node));
  auto r = n->control->request(cmd, std::move(fields));
  drain(node, *n->control);
  return r;
}

expected<std::uint32_t, std::string> exchange_driver::place_call(const std::string& node, const std::string& called,
                                                                 const std::string& calling) {
  if (lab_.config().sip_peer(node) != nullptr) return place_sip_call(node, called, calling);
  json fields = {{"called", called}, {"calling", calling}};
  if (const auto* n = lab_.node(node); n != nullptr && n->plan.spans.size() > 1) {
    bool all_gateways = true;
    for (const auto& s : n->plan.spans) all_gateways = all_gateways && lab_.config().gateway(s.peer) != nullptr;
    if (all_gateways) {
      auto& next = next_span_[node];
      fields["span"] = n->plan.spans[next % n->plan.spans.size()].number;
      ++next;
    }
  }
  auto r = request(node, "call", std::move(fields));
  if (!r) return make_unexpected(r.error());
  const auto id = (*r).value("call", 0U);
  auto& leg = nodes_[node].legs[id];
  leg.channel = (*r).value("channel", 0U);
  if (leg.state.empty()) leg.state = "setup_sent";
  return id;
}

std::optional<std::uint32_t> exchange_driver::claim_incoming(const std::string& node, const std::string& called,
                                                             const std::string& calling) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return std::nullopt;
  auto& q = it->second.unclaimed;
  for (auto i = q.begin(); i != q.end(); ++i)
    if (i->called == called && (calling.empty() || i->calling == calling)) {
      auto id = i->id;
      q.erase(i);
      return id;
    }
  return std::nullopt;
}

const leg_record* exchange_driver::leg(const std::string& node, std::uint32_t id) const {
  if (lab_.config().sip_peer(node) != nullptr) {
    auto it = sip_calls_.find(id);
    return it == sip_calls_.end() ? nullptr : &it->second.leg;
  }
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return nullptr;
  auto l = it->second.legs.find(id);
  return l == it->second.legs.end() ? nullptr : &l->second;
}

void exchange_driver::read_records() {
  if (lab_.cdr_path().empty()) return;
  std::error_code ec;
  const auto size = std::filesystem::file_size(lab_.cdr_path(), ec);
  if (ec || size == records_size_) return;
  std::ifstream in(lab_.cdr_path(), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_call_records(text.str());
  if (!parsed) return;  // a damaged file: the checks waiting on it fail with their time limit
  records_size_ = size;
  records_ = std::move(*parsed);
  taken_.resize(records_.size(), false);
}

std::size_t exchange_driver::record_count() {
  read_records();
  return records_.size();
}

std::optional<call_record> exchange_driver::take_record(std::size_t from, const std::string& called,
                                                        const std::string& calling) {
  read_records();
  for (std::size_t i = from; i < records_.size(); ++i) {
    if (taken_[i]) continue;
    const auto& r = records_[i];
    auto field = [&r](std::string_view name) {
      auto it = r.find(name);
      return it == r.end() ? std::string() : it->second;
    };
    if (field("called") == called && (calling.empty() || field("calling") == calling)) {
      taken_[i] = true;
      return r;
    }
  }
  return std::nullopt;
}

void exchange_driver::forget(const std::string& node, std::uint32_t id) {
  if (lab_.config().sip_peer(node) != nullptr) {
    if (auto it = sip_calls_.find(id); it != sip_calls_.end() && (!it->second.process || !it->second.process->running()))
      sip_calls_.erase(it);
    return;
  }
  if (auto it = nodes_.find(node); it != nodes_.end()) it->second.legs.erase(id);
}

}  // namespace tandem::lab::runner
