#include "gateway/app/ops_binding.hpp"

#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "gateway/app/mgw_config.hpp"
#include "gateway/app/span_supervisor.hpp"
#include "gateway/media/media_engine.hpp"
#include "gateway/mgcp/agent.hpp"
#include "ops/daemon_ops.hpp"

namespace tandem::gateway::app {
namespace {

using tandem::ops::control::arg_type;
using tandem::ops::control::command_result;
using tandem::ops::control::error_code;
using tandem::ops::control::fail;
using json = tandem::ops::control::json;
using tandem::ops::metrics::sample;

std::string_view name_of(mgcp::endpoint_state s) {
  switch (s) {
    case mgcp::endpoint_state::idle: return "idle";
    case mgcp::endpoint_state::connected: return "connected";
    case mgcp::endpoint_state::out_of_service: return "out_of_service";
  }
  return "?";
}

std::string_view name_of(mgcp::notification_state s) {
  switch (s) {
    case mgcp::notification_state::idle: return "idle";
    case mgcp::notification_state::armed: return "armed";
    case mgcp::notification_state::notifying: return "notifying";
    case mgcp::notification_state::awaiting_request: return "awaiting_request";
  }
  return "?";
}

std::string_view name_of(mgcp::agent_state s) {
  switch (s) {
    case mgcp::agent_state::starting: return "starting";
    case mgcp::agent_state::restarting: return "restarting";
    case mgcp::agent_state::in_service: return "in_service";
    case mgcp::agent_state::disconnected: return "disconnected";
  }
  return "?";
}

std::string_view name_of(span_service s) {
  switch (s) {
    case span_service::in_service: return "in_service";
    case span_service::alarm_pending: return "alarm_pending";
    case span_service::out_of_service: return "out_of_service";
  }
  return "?";
}

/// Every endpoint the configuration defines, spans first (RFC 3435 §2.1.1 names).
std::vector<mgcp::endpoint_address> all_endpoints(const mgw_config& c) {
  std::vector<mgcp::endpoint_address> out;
  for (const auto& s : c.agent.spans) {
    std::vector<unsigned> slots = s.bearer_slots;
    if (slots.empty()) {
      // The PRI defaults (agent_config.hpp): E1 1-15 and 17-31, T1 1-23.
      for (unsigned t = 1; t <= (s.t1 ? 23u : 31u); ++t)
        if (s.t1 || t != 16) slots.push_back(t);
    }
    for (unsigned t : slots)
      out.push_back({s.t1 ? mgcp::endpoint_kind::t1 : mgcp::endpoint_kind::e1, s.number, t});
  }
  for (unsigned n = 1; n <= c.agent.rtp_endpoints; ++n) out.push_back({mgcp::endpoint_kind::rtp, 0, n});
  return out;
}

}  // namespace

struct ops_binding::impl {
  impl(boost::asio::io_context& io, const tandem::ops::ops_config& config, ops_sources s)
      : src(std::move(s)),
        ops(io, config, {"tandem-mgw", "", {}}, [this] { return health(); }),
        endpoints(all_endpoints(*src.config)) {}

  /// /healthz: unhealthy while the call agent is unreachable (RFC 3435 §4.4.6 disconnected) or
  /// when every span is out of service.
  expected<std::string, std::string> health() const {
    if (src.agent->state() == mgcp::agent_state::disconnected)
      return make_unexpected(std::string("call agent unreachable (disconnected procedure)"));
    if (src.supervisor != nullptr && !src.config->agent.spans.empty()) {
      bool any = false;
      for (const auto& s : src.config->agent.spans)
        any = any || src.supervisor->service(s.number) != span_service::out_of_service;
      if (!any) return make_unexpected(std::string("every span out of service"));
    }
    return std::string("ok");
  }

  void register_gauges();
  void register_commands();

