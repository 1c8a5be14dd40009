/// libFuzzer target: the gateway's H.248 front-end (transaction engine + agent) fed with
/// datagrams from its controller, media plane events and clock steps. It must never crash,
/// every datagram it sends must parse, and the media plane must never be asked about a
/// connection it does not have.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "codecs/core_codecs.hpp"
#include "common/counters.hpp"
#include "common/log.hpp"
#include "common/manual_clock.hpp"
#include "gateway/h248/h248_service.hpp"
#include "proto/h248/parser.hpp"

namespace {

namespace gm = tandem::gateway::mgcp;
using tandem::expected;
using tandem::make_unexpected;

class strict_media final : public gm::media_control {
 public:
  expected<gm::local_media, gm::media_error> create_connection(const gm::connection_key& k,
                                                                  const gm::media_settings& s) override {
    if (live.contains(k) || s.codecs.empty()) std::abort();
    live[k] = s;
    return gm::local_media{"127.0.0.1", static_cast<std::uint16_t>(20000 + 2 * (live.size() % 1000))};
  }
  expected<void, gm::media_error> modify_connection(const gm::connection_key& k, const gm::media_settings& s) override {
    if (!live.contains(k) || s.codecs.empty()) std::abort();
    live[k] = s;
    return {};
  }
  tandem::mgcp::connection_parameters delete_connection(const gm::connection_key& k) override {
    if (live.erase(k) != 1) std::abort();
    return {};
  }
  tandem::mgcp::connection_parameters statistics(const gm::connection_key& k) const override {
    if (!live.contains(k)) std::abort();
    return {};
  }
  void set_bearer_encoding(const gm::endpoint_address&, tandem::mgcp::bearer_encoding) override {}
  void start_signal(const gm::endpoint_address&, const tandem::mgcp::signal_request&,
                    const std::optional<tandem::mgcp::connection_id>& on) override {
    (void)on;
  }
  void stop_signal(const gm::endpoint_address&, const tandem::mgcp::signal_request&) override {}
  void stop_signals(const gm::endpoint_address&) override {}
  void set_detection(const gm::endpoint_address&, const std::vector<tandem::mgcp::event_name>&) override {}
  std::map<gm::connection_key, gm::media_settings> live;
};

const tandem::codecs::registry& registry() {
  static const tandem::codecs::registry r = [] {
    tandem::codecs::registry x;
    tandem::codecs::register_core_codecs(x);
    return x;
  }();
  return r;
}

}  // namespace

/// The gateway logs every malformed message and every ServiceChange: millions of lines over a
/// fuzz run (184 MB in 100,000 inputs), which cost more time than the inputs themselves.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tandem::log::set_default_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tandem::manual_clock clock;
  strict_media media;
  tandem::counter_set agent_counters("fuzz_agent"), transaction_counters("fuzz_h248");
  tandem::gateway::h248::agent_config config;
  config.spans = {gm::span_config{1, false, {1, 2, 3}}};
  config.controllers = {{"192.0.2.1", 2944}};
  config.codecs = {"PCMU", "PCMA"};
  tandem::gateway::h248::h248_service service(
      config, registry(), media, clock, agent_counters, transaction_counters,
      [](const tandem::h248::peer&, std::string_view d) {
        if (!tandem::h248::parse_message(d)) std::abort();
      });
  service.agent().start();
  const tandem::h248::peer mgc{"192.0.2.1", 2944};
  // Records separated by 0xFF: the first byte chooses what happens, the rest is a datagram.
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\xff');
    std::string_view record = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (record.empty()) continue;
    const auto control = static_cast<unsigned char>(record.front());
    record.remove_prefix(1);
    switch (control >> 6) {
      case 0: service.on_datagram(mgc, record); break;
      case 1: clock.advance(std::chrono::milliseconds(50 * (control & 0x3F))); break;
      case 2: {
        // A media event on timeslot 1..3: a digit, the answer tone, a continuity tone, an RTP timeout.
        const gm::endpoint_address e{gm::endpoint_kind::e1, 1, 1u + (control & 3u)};
        tandem::mgcp::observed_event ev;
        switch ((control >> 2) & 3) {
          case 0: ev.name = {"D", std::string(1, "0123456789*#ABCD"[(control >> 4) & 3]), ""}; break;
          case 1: ev.name = {"G", "ft", ""}; break;
          case 2: ev.name = {"T", "co1", ""}; break;
          default: ev.name = {"R", "rto", std::string(record.substr(0, 8))}; break;
        }
        service.agent().on_media_event(e, ev);
        break;
      }
      default: service.agent().set_span_in_service(1, (control & 1) != 0); break;
    }
  }
  return 0;
}
