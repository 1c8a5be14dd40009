#pragma once
/// The call agent with fake gateways and fake PRI links, all in-process on a manual clock.
/// Topology (harness_config): gateway mgw1 with span 1 channels 1-4 in trunk group "tg-a",
/// gateway mgw2 with span 1 channels 1-4 in "tg-b".
///   0201... -> tg-b (strip 4), codecs G729 then PCMA
///   0100... -> tg-a (strip 4), codecs PCMA
///   0300... -> tg-b then tg-a (route advance), codecs PCMA
///   0400... -> a SIP peer (skipped: SIP is not there yet)
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "callagent/call_agent.hpp"
#include "common/manual_clock.hpp"
#include "tests/unit/callagent/fake_gateway.hpp"
#include "tests/unit/callagent/fake_q931_link.hpp"

namespace tandem::callagent::test {

inline constexpr const char* harness_config = R"(
callagent = {
  timers = { no_answer_ms = 60000; graceful_drain_ms = 30000; };
  gateways = (
    { name = "mgw1"; address = "127.0.0.1"; port = 2427; keepalive_ms = 0; },
    { name = "mgw2"; address = "127.0.0.2"; port = 2427; keepalive_ms = 0; }
  );
  trunk_groups = (
    { name = "tg-a"; gateway = "mgw1"; hunting = "ascending"; spans = ( { span = 1; channels = "1-4"; } ); },
    { name = "tg-b"; gateway = "mgw2"; hunting = "ascending"; spans = ( { span = 1; channels = "1-4"; } ); }
  );
  routes = (
    { name = "to-b"; prefix = "0201"; strip = 4; codecs = [ "G729", "PCMA" ]; targets = ( { trunk_group = "tg-b"; } ); },
    { name = "to-a"; prefix = "0100"; strip = 4; codecs = [ "PCMA" ]; targets = ( { trunk_group = "tg-a"; } ); },
    { name = "advance"; prefix = "0300"; strip = 4; targets = ( { trunk_group = "tg-b"; }, { trunk_group = "tg-a"; } ); },
    { name = "sip-only"; prefix = "0400"; targets = ( { sip_peer = "carrier"; } ); },
    { name = "sip-then-b"; prefix = "0500"; codecs = [ "PCMU", "PCMA" ];
      targets = ( { sip_peer = "carrier"; }, { trunk_group = "tg-b"; } ); },
    { name = "phone"; prefix = "0600"; strip = 4; codecs = [ "PCMU" ]; targets = ( { user = "alice"; } ); }
  );
  sip = {
    address = "127.0.0.1"; port = 5060; realm = "tandem.test";
    peers = ( { name = "carrier"; host = "127.0.0.1"; port = 5070; keepalive = false; } );
    users = ( { name = "alice"; password = "wonderland"; } );
  };
};
)";

/// Routes datagrams between the call agent and the fake gateways with 1 ms of latency.
class fake_network final : public mgcp_transport {
 public:
  explicit fake_network(manual_clock& clock) : clock_(clock) {}
  void send(const mgcp::peer& to, std::string_view datagram) override {
    auto it = gateways.find(to);
    if (it == gateways.end()) return;
    fake_gateway* gw = it->second;
    // TANDEM_TRACE=1 prints every datagram the call agent sends (debugging a test).
    if (std::getenv("TANDEM_TRACE") != nullptr) fmt::print(stderr, "--> {}\n{}\n", to, datagram);
    clock_.schedule_after(std::chrono::milliseconds(1), [gw, text = std::string(datagram)] { gw->receive(text); });
  }
  std::map<mgcp::peer, fake_gateway*> gateways;

 private:
  manual_clock& clock_;
};

class harness {
 public:
  explicit harness(const std::string& config_text = harness_config, std::string cdr_path = "") : network(clock) {
    auto cfg = load_ca_config_string(config_text);
    if (!cfg) {
      ADD_FAILURE() << config::to_string(cfg.error());
      return;
    }
    config = *cfg;
    for (const auto& g : config.gateways) {
      std::vector<std::string> endpoints;
      for (const auto& t : config.trunk_groups)
        if (t.gateway == g.name)
          for (const auto& s : t.spans)
            for (unsigned ch : s.channels) endpoints.push_back(endpoint_local_name(g.endpoint_pattern, s.span, ch));
      const mgcp::peer peer{g.address, g.port};
      auto gw = std::make_unique<fake_gateway>(g.name, endpoints, [this, peer](const std::string& text) {
        clock.schedule_after(std::chrono::milliseconds(1), [this, peer, text] { ca->on_mgcp_datagram(peer, text); });
      });
      network.gateways[peer] = gw.get();
      gateways[g.name] = std::move(gw);
    }
    if (!cdr_path.empty()) {
      auto file = cdr_file::open(cdr_path, false);
      EXPECT_TRUE(file.has_value());
      if (file) cdr_out = std::move(*file);
    }
    const time_point start = clock.now();
    ca = std::make_unique<call_agent>(
        config, clock,
        [this, start] { return std::chrono::system_clock::time_point{} + std::chrono::seconds(1'795'000'000) +
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(clock.now() - start); },
        network, cdr_out ? static_cast<cdr_sink*>(cdr_out.get()) : &records, counters);
    for (const auto& t : config.trunk_groups)
      for (const auto& s : t.spans) {
        auto key = std::make_pair(t.gateway, s.span);
        if (links.contains(key)) continue;
        links[key] = std::make_unique<fake_q931_link>(clock);
        ca->attach_link(t.gateway, s.span, *links[key]);
      }
  }

  /// Audits the gateways, brings every link up and lets the answers arrive.
  void start() {
    ca->start();
    for (auto& [key, link] : links) link->up();
    run(std::chrono::milliseconds(20));
  }

  void run(duration d) { clock.advance(d); }
  void run_ms(int ms) { run(std::chrono::milliseconds(ms)); }

  fake_gateway& gw(const std::string& name) { return *gateways.at(name); }
  fake_q931_link& link(const std::string& gateway, unsigned span = 1) { return *links.at({gateway, span}); }

  /// Nothing left anywhere: no call, no call reference, no connection on any gateway, no
  /// MGCP command waiting, no busy circuit.
  void expect_nothing_left() {
    EXPECT_EQ(ca->active_calls(), 0u);
    EXPECT_EQ(ca->q931_refs(), 0u);
    EXPECT_EQ(ca->pending_mgcp(), 0u);
    EXPECT_EQ(ca->circuits().count(circuit_state::busy), 0u);
    for (auto& [name, g] : gateways) {
      if (!g->answering) continue;
      EXPECT_TRUE(g->connections.empty()) << name << " still has " << g->connections.size() << " connection(s)";
    }
  }

  /// Places a call from mgw1 channel `channel` to `called`, runs until the far SETUP is out.
  q931_call_ref call_from_a(unsigned channel, const std::string& called, const std::string& calling = "0100111") {
    auto ref = link("mgw1").incoming(channel, called, calling);
    run_ms(20);
    return ref;
  }

  manual_clock clock;
  counter_set counters{"ca"};
  fake_network network;
  ca_config config;
  recording_cdr_sink records;
  std::unique_ptr<cdr_file> cdr_out;
  std::map<std::string, std::unique_ptr<fake_gateway>> gateways;
  std::map<std::pair<std::string, unsigned>, std::unique_ptr<fake_q931_link>> links;
  std::unique_ptr<call_agent> ca;
};

}  // namespace tandem::callagent::test
