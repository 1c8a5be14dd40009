// tandem-lab: starts a lab from one config and runs scripted call flows against it.
// Usage and reference: docs/lab.md; the scenario language: docs/scenarios.md.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lab/runner/driver/exchange_driver.hpp"
#include "lab/runner/report/writers.hpp"
#include "lab/runner/run/scenario_runner.hpp"
#include "lab/runner/scenario/parser.hpp"
#include "lab/runner/scenario/tokens.hpp"
#include "lab/runner/topology/lab_instance.hpp"

namespace {

using namespace tandem::lab::runner;
namespace fs = std::filesystem;

constexpr const char* usage =
    "usage:\n"
    "  tandem-lab run CONFIG SCENARIO... [options]   up, run the scenarios, down; reports in the run folder\n"
    "  tandem-lab up CONFIG [options]                start the lab and keep it up until Ctrl-C or `down`\n"
    "  tandem-lab down RUN_FOLDER                    stop a lab started by `up`\n"
    "  tandem-lab check CONFIG [SCENARIO...]         load and check the lab and the scenarios, start nothing\n"
    "options:\n"
    "  --run-root DIR    parent of the run folders (default: run)\n"
    "  --bin-dir DIR     where tandem-pstn, tandem-mgw and tandem-ca are (default: next to tandem-lab, the build tree, $PATH)\n"
    "  --load N,R,C      run every scenario as N calls at R calls/s with at most C at once\n"
    "  --no-pcap         do not capture the lab's control traffic with dumpcap\n"
    "exit status: 0 every check passed; 1 a check failed; 2 bad usage, config or scenario; 3 the lab did not come up\n";

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted = true; }

struct options {
  std::string command;
  std::vector<std::string> positional;
  lab_options lab;
  std::optional<load_spec> load;
};

std::optional<load_spec> parse_load(const std::string& text) {
  auto a = text.find(',');
  auto b = text.find(',', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) return std::nullopt;
  auto n = tokens::integer(text.substr(0, a), 1, 1'000'000);
  auto r = tokens::rate(text.substr(a + 1, b - a - 1) + "/s");
  auto c = tokens::integer(text.substr(b + 1), 1, 10000);
  if (!n || !r || !c) return std::nullopt;
  return load_spec{static_cast<unsigned>(*n), *r, static_cast<unsigned>(*c)};
}

bool parse(int argc, char** argv, options& o) {
  if (argc < 2) return false;
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--run-root") {
      if (!value(o.lab.run_root)) return false;
    } else if (a == "--bin-dir") {
      if (!value(v)) return false;
      o.lab.program_dirs.insert(o.lab.program_dirs.begin(), v);
    } else if (a == "--no-pcap") {
      o.lab.capture = false;
    } else if (a == "--load") {
      if (!value(v)) return false;
      o.load = parse_load(v);
      if (!o.load) {
        std::fprintf(stderr, "tandem-lab: --load wants N,R,C such as 100,5,10, not \"%s\"\n", v.c_str());
        return false;
      }
    } else if (a.starts_with("--")) {
      return false;
    } else {
      o.positional.push_back(a);
    }
  }
  return true;
}

std::vector<std::string> default_program_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("TANDEM_BIN_DIR")) dirs.push_back(env);
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(self.parent_path().string());
    // The build tree: lab/runner -> lab/pstn, gateway/app, callagent/app.
    for (const char* rel : {"../pstn", "../../gateway/app", "../../callagent/app"})
      dirs.push_back((self.parent_path() / rel).lexically_normal().string());
  }
  return dirs;
}

std::optional<lab_config> load_lab(const std::string& file) {
  auto lab = load_lab_config(file);
  if (!lab) {
    std::fprintf(stderr, "tandem-lab: %s has errors:\n%s\n", file.c_str(),
                 tandem::config::to_string(lab.error()).c_str());
    return std::nullopt;
  }
  return *lab;
}

/// Parses every scenario file; prints every error. nullopt when any has one.
std::optional<std::vector<scenario>> load_scenarios(const std::vector<std::string>& files, const lab_config& lab) {
  std::vector<scenario> all;
  bool ok = true;
  for (const auto& f : files) {
    auto s = parse_scenario_file(f);
    if (!s) {
      std::fprintf(stderr, "%s\n", to_string(s.error()).c_str());
      ok = false;
      continue;
    }
    for (auto& sc : *s) {
      for (const auto& p : check_against_lab(sc, lab)) {
        std::fprintf(stderr, "%s\n", p.c_str());
        ok = false;
      }
      all.push_back(std::move(sc));
    }
  }
  if (!ok) return std::nullopt;
  return all;
}

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  return buf;
}

int write_reports(run_report& report, const std::string& dir) {
  std::cout << "\n" << summary_table(report);
  if (dir.empty()) return report.passed() ? 0 : (report.error.empty() ? 1 : 3);
  const auto json_path = dir + "/report.json";
  const auto junit_path = dir + "/junit.xml";
  const auto text_path = dir + "/summary.txt";
  std::ofstream(json_path) << json_report(report);
  std::ofstream(junit_path) << junit_report(report);
  std::ofstream(text_path) << summary_table(report);
  std::cout << fmt::format("\nreports: {}\n         {}\n         {}\nlogs:    {}\n", json_path, junit_path, text_path, dir);
  if (report.passed()) return 0;
  return report.error.empty() ? 1 : 3;
}

