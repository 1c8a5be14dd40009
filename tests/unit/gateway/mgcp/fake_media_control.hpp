#pragma once
/// A media plane that records what the agent asked of it: ports from 16000 upwards, fixed
/// statistics, and a switch to refuse the next connection (502 paths).
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gateway/mgcp/media_control.hpp"

namespace tandem::gateway::mgcp::test {

class fake_media_control final : public media_control {
 public:
  expected<local_media, media_error> create_connection(const connection_key& key, const media_settings& s) override {
    if (fail_next_create) {
      fail_next_create = false;
      calls.push_back(fmt::format("create-refused {} {}", key.endpoint.local_name(), key.id.value()));
      return make_unexpected(media_error::no_resources);
    }
    const std::uint16_t port = next_port;
    next_port += 2;
    live[key] = s;
    calls.push_back(fmt::format("create {} {} port {}", key.endpoint.local_name(), key.id.value(), port));
    return local_media{"127.0.0.1", port};
  }
  expected<void, media_error> modify_connection(const connection_key& key, const media_settings& s) override {
    if (!live.contains(key)) return make_unexpected(media_error::refused);
    live[key] = s;
    calls.push_back(fmt::format("modify {} {}", key.endpoint.local_name(), key.id.value()));
    return {};
  }
  tandem::mgcp::connection_parameters delete_connection(const connection_key& key) override {
    live.erase(key);
    calls.push_back(fmt::format("delete {} {}", key.endpoint.local_name(), key.id.value()));
    return statistics(key);
  }
  tandem::mgcp::connection_parameters statistics(const connection_key&) const override {
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
  void set_bearer_encoding(const endpoint_address& e, tandem::mgcp::bearer_encoding law) override {
    bearer[e] = law;
    calls.push_back(fmt::format("bearer {} {}", e.local_name(), law == tandem::mgcp::bearer_encoding::a_law ? "A" : "mu"));
  }
  void start_signal(const endpoint_address& e, const tandem::mgcp::signal_request& s,
                    const std::optional<tandem::mgcp::connection_id>& on) override {
    calls.push_back(fmt::format("signal {} {}/{}{}", e.local_name(), s.name.package, s.name.event,
                                on ? "@" + on->value() : ""));
  }
  void stop_signal(const endpoint_address& e, const tandem::mgcp::signal_request& s) override {
    calls.push_back(fmt::format("stop-signal {} {}/{}", e.local_name(), s.name.package, s.name.event));
  }
  void stop_signals(const endpoint_address& e) override { calls.push_back(fmt::format("stop-signals {}", e.local_name())); }
  void set_detection(const endpoint_address& e, const std::vector<tandem::mgcp::event_name>& events) override {
    detection[e] = events;
  }

  bool fail_next_create = false;
  std::uint16_t next_port = 16000;
  std::map<connection_key, media_settings> live;
  std::map<endpoint_address, tandem::mgcp::bearer_encoding> bearer;
  std::map<endpoint_address, std::vector<tandem::mgcp::event_name>> detection;
  std::vector<std::string> calls;
};

}  // namespace tandem::gateway::mgcp::test
