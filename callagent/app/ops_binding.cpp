#include "callagent/app/ops_binding.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/log.hpp"
#include "ops/daemon_ops.hpp"
#include "ops/metrics/call_metrics.hpp"
#include "ops/metrics/mgcp_tap.hpp"
#include "ops/trace/call_sorter.hpp"
#include "ops/trace/trace_file.hpp"
#include "proto/backhaul/codec.hpp"

namespace tandem::callagent::app {
namespace {

using ops::control::arg_type;
using ops::control::error_code;
using ops::control::fail;
using json = ops::control::json;
using ops::control::command_result;
using ops::metrics::sample;

std::string peer_key(const mgcp::peer& p) { return fmt::format("{}:{}", p.address, p.port); }

command_result answer(const call_agent::admin_result& r) {
  switch (r.status) {
    case call_agent::admin_status::ok:
      return json{{"result", r.message}};
    case call_agent::admin_status::unknown_object:
      return fail(error_code::unknown_object, r.message);
    case call_agent::admin_status::conflict:
      return fail(error_code::conflict, r.message);
    case call_agent::admin_status::bad_arguments:
      return fail(error_code::bad_arguments, r.message);
  }
  return fail(error_code::internal, r.message);
}

double seconds_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// "mgw1 ds/e1-1/5" for a PRI leg, the SIP URI for a SIP leg.
std::string where(const pri_leg& l) { return l.gateway.empty() ? l.endpoint : l.gateway + " " + l.endpoint; }

json leg_json(const pri_leg& l) {
  return json{{"kind", l.kind == leg_kind::pri ? "pri" : "sip"},
              {"gateway", l.gateway},
              {"endpoint", l.endpoint},
              {"span", l.span},
              {"channel", l.channel},
              {"signalling", std::string(to_string(l.state))},
              {"connection", l.connection_id.value().empty() ? json(nullptr) : json(l.connection_id.value())},
              {"connection_state", std::string(to_string(l.connection))}};
}

/// The per-call trace of a record: `<folder>/call-<record>-<MGCP call id>.pcapng`.
std::string call_trace_path(const std::string& dir, const cdr_record& r) {
  return fmt::format("{}/call-{}-{}.pcapng", dir, r.record, r.call_id);
}

}  // namespace

/// The metrics taken from each call's record (ops/metrics/call_metrics), then the record
/// passed on.
class record_metrics final : public cdr_sink {
 public:
  record_metrics(ops::metrics::registry& r, cdr_sink* next) : metrics_(r, "ca"), next_(next) {}

  /// Runs for each record before it is passed on (per-call traces); returns the name of the
  /// call's trace file, or "" when per-call traces are off.
  std::function<std::string(const cdr_record&)> on_record;

  void write(const cdr_record& original) override {
    cdr_record r = original;
    ops::metrics::call_summary call;
    call.cause = r.cause;
    call.released_by = std::string(to_string(r.released_by));
    call.seizure = r.seizure;
    call.alerting = r.alerting;
    call.answer = r.answer;
    call.release = r.release;
    call.codec = r.codec;
    for (const cdr_leg* leg : {&r.originating, &r.terminating}) {
      if (!leg->stats) continue;
      const auto& s = *leg->stats;
      call.legs.push_back({s.packets_sent, s.packets_received, s.packets_lost, s.jitter_ms, s.latency_ms});
    }
    r.mos_cqe = metrics_.observe(call);
    if (on_record) r.trace_file = on_record(r);
    if (next_ != nullptr) next_->write(r);
  }

