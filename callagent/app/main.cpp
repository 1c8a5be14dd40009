/// tandem-ca: the call agent daemon (docs/callagent.md).
///   tandem-ca [-c|--config FILE] [--dump-config]
#include <cstdio>
#include <cstring>
#include <string>

#include "callagent/app/ca_daemon.hpp"
#include "callagent/app/config_dump.hpp"
#include "callagent/ca_config.hpp"
#include "ops/ops_config.hpp"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: tandem-ca [-c|--config FILE] [--dump-config]\n"
               "  -c, --config FILE   configuration (default /etc/tandem/ca.cfg)\n"
               "  --dump-config       print the effective configuration and exit\n"
               "  --metrics ADDR:PORT serve /metrics there (port 0: any, printed as \"metrics port N\")\n"
               "  --control PATH      control socket for tandem-ctl (docs/ctl.md)\n"
               "  --log-level SPEC    info (default), or e.g. warn,q931=debug (docs/logging.md)\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "/etc/tandem/ca.cfg";
  bool dump = false;
  tandem::ops::ops_config ops;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      path = argv[++i];
    } else if ((arg == "--metrics" || arg == "--control") && i + 1 < argc) {
      if (auto applied = tandem::ops::apply_ops_option(ops, arg, argv[++i]); !applied) {
        std::fprintf(stderr, "tandem-ca: %s\n", applied.error().c_str());
        return 2;
      }
    } else if (arg == "--log-level" && i + 1 < argc) {
      if (auto applied = tandem::ops::apply_log_levels(argv[++i]); !applied) {
        std::fprintf(stderr, "tandem-ca: --log-level %s\n", applied.error().c_str());
        return 2;
      }
    } else if (arg == "--dump-config") {
      dump = true;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "tandem-ca: unknown argument '%s'\n", arg.c_str());
      usage();
      return 2;
    }
  }
  auto config = tandem::callagent::load_ca_config_file(path);
  if (!config) {
    for (const auto& e : config.error()) std::fprintf(stderr, "%s: %s\n", path.c_str(), e.to_string().c_str());
    return 1;
  }
  if (auto errors = tandem::callagent::validate(*config); !errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "%s: %s\n", path.c_str(), e.to_string().c_str());
    return 1;
  }
  if (dump) {
    std::fputs(tandem::callagent::app::dump_config(*config).c_str(), stdout);
    return 0;
  }
  return tandem::callagent::app::run_daemon(*config, ops, path);
}
