#include "lab/pstn/ops/ops_binding.hpp"

#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "ops/daemon_ops.hpp"

namespace tandem::lab::pstn {
namespace {

using tandem::ops::control::arg_type;
using tandem::ops::control::command_result;
using tandem::ops::control::error_code;
using tandem::ops::control::fail;
using json = tandem::ops::control::json;
using tandem::ops::metrics::sample;

json call_row(const call_record& c) {
  return json{{"call", c.id.value()},
              {"span", c.span},
              {"channel", c.channel},
              {"direction", std::string(to_string(c.direction))},
              {"state", std::string(to_string(c.state))},
              {"calling", c.calling},
              {"called", c.called},
              {"cause", c.cause ? json(isdn::to_int(*c.cause)) : json(nullptr)}};
}

}  // namespace

struct ops_binding::impl {
  impl(boost::asio::io_context& io, const tandem::ops::ops_config& config)
      : ops(io, config, {"tandem-pstn", "", {}}, [this] { return health(); }) {}

  /// /healthz: unhealthy when no span has its D-channel up.
  expected<std::string, std::string> health() const {
    if (ex == nullptr) return make_unexpected(std::string("starting"));
    for (const auto& s : ex->spans())
      if (s.link_up) return std::string("ok");
    return make_unexpected(std::string("no D-channel up"));
  }