 private:
  ops::metrics::call_metrics metrics_;
  cdr_sink* next_;
};

/// Where the MGCP datagrams and backhaul frames go besides their sockets: the MGCP tap, the
/// running trace of everything, and the sorter of per-call traces (docs/traces.md).
struct packet_taps {
  using clock = std::chrono::system_clock;
  ops::metrics::mgcp_tap* tap = nullptr;
  std::unique_ptr<ops::trace::trace_file> trace;
  /// A trace of one gateway: its name (D-channels) and MGCP address.
  struct gateway_filter {
    std::string name;
    std::string address;
    std::uint16_t port = 0;
  };
  std::optional<gateway_filter> trace_only;
  std::optional<std::string> per_call_dir;  ///< set: a pcapng per call is written there
  ops::trace::call_sorter sorter;
  std::string local_address = "0.0.0.0";
  std::uint16_t local_port = 2727;

  void mgcp(bool from_self, const std::string& src, std::uint16_t sport, const std::string& dst, std::uint16_t dport,
            std::string_view datagram) {
    const auto now = clock::now();
    const std::string& peer = from_self ? dst : src;
    const std::uint16_t peer_port = from_self ? dport : sport;
    if (trace && (!trace_only || (trace_only->address == peer && trace_only->port == peer_port)))
      trace->write({ops::trace::traced_packet::kind::mgcp, now, {datagram.begin(), datagram.end()}, src, dst, sport, dport});
    if (per_call_dir) sorter.mgcp(from_self, src, sport, dst, dport, datagram, now);
  }
  void lapd(const std::string& link, unsigned span, bool from_network, std::span<const std::uint8_t> frame) {
    const auto now = clock::now();
    if (trace && (!trace_only || trace_only->name == link))
      trace->write({ops::trace::traced_packet::kind::lapd, now, {frame.begin(), frame.end()}, {}, {}, 0, 0});
    if (per_call_dir) sorter.lapd(link, span, from_network, frame, now);
  }
};

/// Every datagram sent shown to the tap (and the trace) first.
class tapped_transport final : public mgcp_transport {
 public:
  tapped_transport(packet_taps& taps, mgcp_transport& inner) : taps_(taps), inner_(inner) {}
  void send(const mgcp::peer& to, std::string_view datagram) override {
    taps_.tap->on_sent(peer_key(to), datagram, std::chrono::steady_clock::now());
    taps_.mgcp(true, taps_.local_address, taps_.local_port, to.address, to.port, datagram);
    inner_.send(to, datagram);
  }

 private:
  packet_taps& taps_;
  mgcp_transport& inner_;
};

struct ops_binding::impl {
  impl(boost::asio::io_context& io, ops::ops_config config, std::string path, counter_set& counters, cdr_sink* next)
      : ops(io, std::move(config), {"tandem-ca", "", {}}, [this] { return health(); }),
        config_path(std::move(path)),
        ca_counters(counters),
        records(ops.metrics(), next),
        tap(ops.metrics()) {
    taps.tap = &tap;
    records.on_record = [this](const cdr_record& r) { return on_record(r); };
  }

  /// A call's record: its trace is written a little later, once the last frames of its
  /// clearing (RELEASE COMPLETE after the RELEASE that ended it) have passed.
  std::string on_record(const cdr_record& r);
  void write_call_trace(const std::string& dir, const cdr_record& r,
                        const std::vector<ops::trace::traced_circuit>& circuits);

  void register_gauges();
  void register_commands();

  /// /healthz: unhealthy when no configured gateway is in service (no call can be placed).
  expected<std::string, std::string> health() const {
    if (agent == nullptr) return make_unexpected(std::string("starting"));
    if (agent->gateways().empty()) return std::string("ok (no gateways configured)");
    for (const auto& [name, gw] : agent->gateways())
      if (gw.state == gateway_state::in_service) return std::string("ok");
    return make_unexpected(std::string("no gateway in service"));
  }