int cmd_run(const options& o) {
  if (o.positional.size() < 2) {
    std::fputs(usage, stderr);
    return 2;
  }
  auto lab = load_lab(o.positional[0]);
  if (!lab) return 2;
  auto scenarios = load_scenarios({o.positional.begin() + 1, o.positional.end()}, *lab);
  if (!scenarios) return 2;
  run_report report;
  report.lab = lab->name;
  report.lab_file = o.positional[0];
  report.started_at = iso_now();
  const auto t0 = std::chrono::steady_clock::now();
  auto up = lab_instance::up(*lab, o.lab, std::cout);
  if (!up) {
    report.error = up.error();
    std::cerr << "tandem-lab: the lab did not come up: " << up.error() << "\n";
    // The run folder exists (up prints it) even when the lab failed: reports go there too.
    return write_reports(report, "");
  }
  auto& instance = **up;
  report.run_dir = instance.run_dir();
  exchange_driver driver(instance);
  run_options ro;
  ro.load = o.load;
  ro.interrupted = [] { return g_interrupted.load(); };
  for (const auto& s : *scenarios) {
    if (g_interrupted) break;
    report.scenarios.push_back(run_scenario(s, *lab, driver, ro, std::cout));
    // A node that died mid-run fails the run with its status rather than a wall of timeouts.
    for (auto& n : instance.nodes())
      if (n.process && !n.process->running() && report.error.empty())
        report.error = fmt::format("{} ended during the run ({}); see {}", n.plan.name, n.process->status_text(),
                                   n.plan.log_path);
    if (!report.error.empty()) break;
  }
  if (g_interrupted && report.error.empty()) report.error = "interrupted";
  instance.down(std::cout);
  report.notes = instance.notes();
  if (!instance.capture_file().empty()) report.notes.push_back("pcap: " + instance.capture_file());
  report.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return write_reports(report, instance.run_dir());
}

int cmd_up(const options& o) {
  if (o.positional.size() != 1) {
    std::fputs(usage, stderr);
    return 2;
  }
  auto lab = load_lab(o.positional[0]);
  if (!lab) return 2;
  auto lo = o.lab;
  lo.interrupted = [] { return g_interrupted.load(); };
  auto up = lab_instance::up(*lab, lo, std::cout);
  if (!up) {
    std::cerr << "tandem-lab: the lab did not come up: " << up.error() << "\n";
    return 3;
  }
  auto& instance = **up;
  const auto& ports = instance.ports();
  for (auto& n : instance.nodes()) {
    std::string where;
    if (n.plan.kind == node_kind::exchange) where = fmt::format("control 127.0.0.1:{}", n.control_port);
    if (n.plan.kind == node_kind::call_agent)
      where = fmt::format("MGCP udp 127.0.0.1:{}, backhaul tcp 127.0.0.1:{}{}", ports.ca_mgcp, ports.ca_backhaul,
                          ports.ca_sip != 0 ? fmt::format(", SIP 127.0.0.1:{}", ports.ca_sip) : std::string());
    if (auto it = ports.sip_peers.find(n.plan.name); it != ports.sip_peers.end())
      where = fmt::format("SIP udp 127.0.0.1:{}, RTP echo {}", it->second.sip, it->second.media);
    if (auto it = ports.gateways.find(n.plan.name); it != ports.gateways.end())
      where = fmt::format("MGCP udp 127.0.0.1:{}, RTP {}-{}", it->second.mgcp, it->second.rtp_min, it->second.rtp_max);
    std::cout << fmt::format("  {} {}: {}  log {}\n", to_string(n.plan.kind), n.plan.name, where, n.plan.log_path);
  }
  if (!instance.cdr_path().empty()) std::cout << "  call records: " << instance.cdr_path() << "\n";
  for (const auto& note : instance.notes()) std::cout << "note: " << note << "\n";
  std::cout << fmt::format("up; stop with Ctrl-C or: tandem-lab down {}\n", instance.run_dir()) << std::flush;
  int code = 0;
  while (!g_interrupted) {
    for (auto& n : instance.nodes())
      if (n.process && !n.process->running()) {
        std::cerr << fmt::format("tandem-lab: {} ended ({}); stopping the lab\n", n.plan.name, n.process->status_text());
        code = 1;
        g_interrupted = true;
      }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  instance.down(std::cout);
  return code;
}

int cmd_check(const options& o) {
  if (o.positional.empty()) {
    std::fputs(usage, stderr);
    return 2;
  }
  auto lab = load_lab(o.positional[0]);
  if (!lab) return 2;
  auto scenarios = load_scenarios({o.positional.begin() + 1, o.positional.end()}, *lab);
  if (!scenarios) return 2;
  std::cout << fmt::format("{}: ok (lab \"{}\", {} exchanges, {} spans); {} scenarios ok\n", o.positional[0], lab->name,
                           lab->exchanges.size(), lab->spans.size(), scenarios->size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  o.lab.program_dirs = default_program_dirs();
  if (!parse(argc, argv, o)) {
    std::fputs(usage, stderr);
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  if (o.command == "run") return cmd_run(o);
  if (o.command == "up") return cmd_up(o);
  if (o.command == "check") return cmd_check(o);
  if (o.command == "down") {
    if (o.positional.size() != 1) {
      std::fputs(usage, stderr);
      return 2;
    }
    auto r = stop_recorded_lab(o.positional[0], std::cout);
    if (!r) {
      std::cerr << "tandem-lab: " << r.error() << "\n";
      return 1;
    }
    return 0;
  }
  std::fputs(usage, stderr);
  return 2;
}