  exchange* ex = nullptr;
  tandem::ops::daemon_ops ops;
};

ops_binding::ops_binding(boost::asio::io_context& io, const tandem::ops::ops_config& config, exchange_notifier& next)
    : next_(next), impl_(std::make_unique<impl>(io, config)) {
  auto& m = impl_->ops.metrics();
  m.adopt(counters_, {{"pstn.q931.{message}.{direction}", "pstn_q931_messages"},
                      {"pstn.calls.cleared.{cause}", "pstn_calls_cleared"},
                      {"pstn.span{span}.{event}", "pstn_span_events"}});
  m.describe("tandem_pstn_q931_messages",
             "Q.931 call events of the exchange (setup, proceeding, alerting, connect, disconnect, release), by "
             "direction of the call");
  m.describe("tandem_pstn_calls_cleared", "Calls cleared, by the first Q.850 cause (DISCONNECT or RELEASE)");
  m.describe("tandem_pstn_span_events", "Span events: link_up, link_down, alarm");
  impl_->ops.add_counters(counters_);
}

ops_binding::~ops_binding() { impl_->ops.metrics().forget(counters_); }

void ops_binding::on_call_event(const call_record& call, const call_event& event) {
  counters_.get(fmt::format("q931.{}.{}", event.name, to_string(call.direction))).add();
  if (event.name == "release") {
    const auto why = call.cause ? call.cause : event.cause;
    counters_.get(why ? fmt::format("calls.cleared.{}", isdn::to_int(*why)) : std::string("calls.cleared.none")).add();
  }
  next_.on_call_event(call, event);
}

void ops_binding::on_span_event(unsigned span, std::string_view what, std::string_view detail) {
  counters_.get(fmt::format("span{}.{}", span, what)).add();
  next_.on_span_event(span, what, detail);
}

void ops_binding::attach(exchange& ex) {
  auto& m = impl_->ops.metrics();
  exchange* e = &ex;
  impl_->ex = e;
  m.gauge_family("tandem_pstn_calls", "Calls of the exchange not yet released, by state", [e] {
    std::map<std::string, double> n;
    for (auto s : {call_state::setup_sent, call_state::setup_received, call_state::proceeding, call_state::alerting,
                   call_state::active, call_state::disconnecting})
      n[std::string(to_string(s))] = 0;
    for (const auto& c : e->calls())
      if (c.state != call_state::released) n[std::string(to_string(c.state))] += 1;
    std::vector<sample> out;
    for (const auto& [state, v] : n) out.push_back({{{"state", state}}, v});
    return out;
  });
  m.gauge_family("tandem_pstn_span_link_up", "1 when the span's Q.921 data link is up", [e] {
    std::vector<sample> out;
    for (const auto& s : e->spans()) out.push_back({{{"span", std::to_string(s.number)}}, s.link_up ? 1.0 : 0.0});
    return out;
  });
  m.gauge_family("tandem_pstn_span_alarms", "The span's alarm bits (0: none; docs/sim-span.md)", [e] {
    std::vector<sample> out;
    for (const auto& s : e->spans())
      out.push_back({{{"span", std::to_string(s.number)}}, static_cast<double>(static_cast<unsigned>(s.alarms))});
    return out;
  });
  m.counter_family("tandem_pstn_span_blocks", "Span blocks by kind: rx, tx, late, lost, rejected (tdm::span_stats)", [e] {
    std::vector<sample> out;
    for (const auto& s : e->spans()) {
      const auto span = std::to_string(s.number);
      for (const auto& [kind, v] : {std::pair<const char*, std::uint64_t>{"rx", s.stats.blocks_rx},
                                    {"tx", s.stats.blocks_tx},
                                    {"late", s.stats.blocks_late},
                                    {"lost", s.stats.blocks_lost},
                                    {"rejected", s.stats.blocks_rejected}})
        out.push_back({{{"span", span}, {"kind", kind}}, v});
    }
    return out;
  });

  auto& r = impl_->ops.commands();
  (void)r.add({"show spans", {}, "spans with their D-channel, alarms, calls and block statistics"},
              [e](const json&) -> command_result {
                json rows = json::array();
                for (const auto& s : e->spans())
                  rows.push_back({{"span", s.number},
                                  {"link", s.link_up ? "up" : "down"},
                                  {"alarms", static_cast<unsigned>(s.alarms)},
                                  {"calls", s.calls},
                                  {"blocks_lost", s.stats.blocks_lost},
                                  {"blocks_late", s.stats.blocks_late},
                                  {"dchannel_dropped", s.dchannel_dropped}});
                return rows;
              });
  (void)r.add({"show calls", {{"all", arg_type::boolean, false, "also the released calls the exchange remembers"}},
               "calls of the exchange"},
              [e](const json& args) -> command_result {
                const bool all = args.value("all", false);
                json rows = json::array();
                for (const auto& c : e->calls())
                  if (all || c.state != call_state::released) rows.push_back(call_row(c));
                return rows;
              });
  (void)r.add({"show call", {{"call", arg_type::integer, true, "call number"}}, "one call with its Q.931 events"},
              [e](const json& args) -> command_result {
                const auto id = args["call"].get<std::int64_t>();
                auto c = id > 0 && id <= 0xffffffff ? e->call(call_id{static_cast<std::uint32_t>(id)})
                                                    : expected<call_record, std::string>(make_unexpected("bad id"));
                if (!c) return fail(error_code::unknown_object, fmt::format("no call {}", id));
                json row = call_row(*c);
                json events = json::array();
                for (const auto& ev : c->events)
                  events.push_back({{"event", ev.name}, {"at_ms", ev.at_ms},
                                    {"cause", ev.cause ? json(isdn::to_int(*ev.cause)) : json(nullptr)}});
                row["events"] = events;
                return row;
              });
  (void)r.add({"release",
               {{"call", arg_type::integer, true, "call number"},
                {"cause", arg_type::integer, false, "Q.850 cause value (default 16)"}},
               "clear one call (DISCONNECT with the cause)"},
              [e](const json& args) -> command_result {
                const auto id = args["call"].get<std::int64_t>();
                const auto why = args.value("cause", std::int64_t{16});
                if (why < 1 || why > 127) return fail(error_code::bad_arguments, "cause must be 1..127 (Q.850)");
                if (id <= 0 || id > 0xffffffff || !e->call(call_id{static_cast<std::uint32_t>(id)}))
                  return fail(error_code::unknown_object, fmt::format("no call {}", id));
                auto done = e->hangup(call_id{static_cast<std::uint32_t>(id)}, static_cast<isdn::cause>(why));
                if (!done) return fail(error_code::conflict, done.error());
                return json{{"result", fmt::format("call {} cleared with cause {}", id, why)}};
              });
}

expected<void, std::string> ops_binding::start() {
  if (auto started = impl_->ops.start(); !started) return started;
  if (auto port = impl_->ops.metrics_port()) std::printf("metrics port %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  return {};
}

void ops_binding::stop() { impl_->ops.stop(); }

}  // namespace tandem::lab::pstn