  ops::daemon_ops ops;
  std::string config_path;
  counter_set& ca_counters;
  record_metrics records;
  ops::metrics::mgcp_tap tap;
  packet_taps taps;
  /// Each backhaul connection's two byte streams cut into frames.
  std::map<const void*, std::pair<backhaul::frame_reader, backhaul::frame_reader>> backhaul_streams;
  /// Each backhaul connection's gateway name (from its hello).
  std::map<const void*, std::string> backhaul_links;
  std::unique_ptr<tapped_transport> transport;
  call_agent* agent = nullptr;
  timer_service* timers = nullptr;
  std::size_t traces_pending = 0;  ///< per-call traces waiting for their delay
  static constexpr std::chrono::seconds trace_delay{2};
};

ops_binding::ops_binding(boost::asio::io_context& io, ops::ops_config config, std::string config_path,
                         counter_set& counters, cdr_sink* records)
    : impl_(std::make_unique<impl>(io, std::move(config), std::move(config_path), counters, records)) {}

ops_binding::~ops_binding() = default;

cdr_sink* ops_binding::records() { return &impl_->records; }

mgcp_transport& ops_binding::transport(mgcp_transport& inner) {
  impl_->transport = std::make_unique<tapped_transport>(impl_->taps, inner);
  return *impl_->transport;
}

void ops_binding::on_mgcp_received(const mgcp::peer& from, std::string_view datagram) {
  impl_->tap.on_received(peer_key(from), datagram, std::chrono::steady_clock::now());
  auto& t = impl_->taps;
  t.mgcp(false, from.address, from.port, t.local_address, t.local_port, datagram);
}

void ops_binding::on_backhaul_bytes(const void* connection, bool from_gateway, std::span<const std::uint8_t> bytes) {
  // Always followed, so that a trace started mid-stream finds the frame boundaries.
  auto& streams = impl_->backhaul_streams[connection];
  auto& reader = from_gateway ? streams.first : streams.second;
  reader.feed(bytes);
  while (true) {
    auto m = reader.next();
    if (!m || !*m) return;  // more bytes needed, or a broken stream (the session closes it)
    if (const auto* h = std::get_if<backhaul::hello>(&**m); h != nullptr && from_gateway) {
      // docs/backhaul.md: the hello names the gateway by its domain; circuits use its name.
      impl_->backhaul_links[connection] = h->name;
      if (impl_->agent != nullptr)
        for (const auto& g : impl_->agent->config().gateways)
          if (g.domain == h->name) impl_->backhaul_links[connection] = g.name;
    }
    if (const auto* f = std::get_if<backhaul::dchannel_frame>(&**m); f != nullptr) {
      // The gateways' spans face the network side; the call agent is the user side.
      impl_->taps.lapd(impl_->backhaul_links[connection], f->span, from_gateway, f->payload);
    }
  }
}

void ops_binding::on_backhaul_closed(const void* connection) {
  impl_->backhaul_streams.erase(connection);
  impl_->backhaul_links.erase(connection);
}

void ops_binding::attach(call_agent& agent, const std::string& mgcp_address, std::uint16_t mgcp_port,
                         timer_service* timers) {
  impl_->agent = &agent;
  impl_->timers = timers;
  impl_->taps.local_address = mgcp_address;
  impl_->taps.local_port = mgcp_port;
  // The call agent's own counters ("ca.*") and its MGCP engine's ("mgcp.*").
  impl_->ops.metrics().adopt(impl_->ca_counters,
                             {{"ca.mgcp.rx.{verb}", "ca_mgcp_rx"},
                              {"ca.mgcp.tx.{verb}", "ca_mgcp_tx"},
                              {"ca.gateways.rsip.{method}", "ca_gateways_rsip"},
                              {"ca.sip.rx.{code}", "ca_sip_failure_responses"}});
  impl_->ops.add_counters(impl_->ca_counters);
  impl_->ops.metrics().adopt(agent.mgcp_counters());
  impl_->ops.add_counters(agent.mgcp_counters());
  impl_->register_gauges();
  impl_->register_commands();
}

expected<void, std::string> ops_binding::start() {
  if (auto started = impl_->ops.start(); !started) return started;
  if (auto port = impl_->ops.metrics_port()) std::printf("metrics port %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  return {};
}

void ops_binding::stop() { impl_->ops.stop(); }

std::string ops_binding::impl::on_record(const cdr_record& r) {
  if (!taps.per_call_dir || agent == nullptr) return {};
  // The call is still in the table while its record is written: its legs name the circuits.
  std::vector<ops::trace::traced_circuit> circuits;
  for (const auto& [id, c] : agent->calls())
    if (c.mgcp_call.value() == r.call_id)
      for (const auto& l : c.legs) circuits.push_back({l.gateway, l.span, l.channel});
  const auto path = call_trace_path(*taps.per_call_dir, r);
  if (timers == nullptr) {
    write_call_trace(*taps.per_call_dir, r, circuits);
    return path;
  }
  ++traces_pending;
  timers->schedule_after(trace_delay, [this, dir = *taps.per_call_dir, r, circuits] {
    --traces_pending;
    write_call_trace(dir, r, circuits);
    // After `trace stop`, what is left belongs to calls that will get no file.
    if (!taps.per_call_dir && traces_pending == 0) taps.sorter.expire(packet_taps::clock::time_point::max(), {});
  });
  return path;
}

void ops_binding::impl::write_call_trace(const std::string& dir, const cdr_record& r,
                                         const std::vector<ops::trace::traced_circuit>& circuits) {
  const auto packets = taps.sorter.claim(r.call_id, circuits, r.seizure, r.release);
  std::set<std::string, std::less<>> live;
  for (const auto& [id, c] : agent->calls())
    if (c.mgcp_call.value() != r.call_id) live.insert(c.mgcp_call.value());
  taps.sorter.expire(packet_taps::clock::now(), live);
  const auto path = call_trace_path(dir, r);
  auto file = ops::trace::trace_file::create(path, "tandem-ca");
  if (!file) {
    ca_counters.get("trace.write_failed").add();
    log::get("ca")->warn("call {} ({}): trace not written: {}", r.record, r.call_id, file.error());
    return;
  }
  for (const auto& p : packets) (*file)->write(p);
  ca_counters.get("trace.calls_written").add();
  log::get("ca")->info("call {} ({}): trace {} ({} packets)", r.record, r.call_id, path, packets.size());
}

void ops_binding::impl::register_gauges() {
  auto& m = ops.metrics();
  call_agent* a = agent;
  m.gauge_family("tandem_ca_calls", "Calls in progress, by state", [a] {
    std::map<std::string, double> by_state{{"setting_up", 0}, {"ringing", 0}, {"answered", 0}, {"releasing", 0}};
    for (const auto& [id, c] : a->calls()) by_state[std::string(to_string(c.state))] += 1;
    std::vector<sample> out;
    for (const auto& [state, n] : by_state) out.push_back({{{"state", state}}, n});
    return out;
  });
  m.gauge_family("tandem_ca_circuits", "B-channels by gateway and state (idle, busy, blocked)", [a] {
    std::map<std::pair<std::string, std::string>, double> n;
    for (const auto& [name, gw] : a->gateways())
      for (const char* s : {"idle", "busy", "blocked"}) n[{name, s}] = 0;
    for (std::size_t i = 0; i < a->circuits().size(); ++i) {
      const auto& c = a->circuits().at(i);
      n[{c.gateway, std::string(to_string(c.state))}] += 1;
    }
    std::vector<sample> out;
    for (const auto& [key, v] : n) out.push_back({{{"gateway", key.first}, {"state", key.second}}, v});
    return out;
  });
  m.gauge_family("tandem_ca_circuits_admin_blocked", "B-channels busied out by an operator (tandem-ctl block)", [a] {
    std::map<std::string, double> n;
    for (const auto& [name, gw] : a->gateways()) n[name] = 0;
    for (auto i : a->admin_blocked()) n[a->circuits().at(i).gateway] += 1;
    std::vector<sample> out;
    for (const auto& [gw, v] : n) out.push_back({{{"gateway", gw}}, v});
    return out;
  });
  m.gauge_family("tandem_ca_gateway_state", "1 for the state each gateway is in (RFC 3435 §4.4 restart procedures)", [a] {
    std::vector<sample> out;
    for (const auto& [name, gw] : a->gateways())
      out.push_back({{{"gateway", name}, {"state", std::string(to_string(gw.state))}}, 1.0});
    return out;
  });
  m.gauge_family("tandem_ca_span_link_up", "1 when the Q.931 data link of a span is up (over the backhaul)", [a] {
    std::map<std::pair<std::string, unsigned>, double> up;
    for (std::size_t i = 0; i < a->circuits().size(); ++i) {
      const auto& c = a->circuits().at(i);
      up[{c.gateway, c.span}] = c.link_up ? 1.0 : 0.0;
    }
    std::vector<sample> out;
    for (const auto& [key, v] : up) out.push_back({{{"gateway", key.first}, {"span", std::to_string(key.second)}}, v});
    return out;
  });
  m.gauge_family("tandem_ca_mgcp_pending", "MGCP commands sent and not yet answered", [a] {
    return std::vector<sample>{{{}, static_cast<double>(a->pending_mgcp())}};
  });
}

void ops_binding::impl::register_commands() {
  auto& r = ops.commands();
  call_agent* a = agent;

  (void)r.add({"show gateways", {}, "gateways with their state, address and circuits"}, [a](const json&) -> command_result {
    json rows = json::array();
    for (const auto& [name, gw] : a->gateways()) {
      const auto& c = a->circuits();
      rows.push_back({{"gateway", name},
                      {"state", std::string(to_string(gw.state))},
                      {"address", fmt::format("{}:{}", gw.config.address, gw.config.port)},
                      {"domain", gw.config.domain.empty() ? name : gw.config.domain},
                      {"idle", c.count(name, circuit_state::idle)},
                      {"busy", c.count(name, circuit_state::busy)},
                      {"blocked", c.count(name, circuit_state::blocked)}});
    }
    return rows;
  });

  (void)r.add({"show circuits",
               {{"gateway", arg_type::string, false, "only this gateway"},
                {"state", arg_type::string, false, "only circuits in this state: idle, busy or blocked"}},
               "B-channels with their state and the call holding them"},
              [a](const json& args) -> command_result {
                const std::string gw = args.value("gateway", std::string{});
                const std::string state = args.value("state", std::string{});
                if (!gw.empty() && !a->gateways().contains(gw)) return fail(error_code::unknown_object, "no gateway " + gw);
                if (!state.empty() && state != "idle" && state != "busy" && state != "blocked")
                  return fail(error_code::bad_arguments, "state must be idle, busy or blocked");
                json rows = json::array();
                for (std::size_t i = 0; i < a->circuits().size(); ++i) {
                  const auto& c = a->circuits().at(i);
                  if ((!gw.empty() && c.gateway != gw) || (!state.empty() && to_string(c.state) != state)) continue;
                  rows.push_back({{"gateway", c.gateway},
                                  {"span", c.span},
                                  {"channel", c.channel},
                                  {"endpoint", c.endpoint},
                                  {"state", std::string(to_string(c.state))},
                                  {"admin", a->admin_blocked().contains(i) ? "blocked" : "-"},
                                  {"call", c.state == circuit_state::busy ? json(c.owner.value()) : json(nullptr)},
                                  {"uses", c.uses}});
                }
                return rows;
              });

  (void)r.add({"show trunk-groups", {}, "trunk groups with their gateway and circuits by state"},
              [a](const json&) -> command_result {
                json rows = json::array();
                for (const auto& [name, g] : a->trunk_groups()) {
                  std::size_t idle = 0, busy = 0, blocked = 0;
                  for (auto i : g.members()) {
                    const auto s = a->circuits().at(i).state;
                    (s == circuit_state::idle ? idle : s == circuit_state::busy ? busy : blocked)++;
                  }
                  std::string hunting = "ascending";
                  for (const auto& tg : a->config().trunk_groups)
                    if (tg.name == name) {
                      const char* names[] = {"ascending", "descending", "round_robin", "least_used"};
                      hunting = names[static_cast<int>(tg.hunting)];
                    }
                  rows.push_back({{"trunk_group", name}, {"gateway", g.gateway()}, {"hunting", hunting},
                                  {"circuits", g.members().size()}, {"idle", idle}, {"busy", busy}, {"blocked", blocked}});
                }
                return rows;
              });

  (void)r.add({"show spans", {}, "spans (gateway, span) with their Q.931 link and circuits"}, [a](const json&) -> command_result {
    std::map<std::pair<std::string, unsigned>, json> spans;
    for (std::size_t i = 0; i < a->circuits().size(); ++i) {
      const auto& c = a->circuits().at(i);
      auto& row = spans[{c.gateway, c.span}];
      if (row.is_null())
        row = json{{"gateway", c.gateway}, {"span", c.span}, {"link", c.link_up ? "up" : "down"}, {"idle", 0}, {"busy", 0}, {"blocked", 0}};
      row[std::string(to_string(c.state))] = row[std::string(to_string(c.state))].get<int>() + 1;
    }
    json rows = json::array();
    for (auto& [key, row] : spans) rows.push_back(std::move(row));
    return rows;
  });

  auto call_summary = [a](const call& c) {
    json legs = json::array();
    for (std::size_t i = 0; i < c.legs.size(); ++i) {
      json l = leg_json(c.legs[i]);
      l["role"] = i == 0 ? "originating" : (c.term && *c.term == i ? "terminating" : "abandoned");
      legs.push_back(std::move(l));
    }
    const auto now = std::chrono::system_clock::now();
    return json{{"call", c.id.value()},
                {"call_id", c.mgcp_call.value()},
                {"state", std::string(to_string(c.state))},
                {"calling", c.calling},
                {"called", c.called},
                {"route", c.route != nullptr ? json(c.route->name) : json(nullptr)},
                {"codec", c.codec_name.empty() ? json(nullptr) : json(c.codec_name)},
                {"age_s", static_cast<long long>(seconds_between(c.seizure, now))},
                {"legs", legs}};
  };

  (void)r.add({"show calls", {}, "calls in progress"}, [a](const json&) -> command_result {
    json rows = json::array();
    for (const auto& [id, c] : a->calls()) {
      const pri_leg& o = c.legs.front();
      const pri_leg* t = c.term ? &c.legs[*c.term] : nullptr;
      rows.push_back({{"call", id.value()},
                      {"state", std::string(to_string(c.state))},
                      {"calling", c.calling},
                      {"called", c.called},
                      {"from", where(o)},
                      {"to", t != nullptr ? json(where(*t)) : json(nullptr)},
                      {"codec", c.codec_name.empty() ? json(nullptr) : json(c.codec_name)},
                      {"age_s", static_cast<long long>(seconds_between(c.seizure, std::chrono::system_clock::now()))}});
    }
    return rows;
  });

  (void)r.add({"show call", {{"call", arg_type::integer, true, "call number (show calls)"}}, "one call with its legs"},
              [a, call_summary](const json& args) -> command_result {
                const auto id = args["call"].get<std::int64_t>();
                auto it = id > 0 ? a->calls().find(call_ref{static_cast<std::uint64_t>(id)}) : a->calls().end();
                if (it == a->calls().end()) return fail(error_code::unknown_object, fmt::format("no call {}", id));
                return call_summary(it->second);
              });

  (void)r.add({"show connections", {}, "MGCP connections of the calls in progress"}, [a](const json&) -> command_result {
    json rows = json::array();
    for (const auto& [id, c] : a->calls())
      for (const auto& l : c.legs)
        if (l.connection != connection_state::none)
          rows.push_back({{"call", id.value()}, {"call_id", c.mgcp_call.value()}, {"gateway", l.gateway},
                          {"endpoint", l.endpoint}, {"connection", l.connection_id.value()},
                          {"state", std::string(to_string(l.connection))}});
    return rows;
  });

  (void)r.add({"show routes", {}, "normalisation rules and routes, in the order tried"}, [a](const json&) -> command_result {
    json routes = json::array();
    for (const auto& rt : a->config().routes) {
      std::string targets;
      for (const auto& t : rt.targets) targets += (targets.empty() ? "" : ", ") + t.name;
      std::string codecs;
      for (const auto& c : rt.codecs) codecs += (codecs.empty() ? "" : ", ") + c;
      routes.push_back({{"route", rt.name}, {"match", (rt.kind == match_kind::prefix ? "prefix " : "pattern ") + rt.match},
                        {"strip", rt.called.strip}, {"prepend", rt.called.prepend}, {"targets", targets}, {"codecs", codecs}});
    }
    json normalise = json::array();
    for (const auto& n : a->config().normalise)
      normalise.push_back({{"match", (n.kind == match_kind::prefix ? "prefix " : "pattern ") + n.match},
                           {"strip", n.edit.strip}, {"prepend", n.edit.prepend}});
    return json{{"normalise", normalise}, {"routes", routes}};
  });

  const std::vector<ops::control::arg_spec> circuit_args = {
      {"gateway", arg_type::string, true, "gateway name"},
      {"span", arg_type::integer, false, "span number (default: every span)"},
      {"channel", arg_type::integer, false, "B-channel (default: every channel)"}};
  auto block = [a](bool on) {
    return [a, on](const json& args) -> command_result {
      const auto span = args.value("span", std::int64_t{0});
      const auto channel = args.value("channel", std::int64_t{0});
      if (span < 0 || channel < 0 || span > 1000 || channel > 1000)
        return fail(error_code::bad_arguments, "span and channel are small positive numbers");
      return answer(a->block_circuits(args["gateway"].get<std::string>(), static_cast<unsigned>(span),
                                      static_cast<unsigned>(channel), on));
    };
  };
  (void)r.add({"block", circuit_args,
               "graceful busy-out: no new call on the circuits (cause 34/44), calls up on them finish"},
              block(true));
  (void)r.add({"unblock", circuit_args, "undo a busy-out"}, block(false));

  auto drain = [a](bool on) {
    return [a, on](const json& args) -> command_result {
      return answer(a->drain_gateway(args["gateway"].get<std::string>(), on));
    };
  };
  (void)r.add({"drain", {{"gateway", arg_type::string, true, "gateway name"}},
               "no new call on the gateway; calls up on it finish (as RSIP graceful)"},
              drain(true));
  (void)r.add({"undrain", {{"gateway", arg_type::string, true, "gateway name"}}, "put a drained gateway back in service"},
              drain(false));

  (void)r.add({"release",
               {{"call", arg_type::integer, true, "call number (show calls)"},
                {"cause", arg_type::integer, false, "Q.850 cause value sent to both sides (default 16)"}},
               "clear one call"},
              [a](const json& args) -> command_result {
                const auto id = args["call"].get<std::int64_t>();
                const auto why = args.value("cause", std::int64_t{16});
                if (why < 1 || why > 127) return fail(error_code::bad_arguments, "cause must be 1..127 (Q.850)");
                if (id <= 0) return fail(error_code::unknown_object, fmt::format("no call {}", id));
                return answer(a->release_call(call_ref{static_cast<std::uint64_t>(id)}, static_cast<cause>(why)));
              });

  (void)r.add({"trace start",
               {{"file", arg_type::string, true, "absolute path of a new pcapng file"},
                {"gateway", arg_type::string, false, "only this gateway's MGCP and D-channels"}},
               "write every MGCP datagram and Q.931 frame (of one gateway) to one pcapng file (docs/traces.md)"},
              [this](const json& args) -> command_result {
                const auto& file = args["file"].get_ref<const std::string&>();
                const std::string gateway_name = args.value("gateway", std::string{});
                if (taps.trace) return fail(error_code::conflict, "a trace is running: " + taps.trace->path());
                if (file.empty() || file.front() != '/') return fail(error_code::bad_arguments, "the file must be an absolute path");
                std::optional<packet_taps::gateway_filter> only;
                if (!gateway_name.empty()) {
                  auto gw = agent->gateways().find(gateway_name);
                  if (gw == agent->gateways().end()) return fail(error_code::unknown_object, "no gateway " + gateway_name);
                  only = packet_taps::gateway_filter{gateway_name, gw->second.config.address, gw->second.config.port};
                }
                auto t = ops::trace::trace_file::create(file, "tandem-ca");
                if (!t) return fail(error_code::unavailable, t.error());
                taps.trace = std::move(*t);
                taps.trace_only = only;
                log::get("ca")->info("trace started: {}{}", file, only ? " (gateway " + gateway_name + ")" : "");
                return json{{"trace", file}, {"gateway", only ? json(gateway_name) : json(nullptr)}};
              });
  (void)r.add({"trace calls", {{"folder", arg_type::string, true, "absolute path of an existing folder"}},
               "write one pcapng per call into a folder, named after the call (docs/traces.md)"},
              [this](const json& args) -> command_result {
                const auto& dir = args["folder"].get_ref<const std::string&>();
                if (taps.per_call_dir) return fail(error_code::conflict, "per-call traces already go to " + *taps.per_call_dir);
                if (dir.empty() || dir.front() != '/') return fail(error_code::bad_arguments, "the folder must be an absolute path");
                if (std::FILE* probe = std::fopen((dir + "/.").c_str(), "r"); probe == nullptr)
                  return fail(error_code::unavailable, fmt::format("cannot use {}: {}", dir, std::strerror(errno)));
                else
                  std::fclose(probe);
                taps.per_call_dir = dir;
                log::get("ca")->info("per-call traces: {}", dir);
                return json{{"calls", dir}};
              });
  (void)r.add({"trace stop", {}, "stop the trace and the per-call traces"}, [this](const json&) -> command_result {
    if (!taps.trace && !taps.per_call_dir) return fail(error_code::conflict, "no trace is running");
    json out = json::object();
    if (taps.trace) {
      out["trace"] = taps.trace->path();
      out["packets"] = taps.trace->packets();
      log::get("ca")->info("trace stopped: {} ({} packets)", taps.trace->path(), taps.trace->packets());
      taps.trace.reset();
      taps.trace_only.reset();
    }
    if (taps.per_call_dir) {
      // Calls already ended still get their file (within trace_delay); calls in progress
      // get none, and what the sorter holds for them is dropped.
      out["calls"] = *taps.per_call_dir;
      taps.per_call_dir.reset();
      if (traces_pending == 0) taps.sorter.expire(packet_taps::clock::time_point::max(), {});
    }
    return out;
  });
  (void)r.add({"show trace", {}, "the running traces, if any"}, [this](const json&) -> command_result {
    json out{{"trace", taps.trace ? json(taps.trace->path()) : json(nullptr)},
             {"packets", taps.trace ? json(taps.trace->packets()) : json(nullptr)},
             {"calls", taps.per_call_dir ? json(*taps.per_call_dir) : json(nullptr)},
             {"held", taps.sorter.held()},
             {"dropped", taps.sorter.dropped()}};
    return out;
  });

  (void)r.add({"reload routes", {{"file", arg_type::string, false, "configuration file (default: the one started with)"}},
               "re-read routes and normalisation rules; calls up keep theirs"},
              [a, path = config_path](const json& args) -> command_result {
                const std::string file = args.value("file", path);
                if (file.empty()) return fail(error_code::unavailable, "tandem-ca was started without a configuration file");
                auto fresh = load_ca_config_file(file);
                if (!fresh) {
                  std::string text;
                  for (const auto& e : fresh.error()) text += (text.empty() ? "" : "; ") + e.to_string();
                  return fail(error_code::bad_arguments, file + ": " + text);
                }
                return answer(a->reload_routes(*fresh));
              });
}

}  // namespace tandem::callagent::app
