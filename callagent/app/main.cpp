/// tandem-ca: the call agent daemon (docs/callagent.md).
///   tandem-ca [-c|--config FILE] [--dump-config]
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "callagent/app/ca_daemon.hpp"
#include "callagent/app/config_dump.hpp"
#include "callagent/ca_config.hpp"
#include "common/log_sink.hpp"
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
  // Command-line operations options, applied over the file's groups once it is loaded.
  std::vector<std::pair<std::string, std::string>> ops_options;
  std::optional<tandem::log::level_spec> log_levels;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      path = argv[++i];
    } else if ((arg == "--metrics" || arg == "--control") && i + 1 < argc) {
      tandem::ops::ops_config check;
      if (auto applied = tandem::ops::apply_ops_option(check, arg, argv[i + 1]); !applied) {
        std::fprintf(stderr, "tandem-ca: %s\n", applied.error().c_str());
        return 2;
      }
      ops_options.emplace_back(arg, argv[++i]);
    } else if (arg == "--log-level" && i + 1 < argc) {
      // Checked now, applied after the file's `log` group: the command line wins.
      auto spec = tandem::log::parse_levels(argv[++i]);
      if (!spec) {
        std::fprintf(stderr, "tandem-ca: --log-level %s\n", spec.error().c_str());
        return 2;
      }
      log_levels = std::move(*spec);
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
  for (const auto& [option, value] : ops_options) (void)tandem::ops::apply_ops_option(config->ops, option, value);
  if (dump) {
    std::fputs(tandem::callagent::app::dump_config(*config).c_str(), stdout);
    return 0;
  }
  if (auto configured = tandem::log::configure(config->log.settings); !configured) {
    std::fprintf(stderr, "%s: callagent.log: %s\n", path.c_str(), configured.error().c_str());
    return 1;
  }
  if (log_levels) tandem::log::apply(*log_levels);
  return tandem::callagent::app::run_daemon(*config, config->ops, path);
}
