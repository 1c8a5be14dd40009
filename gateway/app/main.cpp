/// tandem-mgw: the trunking media gateway (DESIGN.md). A thin main over the libraries:
/// configuration, media engines on their clocks, the MGCP service on one io_context.
///   tandem-mgw --config etc/mgw/e1-sim.cfg [--dump-config]
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "common/asio.hpp"
#include "common/asio_timer_service.hpp"
#include "common/log.hpp"
#include "gateway/app/engine_media_control.hpp"
#include "gateway/app/mgcp_service.hpp"
#include "gateway/app/mgw_config.hpp"
#include "gateway/app/ops_binding.hpp"
#include "gateway/app/span_bridge.hpp"
#include "gateway/app/span_supervisor.hpp"
#include "gateway/app/udp_transport.hpp"
#include "gateway/backhaul/backhaul_link.hpp"
#include "gateway/h248/h248_service.hpp"
#include "gateway/h248/media_event_fanout.hpp"
#include "gateway/h248/udp_transport.hpp"
#include "gateway/media/media_clock.hpp"
#include "tdm/sim/sim_span.hpp"

using namespace tandem;
using namespace tandem::gateway;

namespace {

int usage() {
  std::fprintf(stderr, "usage: tandem-mgw --config FILE [--dump-config]\n");
  return 2;
}

/// Splits the RTP port range evenly between the engines (each has its own allocator).
rtp::port_range share(const app::rtp_config& r, std::size_t index, std::size_t count) {
  const unsigned width = (static_cast<unsigned>(r.port_max) - r.port_min + 1) / static_cast<unsigned>(count);
  const auto first = static_cast<std::uint16_t>(r.port_min + index * width);
  return {first, static_cast<std::uint16_t>(first + width - 1)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
    else if (std::strcmp(argv[i], "--dump-config") == 0) dump = true;
    else return usage();
  }
  if (config_path.empty()) return usage();
  auto loaded = app::load_mgw_config_file(config_path);
  if (!loaded) {
    std::fprintf(stderr, "%s: %s\n", config_path.c_str(), config::to_string(loaded.error()).c_str());
    return 2;
  }
  const app::mgw_config cfg = std::move(*loaded);
  if (dump) {
    std::fputs(app::dump_config(cfg).c_str(), stdout);
    return 0;
  }
  spdlog::level::level_enum level;
  if (log::parse_level(cfg.log_level, level)) log::set_default_level(level);
  if (auto configured = log::configure(cfg.log_settings); !configured) {
    std::fprintf(stderr, "tandem-mgw: mgw.log: %s\n", configured.error().c_str());
    return 1;
  }
  auto logger = log::get("mgw");

  codecs::registry registry;
  codecs::register_core_codecs(registry);
  codecs::register_backend_codecs(registry);

  // One engine per span, clocked by the span; one for the virtual endpoints, free-running.
  const std::size_t engine_count = cfg.agent.spans.size() + (cfg.agent.rtp_endpoints > 0 ? 1 : 0);
  std::vector<std::unique_ptr<media::media_engine>> engines;
  std::vector<std::unique_ptr<tdm::span>> spans;
  std::vector<std::unique_ptr<app::span_bridge>> span_handlers;
  counter_set span_counters("tdm");
  for (std::size_t i = 0; i < cfg.agent.spans.size(); ++i) {
    const auto& s = cfg.agent.spans[i];
    const auto& link = cfg.span_links[i];
    if (link.backend != app::span_backend::sim) {
      // tdm/dahdi exists but needs the DAHDI kernel drivers and a card; no test can run it here,
      // so the daemon refuses rather than start a span nobody has seen work.
      logger->error("span {}: backend \"dahdi\" ({}) is not supported by tandem-mgw yet; use backend \"sim\"",
                    s.number, link.device);
      return 1;
    }
    media::media_engine_config ec;
    ec.span = s.t1 ? tdm::span_layout::t1() : tdm::span_layout::e1();
    ec.span_number = s.number;
    ec.tick_samples = static_cast<unsigned>(link.tick.count()) * 8;  // the engine ticks with the span
    ec.bind_address = cfg.rtp.bind_address;
    ec.ports = share(cfg.rtp, engines.size(), engine_count);
    ec.max_connections_per_endpoint = cfg.agent.max_connections_bearer;
    auto engine = media::media_engine::create(ec);
    if (!engine) {
      logger->error("span {}: media engine: {}", s.number, media::to_string(engine.error()));
      return 1;
    }
    tdm::sim_span_config sc;
    sc.number = tdm::span_number{s.number};
    sc.layout = *ec.span;
    sc.socket_path = link.device;
    sc.clock_role = link.clock_master ? tdm::sim_span_config::role::master : tdm::sim_span_config::role::slave;
    sc.mode = link.listen ? tdm::sim_span_config::connect_mode::listen : tdm::sim_span_config::connect_mode::connect;
    sc.tick = link.tick;
    sc.counters = &span_counters;
    auto span = tdm::create_sim_span(sc);
    if (!span) {
      logger->error("span {}: {}", s.number, span.error());
      return 1;
    }
    span_handlers.push_back(std::make_unique<app::span_bridge>(**engine));
    spans.push_back(std::move(*span));
    engines.push_back(std::move(*engine));
  }
  std::unique_ptr<media::media_clock> virtual_clock;
  if (cfg.agent.rtp_endpoints > 0) {
    media::media_engine_config ec;
    ec.virtual_endpoints = cfg.agent.rtp_endpoints;
    ec.bind_address = cfg.rtp.bind_address;
    ec.ports = share(cfg.rtp, engines.size(), engine_count);
    ec.max_connections_per_endpoint = cfg.agent.max_connections_rtp;
    auto engine = media::media_engine::create(ec);
    if (!engine) {
      logger->error("virtual endpoints: media engine: {}", media::to_string(engine.error()));
      return 1;
    }
    engines.push_back(std::move(*engine));
    virtual_clock = std::make_unique<media::media_clock>(*engines.back());
  }

  asio::io_context io;
  asio_timer_service timers(io);
  counter_set agent_counters("mgcp_agent");
  counter_set transaction_counters("mgcp");
  counter_set media_counters("mgw_media");
  std::vector<media::media_engine*> engine_ptrs;
  for (auto& e : engines) engine_ptrs.push_back(e.get());
  app::engine_media_control media_control(engine_ptrs, registry, cfg.rtp.bind_address, media_counters);

  auto transport = app::udp_transport::open(io, cfg.mgcp_bind_address, cfg.mgcp_port);
  if (!transport) {
    logger->error("{}", transport.error());
    return 1;
  }
  app::udp_transport& udp = **transport;
  app::mgcp_service service(cfg.agent, registry, media_control, timers, agent_counters, transaction_counters,
                            [&udp](const tandem::mgcp::peer& to, std::string_view d) { udp.send(to, d); },
                            cfg.transactions);
  udp.start(service);

  // The H.248 front-end (docs/h248-gateway.md): the same terminations and media plane as
  // MGCP, on its own port; media events go to both agents.
  counter_set h248_agent_counters("h248_agent");
  counter_set h248_transaction_counters("h248");
  std::unique_ptr<gateway::h248::udp_transport> h248_udp;
  std::unique_ptr<gateway::h248::h248_service> h248;
  gateway::h248::media_event_fanout media_events;
  media_events.add(service.agent());
  if (cfg.h248.enabled) {
    auto opened = gateway::h248::udp_transport::open(io, cfg.h248.bind_address, cfg.h248.port);
    if (!opened) {
      logger->error("{}", opened.error());
      return 1;
    }
    h248_udp = std::move(*opened);
    auto tc = cfg.h248.transactions;
    if (auto mid = gateway::h248::parse_mid(cfg.h248.mid)) tc.self = *mid;
    else tc.self = {tandem::h248::mid_kind::ipv4, cfg.h248.bind_address == "0.0.0.0" ? "127.0.0.1" : cfg.h248.bind_address,
                    h248_udp->local_port()};
    h248 = std::make_unique<gateway::h248::h248_service>(
        cfg.h248.agent, registry, media_control, timers, h248_agent_counters, h248_transaction_counters,
        [&u = *h248_udp](const tandem::h248::peer& to, std::string_view d) { u.send(to, d); }, tc);
    h248_udp->start(*h248);
    media_events.add(h248->agent());
  }

  // The spans' control side: D-channel frames to and from the backhaul, alarms to the agent.
  std::vector<app::supervised_span> supervised;
  for (std::size_t i = 0; i < spans.size(); ++i)
    supervised.push_back({cfg.agent.spans[i].number, spans[i].get(), span_handlers[i].get(), cfg.span_links[i].alarm_hold});
  counter_set supervisor_counters("spans");
  app::span_supervisor supervisor(
      std::move(supervised), [&service, &h248](unsigned span, bool up) {
        service.agent().set_span_in_service(span, up);
        if (h248) h248->agent().set_span_in_service(span, up);
      },
      supervisor_counters);
  counter_set backhaul_counters("backhaul");
  std::unique_ptr<gateway::backhaul::backhaul_link> backhaul_link;
  if (cfg.backhaul.enabled) {
    gateway::backhaul::backhaul_config bc;
    bc.address = cfg.backhaul.address;
    bc.port = cfg.backhaul.port;
    bc.name = cfg.agent.domain;
    bc.keepalive = cfg.backhaul.keepalive;
    bc.backoff_max = cfg.backhaul.backoff_max;
    for (const auto& s : cfg.agent.spans)
      bc.spans.push_back({static_cast<std::uint16_t>(s.number), s.t1 ? tandem::backhaul::span_kind::t1
                                                                      : tandem::backhaul::span_kind::e1});
    backhaul_link = gateway::backhaul::create_backhaul_link(io, bc, supervisor, backhaul_counters);
    supervisor.set_backhaul(backhaul_link.get());
    backhaul_link->start();
  }

  for (std::size_t i = 0; i < spans.size(); ++i) spans[i]->start(*span_handlers[i]);
  if (virtual_clock) virtual_clock->start();

  // Media events reach the agent every 10 ms (the media tick); D-channel frames and alarms
  // are picked up every 5 ms (Q.921's T200 is 1 s: the delay is immaterial to it).
  std::function<void()> poll = [&] {
    media_control.poll(media_events);
    timers.schedule_after(std::chrono::milliseconds(10), poll);
  };
  timers.schedule_after(std::chrono::milliseconds(10), poll);
  std::function<void()> poll_spans = [&] {
    supervisor.poll(std::chrono::steady_clock::now());
    timers.schedule_after(std::chrono::milliseconds(5), poll_spans);
  };
  if (!spans.empty()) timers.schedule_after(std::chrono::milliseconds(5), poll_spans);

  // Operations (docs/ctl.md): the metrics endpoint and the control socket, when configured.
  app::ops_binding ops(io, cfg.ops,
                       {&cfg, &service.agent(), {engine_ptrs.begin(), engine_ptrs.end()},
                        spans.empty() ? nullptr : &supervisor,
                        {&agent_counters, &transaction_counters, &media_counters, &span_counters, &supervisor_counters,
                         &backhaul_counters}});
  if (auto started = ops.start(); !started) {
    logger->error("operations: {}", started.error());
    return 1;
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    if (h248) h248->agent().shut_down(false);  // H.248.1 §11.4: ServiceChange Forced on ROOT
    io.stop();
  });
  logger->info("tandem-mgw {} listening on {}:{} ({} spans, {} virtual endpoints)", cfg.agent.domain,
               cfg.mgcp_bind_address, udp.local_port(), spans.size(), cfg.agent.rtp_endpoints);
  service.agent().start();
  if (h248) {
    logger->info("H.248 on {}:{}", cfg.h248.bind_address, h248_udp->local_port());
    h248->agent().start();
  }
  io.run();
  ops.stop();

  if (virtual_clock) virtual_clock->stop();
  if (backhaul_link) backhaul_link->stop();
  for (auto& s : spans) s->stop();
  for (const auto* set : {&agent_counters, &transaction_counters, &media_counters, &span_counters,
                          &supervisor_counters, &backhaul_counters, &h248_agent_counters, &h248_transaction_counters})
    for (const auto& [name, value] : set->snapshot()) logger->info("counter {} {}", name, value);
  return 0;
}
