#pragma once
/// Drives the H.248 service with text: requests in as a controller would send them, the
/// datagrams the gateway sends recorded and parsed back; a manual clock; a media plane that
/// records what it was asked (ports from 16000, fixed statistics).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "codecs/core_codecs.hpp"
#include "common/manual_clock.hpp"
#include "gateway/h248/h248_service.hpp"
#include "proto/h248/parser.hpp"

namespace tandem::gateway::h248::test {

namespace h = tandem::h248;

class recording_media final : public mgcp::media_control {
 public:
  expected<mgcp::local_media, mgcp::media_error> create_connection(const mgcp::connection_key& key,
                                                                  const mgcp::media_settings& s) override {
    if (refuse_next) {
      refuse_next = false;
      return make_unexpected(mgcp::media_error::no_resources);
    }
    const auto port = next_port;
    next_port += 2;
    live[key] = s;
    calls.push_back(fmt::format("create {} {} port {}", key.endpoint.local_name(), key.id.value(), port));
    return mgcp::local_media{"127.0.0.1", port};
  }
  expected<void, mgcp::media_error> modify_connection(const mgcp::connection_key& key,
                                                      const mgcp::media_settings& s) override {
    if (!live.contains(key)) return make_unexpected(mgcp::media_error::refused);
    live[key] = s;
    calls.push_back(fmt::format("modify {} {}", key.endpoint.local_name(), key.id.value()));
    return {};
  }
  tandem::mgcp::connection_parameters delete_connection(const mgcp::connection_key& key) override {
    live.erase(key);
    calls.push_back(fmt::format("delete {} {}", key.endpoint.local_name(), key.id.value()));
    return statistics(key);
  }
  tandem::mgcp::connection_parameters statistics(const mgcp::connection_key&) const override {
    tandem::mgcp::connection_parameters p;
    p.packets_sent = 1000;
    p.octets_sent = 160000;
    p.packets_received = 990;
    p.octets_received = 158400;
    p.packets_lost = 10;
    p.jitter_ms = 5;
    p.latency_ms = 20;
    return p;
  }
  void set_bearer_encoding(const mgcp::endpoint_address&, tandem::mgcp::bearer_encoding) override {}
  void start_signal(const mgcp::endpoint_address& e, const tandem::mgcp::signal_request& s,
                    const std::optional<tandem::mgcp::connection_id>& on) override {
    calls.push_back(fmt::format("signal {} {}/{}{}", e.local_name(), s.name.package, s.name.event, on ? "@" + on->value() : ""));
  }
  void stop_signal(const mgcp::endpoint_address& e, const tandem::mgcp::signal_request& s) override {
    calls.push_back(fmt::format("stop-signal {} {}/{}", e.local_name(), s.name.package, s.name.event));
  }
  void stop_signals(const mgcp::endpoint_address& e) override { calls.push_back(fmt::format("stop-signals {}", e.local_name())); }
  void set_detection(const mgcp::endpoint_address&, const std::vector<tandem::mgcp::event_name>&) override {}

  bool refuse_next = false;
  std::uint16_t next_port = 16000;
  std::map<mgcp::connection_key, mgcp::media_settings> live;
  std::vector<std::string> calls;
  bool called(const std::string& c) const { return std::find(calls.begin(), calls.end(), c) != calls.end(); }
};

class service_fixture : public ::testing::Test {
 protected:
  service_fixture() {
    codecs::register_core_codecs(registry_);
    config_.spans = {mgcp::span_config{1, false, {1, 2, 3}}};
    config_.controllers = {mgc_, backup_};
    config_.codecs = {"PCMU", "PCMA"};
    transactions_.self = h::message_id{h::mid_kind::ipv4, "127.0.0.1", 2944};
    transactions_.compact = false;
  }

  h248_service& make() {
    service_ = std::make_unique<h248_service>(
        config_, registry_, media_, clock_, agent_counters_, transaction_counters_,
        [this](const h::peer& to, std::string_view d) { sent_.emplace_back(to, std::string(d)); }, transactions_);
    return *service_;
  }

