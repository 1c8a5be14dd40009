// tandem-pstn: the PSTN exchange simulator daemon. Usage: docs/pstn.md.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "common/asio.hpp"
#include "common/log.hpp"
#include "lab/pstn/control/control_server.hpp"
#include "lab/pstn/exchange.hpp"
#include "lab/pstn/ops/ops_binding.hpp"
#include "lab/pstn/pstn_config.hpp"
#include "ops/ops_config.hpp"

namespace {

constexpr const char* usage =
    "usage: tandem-pstn -c FILE [--port-file PATH] [--log-level SPEC] [--check]\n"
    "  -c, --config FILE   libconfig file (etc/pstn/*.cfg; docs/configuration.md)\n"
    "  --port-file PATH    write the control port there once listening\n"
    "  --log-level SPEC    info (default), or levels per subsystem: warn,q931=debug\n"
    "  --check             load and validate the configuration, then exit\n";

struct options {
  std::string config;
  std::string port_file;
  std::string log_level = "info";
  bool check = false;
};

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    if (a == "-c" || a == "--config") {
      if (!value(o.config)) return false;
    } else if (a == "--port-file") {
      if (!value(o.port_file)) return false;
    } else if (a == "--log-level") {
      if (!value(o.log_level)) return false;
    } else if (a == "--check") {
      o.check = true;
    } else {
      return false;
    }
  }
  return !o.config.empty();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  options opt;
  if (!parse(argc, argv, opt)) {
    std::fputs(usage, stderr);
    return 2;
  }
  if (auto applied = tandem::ops::apply_log_levels(opt.log_level); !applied) {
    std::fprintf(stderr, "tandem-pstn: --log-level %s\n", applied.error().c_str());
    return 2;
  }

  auto config = lab::pstn::load_pstn_config(opt.config);
  if (!config) {
    std::fprintf(stderr, "tandem-pstn: %s has errors:\n%s\n", opt.config.c_str(),
                 config::to_string(config.error()).c_str());
    return 1;
  }
  if (opt.check) {
    std::printf("%s: ok (%zu spans)\n", opt.config.c_str(), config->spans.size());
    return 0;
  }

  asio::io_context io;
  // "shutdown": let the response reach the client, then stop.
  asio::steady_timer shutdown_timer(io);
  lab::pstn::control::control_server server(io, [&io, &shutdown_timer] {
    shutdown_timer.expires_after(std::chrono::milliseconds(100));
    shutdown_timer.async_wait([&io](const boost::system::error_code&) { io.stop(); });
  });
  auto port = server.listen(config->control.address, static_cast<std::uint16_t>(config->control.port));
  if (!port) {
    std::fprintf(stderr, "tandem-pstn: %s\n", port.error().c_str());
    return 1;
  }
  // Operations (docs/ctl.md): counts the exchange's events on their way to the control server.
  lab::pstn::ops_binding ops(io, config->ops, server);
  auto ex = lab::pstn::exchange::create(io, *config, ops);
  if (!ex) {
    std::fprintf(stderr, "tandem-pstn: %s\n", ex.error().c_str());
    return 1;
  }
  server.attach(**ex);
  ops.attach(**ex);
  (*ex)->start();

  // Scripts read the port from stdout (first line) or from the port file.
  std::printf("control %s %u\n", config->control.address.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);
  if (!opt.port_file.empty()) {
    std::ofstream(opt.port_file) << *port << '\n';
  }
  if (auto started = ops.start(); !started) {  // after the "control" line scripts read first
    std::fprintf(stderr, "tandem-pstn: operations: %s\n", started.error().c_str());
    (*ex)->stop();
    return 1;
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  io.run();

  ops.stop();
  (*ex)->stop();
  server.close();
  return 0;
}
