/// libFuzzer target: the transaction engine fed with a byte stream cut into datagrams (from
/// two peers) and clock steps; it must never crash, and everything it sends must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/counters.hpp"
#include "common/manual_clock.hpp"
#include "proto/h248/parser.hpp"
#include "proto/h248/transaction/transaction_engine.hpp"

namespace {

using namespace tandem;
using namespace tandem::h248;

class checking_notifier final : public transaction_notifier {
 public:
  transaction_engine* engine = nullptr;
  void on_send(const peer&, std::string_view datagram) override {
    if (!parse_message(datagram)) std::abort();
  }
  void on_request(const peer& from, const message_id&, const transaction_request& r) override {
    // Answer every other request at once; leave the rest pending.
    if (r.id.value() % 2 == 0) {
      transaction_reply reply;
      reply.id = r.id;
      reply.error = error_descriptor{error_code::not_implemented, "fuzz"};
      if (!engine->send_reply(from, reply)) std::abort();
    }
  }
  void on_reply(const peer&, const transaction_reply&) override {}
  void on_transaction_failed(const peer&, transaction_id, failure_reason) override {}
  void on_malformed(const peer&, const parse_error&, std::string_view) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  manual_clock clock;
  checking_notifier notifier;
  counter_set counters("fuzz");
  transaction_engine engine(clock, notifier, counters, {}, [] { return 0.5; });
  notifier.engine = &engine;
  const peer a{"192.0.2.1", 2944}, b{"192.0.2.2", 2944};
  // Records separated by 0xFF: first byte chooses peer and clock step, the rest is a datagram.
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\xff');
    std::string_view record = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (record.empty()) continue;
    const auto control = static_cast<unsigned char>(record.front());
    record.remove_prefix(1);
    if (control & 0x80) {
      action_request act;
      act.context = context_id::choose();
      act.commands.push_back(command_request{command_kind::add, false, false, {"tdm/1/1"}, {}});
      (void)engine.send_request(control & 1 ? b : a, {act});
    }
    engine.on_datagram(control & 1 ? b : a, record);
    clock.advance(std::chrono::milliseconds((control >> 1) & 0x3f) * 100);
  }
  clock.advance(std::chrono::minutes(2));
  return 0;
}