  /// Starts and answers the registration, so that the gateway is in service.
  void register_gateway() {
    service_->agent().start();
    ASSERT_FALSE(sent_.empty());
    const auto id = last_request_id();
    sent_.clear();
    from_mgc(fmt::format("MEGACO/1 [127.0.0.1]:2945\nReply = {} {{ Context = - {{ ServiceChange = ROOT }} }}\n", id));
    ASSERT_EQ(service_->agent().state(), agent_state::in_service);
    sent_.clear();
  }

  void from_mgc(const std::string& text, const h::peer& from = {"127.0.0.1", 2945}) {
    service_->on_datagram(from, text);
  }

  /// Sends one request transaction (the actions' text) and returns the reply to it.
  h::transaction_reply request(const std::string& actions) {
    const auto id = next_id_++;
    sent_.clear();
    from_mgc(fmt::format("MEGACO/1 [127.0.0.1]:2945\nTransaction = {} {{\n{}\n}}\n", id, actions));
    for (const auto& [to, d] : sent_) {
      auto m = h::parse_message(d);
      EXPECT_TRUE(m.has_value()) << d;
      if (!m) continue;
      for (const auto& t : m->transactions)
        if (const auto* r = std::get_if<h::transaction_reply>(&t); r != nullptr && r->id.value() == id) return *r;
    }
    ADD_FAILURE() << "no reply to transaction " << id;
    return {};
  }

  /// The requests the gateway sent (Notify, ServiceChange), parsed.
  std::vector<std::pair<h::peer, h::transaction_request>> requests_sent() const {
    std::vector<std::pair<h::peer, h::transaction_request>> out;
    for (const auto& [to, d] : sent_) {
      auto m = h::parse_message(d);
      EXPECT_TRUE(m.has_value()) << d;
      if (!m) continue;
      for (const auto& t : m->transactions)
        if (const auto* r = std::get_if<h::transaction_request>(&t)) out.emplace_back(to, *r);
    }
    return out;
  }
  /// Answers every request the gateway sent so far (as an MGC would: it stops retransmitting).
  void answer_requests() {
    const auto reqs = requests_sent();
    for (const auto& [to, r] : reqs) {
      const auto& a = r.actions.at(0);
      const auto& c = a.commands.at(0);
      from_mgc(fmt::format("MEGACO/1 [127.0.0.1]:2945\nReply = {} {{ Context = {} {{ {} = {} }} }}\n", r.id.value(),
                           a.context.kind == h::context_kind::specific ? std::to_string(a.context.value) : "-",
                           c.kind == h::command_kind::notify ? "Notify" : "ServiceChange", c.termination.name));
    }
  }
  std::uint32_t last_request_id() const {
    auto r = requests_sent();
    return r.empty() ? 0 : r.back().second.id.value();
  }

  static std::optional<h::error_code> error_of(const h::transaction_reply& r) {
    if (r.error) return r.error->code;
    for (const auto& a : r.actions)
      if (a.error) return a.error->code;
    return std::nullopt;
  }

  h::peer mgc_{"127.0.0.1", 2945};
  h::peer backup_{"127.0.0.1", 2946};
  agent_config config_;
  h::transaction_config transactions_;
  codecs::registry registry_;
  manual_clock clock_;
  recording_media media_;
  counter_set agent_counters_{"h248_agent"};
  counter_set transaction_counters_{"h248"};
  std::vector<std::pair<h::peer, std::string>> sent_;
  std::unique_ptr<h248_service> service_;
  std::uint32_t next_id_ = 100;
};

/// A context with tdm/1/1 and an RTP termination offered PCMU; returns the reply.
inline const char* add_call_actions =
    "Context = $ {\n"
    "  Add = tdm/1/1 { Media { LocalControl { Mode = SendReceive } } },\n"
    "  Add = rtp/$ { Media { Stream = 1 { LocalControl { Mode = ReceiveOnly },\n"
    "    Local {\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0\n} } } }\n"
    "}";

}  // namespace tandem::gateway::h248::test
