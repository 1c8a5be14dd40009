#include "lab/runner/driver/exchange_driver.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

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

void exchange_driver::pump(std::chrono::milliseconds wait) {
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
  auto* n = lab_.node(node);
  if (n == nullptr || !n->control) return make_unexpected(fmt::format("no node \"{}\" in this lab", node));
  auto r = n->control->request(cmd, std::move(fields));
  drain(node, *n->control);
  return r;
}

expected<std::uint32_t, std::string> exchange_driver::place_call(const std::string& node, const std::string& called,
                                                                 const std::string& calling) {
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
  if (auto it = nodes_.find(node); it != nodes_.end()) it->second.legs.erase(id);
}

}  // namespace tandem::lab::runner