  ops_sources src;
  tandem::ops::daemon_ops ops;
  std::vector<mgcp::endpoint_address> endpoints;
};

ops_binding::ops_binding(boost::asio::io_context& io, const tandem::ops::ops_config& config, ops_sources sources)
    : impl_(std::make_unique<impl>(io, config, std::move(sources))) {
  // The span supervisor's "spans.span1.alarms" -> tandem_mgw_span_alarms_total{span="1"}.
  const std::vector<tandem::ops::metrics::name_rule> rules = {{"spans.span{span}.{what*}", "mgw_span_{what}"}};
  for (const auto* set : impl_->src.counters) {
    impl_->ops.metrics().adopt(*set, rules);
    impl_->ops.add_counters(*set);
  }
  // Each media engine has a set named "media": the registry sums them into one series.
  for (const auto* e : impl_->src.engines) {
    impl_->ops.metrics().adopt(e->counters());
    impl_->ops.add_counters(e->counters());
  }
  impl_->register_gauges();
  impl_->register_commands();
}

ops_binding::~ops_binding() = default;

expected<void, std::string> ops_binding::start() {
  if (auto started = impl_->ops.start(); !started) return started;
  if (auto port = impl_->ops.metrics_port()) std::printf("metrics port %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  return {};
}

void ops_binding::stop() { impl_->ops.stop(); }

void ops_binding::impl::register_gauges() {
  auto& m = ops.metrics();
  m.gauge_family("tandem_mgw_endpoints", "Endpoints by state (idle, connected, out_of_service)", [this] {
    std::map<std::string_view, double> n{{"idle", 0}, {"connected", 0}, {"out_of_service", 0}};
    for (const auto& a : endpoints)
      if (const auto* e = src.agent->find_endpoint(a)) n[name_of(e->state)] += 1;
    std::vector<sample> out;
    for (const auto& [state, v] : n) out.push_back({{{"state", std::string(state)}}, v});
    return out;
  });
  m.gauge_family("tandem_mgw_connections", "MGCP connections the agent holds", [this] {
    return std::vector<sample>{{{}, static_cast<double>(src.agent->connection_count())}};
  });
  m.gauge_family("tandem_mgw_rtp_ports_in_use", "RTP ports bound by the media engines", [this] {
    double n = 0;
    for (const auto* e : src.engines) n += static_cast<double>(e->ports_in_use());
    return std::vector<sample>{{{}, n}};
  });
  m.gauge_family("tandem_mgw_agent_state", "1 for the MGCP agent's state (RFC 3435 §4.4.6)", [this] {
    return std::vector<sample>{{{{"state", std::string(name_of(src.agent->state()))}}, 1.0}};
  });
  if (src.supervisor != nullptr) {
    m.gauge_family("tandem_mgw_span_service", "1 for the service state of each span (in_service, alarm_pending, "
                                              "out_of_service)",
                   [this] {
                     std::vector<sample> out;
                     for (const auto& s : src.config->agent.spans)
                       out.push_back({{{"span", std::to_string(s.number)},
                                       {"state", std::string(name_of(src.supervisor->service(s.number)))}},
                                      1.0});
                     return out;
                   });
  }
}

void ops_binding::impl::register_commands() {
  auto& r = ops.commands();

  (void)r.add({"show gateway", {}, "the gateway: domain, MGCP agent state, call agent, endpoints, connections"},
              [this](const json&) -> command_result {
                const auto& c = *src.config;
                std::size_t connected = 0, out_of_service = 0, present = 0;
                for (const auto& a : endpoints)
                  if (const auto* e = src.agent->find_endpoint(a)) {
                    ++present;
                    connected += e->state == mgcp::endpoint_state::connected;
                    out_of_service += e->state == mgcp::endpoint_state::out_of_service;
                  }
                json codecs = json::array();
                for (const auto& n : c.agent.codecs) codecs.push_back(n);
                return json{{"domain", c.agent.domain},
                            {"state", std::string(name_of(src.agent->state()))},
                            {"mgcp", fmt::format("{}:{}", c.mgcp_bind_address, c.mgcp_port)},
                            {"call_agent", fmt::format("{}:{}", c.agent.call_agent.address, c.agent.call_agent.port)},
                            {"spans", c.agent.spans.size()},
                            {"endpoints", present},
                            {"connected", connected},
                            {"out_of_service", out_of_service},
                            {"connections", src.agent->connection_count()},
                            {"codecs", codecs}};
              });

  (void)r.add({"show endpoints",
               {{"state", arg_type::string, false, "only endpoints in this state: idle, connected, out_of_service"}},
               "endpoints with their state, connections and notification state"},
              [this](const json& args) -> command_result {
                const std::string want = args.value("state", std::string{});
                if (!want.empty() && want != "idle" && want != "connected" && want != "out_of_service")
                  return fail(error_code::bad_arguments, "state must be idle, connected or out_of_service");
                json rows = json::array();
                for (const auto& a : endpoints) {
                  const auto* e = src.agent->find_endpoint(a);
                  if (e == nullptr || (!want.empty() && name_of(e->state) != want)) continue;
                  rows.push_back({{"endpoint", a.local_name()},
                                  {"state", std::string(name_of(e->state))},
                                  {"connections", e->connections.size()},
                                  {"notification", std::string(name_of(e->notify.state))},
                                  {"request", e->notify.request.value()}});
                }
                return rows;
              });

  (void)r.add({"show endpoint", {{"endpoint", arg_type::string, true, "local name, e.g. ds/e1-1/5 or rtp/1"}},
               "one endpoint with its connections"},
              [this](const json& args) -> command_result {
                const auto& name = args["endpoint"].get_ref<const std::string&>();
                auto a = mgcp::parse_local_name(name);
                const auto* e = a ? src.agent->find_endpoint(*a) : nullptr;
                if (e == nullptr) return fail(error_code::unknown_object, "no endpoint " + name);
                json conns = json::array();
                for (const auto& c : e->connections)
                  conns.push_back({{"connection", c.id.value()}, {"call_id", c.call.value()},
                                   {"mode", std::string(tandem::mgcp::to_string(c.mode.kind))},
                                   {"state", c.state == mgcp::connection_state::open ? "open" : "half_open"}});
                return json{{"endpoint", a->local_name()},
                            {"state", std::string(name_of(e->state))},
                            {"notification", std::string(name_of(e->notify.state))},
                            {"request", e->notify.request.value()},
                            {"connections", conns}};
              });

  (void)r.add({"show connections", {}, "connections with their call, mode and RTP addresses"},
              [this](const json&) -> command_result {
                json rows = json::array();
                for (const auto& a : endpoints) {
                  const auto* e = src.agent->find_endpoint(a);
                  if (e == nullptr) continue;
                  for (const auto& c : e->connections) {
                    json remote = nullptr;
                    if (c.media.remote) remote = fmt::format("{}:{}", c.media.remote->address, c.media.remote->port);
                    else if (c.media.joined_endpoint) remote = "joined " + *c.media.joined_endpoint;
                    rows.push_back({{"endpoint", a.local_name()},
                                    {"connection", c.id.value()},
                                    {"call_id", c.call.value()},
                                    {"mode", std::string(tandem::mgcp::to_string(c.mode.kind))},
                                    {"state", c.state == mgcp::connection_state::open ? "open" : "half_open"},
                                    {"codec", c.media.codecs.empty() ? json(nullptr) : json(c.media.codecs.front().encoding)},
                                    {"local", c.local.port != 0 ? json(fmt::format("{}:{}", c.local.address, c.local.port))
                                                                : json(nullptr)},
                                    {"remote", remote}});
                  }
                }
                return rows;
              });

  (void)r.add({"show spans", {}, "spans with their service state and endpoints by state"},
              [this](const json&) -> command_result {
                json rows = json::array();
                for (const auto& s : src.config->agent.spans) {
                  std::size_t idle = 0, connected = 0, oos = 0;
                  for (const auto& a : endpoints) {
                    if (a.kind == mgcp::endpoint_kind::rtp || a.span != s.number) continue;
                    if (const auto* e = src.agent->find_endpoint(a))
                      (e->state == mgcp::endpoint_state::idle        ? idle
                       : e->state == mgcp::endpoint_state::connected ? connected
                                                                     : oos)++;
                  }
                  rows.push_back({{"span", s.number},
                                  {"type", s.t1 ? "t1" : "e1"},
                                  {"service", src.supervisor != nullptr ? std::string(name_of(src.supervisor->service(s.number)))
                                                                        : std::string("-")},
                                  {"idle", idle},
                                  {"connected", connected},
                                  {"out_of_service", oos}});
                }
                return rows;
              });
}

}  // namespace tandem::gateway::app
