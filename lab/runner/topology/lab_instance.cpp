#include "lab/runner/topology/lab_instance.hpp"

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lab/runner/topology/ports.hpp"
#include "lab/runner/topology/readiness.hpp"

namespace tandem::lab::runner {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

std::string tail_of(const std::string& file, std::size_t bytes = 1500) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  auto text = s.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

/// A fresh run folder: <root>/<YYYYmmdd-HHMMSS>[-N].
expected<std::string, std::string> make_run_dir(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return make_unexpected(fmt::format("cannot create {}: {}", root, ec.message()));
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  for (int i = 0; i < 1000; ++i) {
    auto dir = fs::absolute(fs::path(root) / (i == 0 ? std::string(stamp) : fmt::format("{}-{}", stamp, i)));
    if (fs::create_directory(dir, ec)) return dir.lexically_normal().string();
    if (ec) return make_unexpected(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  return make_unexpected(fmt::format("no free run folder name under {}", root));
}

std::string cmdline_of(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/cmdline", pid), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

running_node* lab_instance::node(std::string_view name) {
  for (auto& n : nodes_)
    if (n.plan.name == name) return &n;
  return nullptr;
}

expected<std::unique_ptr<lab_instance>, std::string> lab_instance::up(const lab_config& lab, const lab_options& options,
                                                                      std::ostream& out) {
  std::unique_ptr<lab_instance> self(new lab_instance(lab, options));
  auto dir = make_run_dir(options.run_root);
  if (!dir) return make_unexpected(dir.error());
  self->run_dir_ = *dir;
  out << "run folder " << self->run_dir_ << "\n";
  if (auto r = self->start(out); !r) {
    self->down(out);
    return make_unexpected(r.error());
  }
  if (auto r = self->wait_links(out); !r) {
    self->down(out);
    return make_unexpected(r.error());
  }
  return self;
}

lab_instance::~lab_instance() {
  std::ostringstream ignored;
  down(ignored);
}

expected<void, std::string> lab_instance::start(std::ostream& out) {
  // Socket paths must fit in sun_path; a deep run folder gets a short one under /tmp.
  socket_dir_ = run_dir_ + "/sockets";
  if (socket_dir_.size() + 40 > max_socket_path) {
    char tmpl[] = "/tmp/tandem-lab-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return make_unexpected("cannot create a socket folder under /tmp");
    socket_dir_ = tmpl;
    own_socket_dir_ = true;
    notes_.push_back(fmt::format("sockets in {} (the run folder's path is too long for Unix sockets)", socket_dir_));
  } else {
    fs::create_directories(socket_dir_);
  }
  auto ports = allocate_ports(lab_);
  if (!ports) return make_unexpected(ports.error());
  ports_ = *ports;
  auto plan = plan_topology(lab_, run_dir_, socket_dir_, ports_);
  if (!plan) return make_unexpected(plan.error());
  cdr_path_ = plan->cdr_path;
  // Every port known in advance: capture from the start (the gateways' RSIP, the first audits).
  const bool capture_first = !ports_.exchange_control.empty();
  if (options_.capture && capture_first) start_capture(out);

  for (auto& p : plan->processes) {
    std::ofstream(p.config_path) << p.config_text;
    auto program = find_program(p.program, options_.program_dirs);
    if (program.empty())
      return make_unexpected(fmt::format("{} not found (looked in {} and $PATH; give --bin-dir)", p.program,
                                         fmt::join(options_.program_dirs, ", ")));
    auto child = child_process::start(program, p.args, p.log_path);
    if (!child) return make_unexpected(fmt::format("{}: {}", p.name, child.error()));
    out << fmt::format("started {} {} (pid {}), log {}\n", to_string(p.kind), p.name, child->pid(), p.log_path);
    nodes_.push_back(running_node{p, std::move(*child), 0, std::nullopt});
    write_state();
    // Its control port, from the port file it writes once listening (exchanges only; the
    // daemons are checked through the call agent's log in wait_links).
    auto& n = nodes_.back();
    const auto deadline = steady::now() + milliseconds{10'000};
    while (!p.port_file.empty() && n.control_port == 0) {
      std::ifstream in(p.port_file);
      unsigned port = 0;
      if (in >> port && port > 0 && port < 65536) {
        n.control_port = static_cast<std::uint16_t>(port);
        break;
      }
      if (!n.process->running())
        return make_unexpected(fmt::format("{} ended at start-up ({}); its log:\n{}", p.name, n.process->status_text(),
                                           tail_of(p.log_path)));
      if (steady::now() > deadline || options_.interrupted())
        return make_unexpected(fmt::format("{} wrote no control port within 10 s", p.name));
      std::this_thread::sleep_for(milliseconds{20});
    }
  }
  write_state();
  if (options_.capture && !capture_first) start_capture(out);
  for (auto& n : nodes_) {
    if (n.control_port == 0) continue;
    auto c = control_client::connect(n.control_port);
    if (!c) return make_unexpected(fmt::format("{}: {}", n.plan.name, c.error()));
    n.control = std::move(*c);
  }
  return {};
}

void lab_instance::start_capture(std::ostream& out) {
  auto dumpcap = find_program("dumpcap", {});
  if (dumpcap.empty()) {
    notes_.push_back("no pcap: dumpcap is not installed (apt-get install wireshark-common)");
    return;
  }
  std::string filter;
  auto add = [&filter](const std::string& term) { filter += (filter.empty() ? "" : " or ") + term; };
  for (const auto& n : nodes_)
    if (n.control_port != 0) add(fmt::format("tcp port {}", n.control_port));
  for (const auto& [name, port] : ports_.exchange_control) add(fmt::format("tcp port {}", port));
  if (ports_.ca_sip != 0) add(fmt::format("port {}", ports_.ca_sip));  // SIP over UDP and TCP
  for (const auto& [name, p] : ports_.sip_peers) {
    add(fmt::format("udp port {}", p.sip));
    add(fmt::format("udp portrange {}-{}", p.media, p.media + 3));  // sipp's RTP (echo)
  }
  if (ports_.ca_mgcp != 0) {
    add(fmt::format("udp port {}", ports_.ca_mgcp));          // MGCP (RFC 3435)
    add(fmt::format("tcp port {}", ports_.ca_backhaul));      // D-channel backhaul (docs/backhaul.md)
  }
  for (const auto& [name, p] : ports_.gateways) {
    add(fmt::format("udp port {}", p.mgcp));
    add(fmt::format("udp portrange {}-{}", p.rtp_min, p.rtp_max));  // RTP and RTCP
  }
  capture_file_ = run_dir_ + "/capture.pcapng";
  auto log = run_dir_ + "/dumpcap.log";
  auto child = child_process::start(dumpcap, {"-q", "-i", "lo", "-f", filter, "-w", capture_file_}, log);
  if (!child) {
    notes_.push_back(fmt::format("no pcap: {}", child.error()));
    capture_file_.clear();
    return;
  }
  // dumpcap says "Capturing on" once the filter is set; without the right to capture it ends.
  const auto deadline = steady::now() + milliseconds{3000};
  while (steady::now() < deadline) {
    if (!child->running()) break;
    if (tail_of(log).find("Capturing on") != std::string::npos) {
      out << fmt::format("capturing on lo ({}) into {}\n", filter, capture_file_);
      capture_ = std::move(*child);
      return;
    }
    std::this_thread::sleep_for(milliseconds{20});
  }
  child->stop(milliseconds{500});
  auto why = tail_of(log, 300);
  while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
  notes_.push_back(fmt::format("no pcap: dumpcap could not capture on lo ({})", why.empty() ? "no output" : why));
  capture_file_.clear();
}

expected<void, std::string> lab_instance::wait_links(std::ostream& out) {
  const auto deadline = steady::now() + lab_.link_up_timeout;
  auto next_poll = steady::now();
  while (true) {
    std::vector<std::string> down;
    for (auto& n : nodes_) {
      if (!n.process->running())
        return make_unexpected(fmt::format("{} ended ({}); its log:\n{}", n.plan.name, n.process->status_text(),
                                           tail_of(n.plan.log_path)));
    }
    if (steady::now() >= next_poll) {
      next_poll = steady::now() + milliseconds{100};
      for (auto& w : call_agent_pending()) down.push_back(std::move(w));
      for (auto& n : nodes_) {
        if (!n.control) continue;
        auto status = n.control->request("status");
        if (!status) return make_unexpected(fmt::format("{}: {}", n.plan.name, status.error()));
        for (const auto& s : (*status)["spans"])
          if (!s.value("link_up", false)) down.push_back(fmt::format("{} span {}", n.plan.name, s.value("span", 0)));
      }
      if (down.empty()) break;
    }
    if (steady::now() >= deadline)
      return make_unexpected(fmt::format("not ready after {} ms: {}", lab_.link_up_timeout.count(),
                                         fmt::join(down, ", ")));
    if (options_.interrupted()) return make_unexpected("interrupted");
    for (auto& n : nodes_) {
      if (!n.control) continue;
      n.control->pump(milliseconds{10});
      (void)n.control->take_events();  // link_up events; status above is the source of truth
    }
  }
  std::size_t links = 0;
  for (const auto& n : nodes_)
    if (n.plan.kind == node_kind::exchange) links += n.plan.spans.size();
  out << fmt::format("lab \"{}\" is up: {} processes, {} PRI link ends up{}\n", lab_.name, nodes_.size(), links,
                     lab_.gateways.empty() ? std::string()
                                           : fmt::format(", {} gateways in service at the call agent",
                                                         lab_.gateways.size()));
  return {};
}

std::vector<std::string> lab_instance::call_agent_pending() const {
  if (!lab_.call_agent) return {};
  for (const auto& n : nodes_)
    if (n.plan.kind == node_kind::call_agent) {
      std::ifstream in(n.plan.log_path, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      return runner::call_agent_pending(text.str(), lab_);
    }
  return {"call agent not started"};
}

void lab_instance::write_state() const {
  json state = {{"lab", lab_.name}, {"config", lab_.file}, {"supervisor", ::getpid()}};
  json procs = json::array();
  for (const auto& n : nodes_)
    procs.push_back({{"name", n.plan.name},
                     {"program", n.plan.program},
                     {"pid", n.process ? n.process->pid() : -1},
                     {"control_port", n.control_port},
                     {"log", n.plan.log_path}});
  state["processes"] = procs;
  std::ofstream(run_dir_ + "/lab.state") << state.dump(2) << "\n";
}

void lab_instance::down(std::ostream& out) {
  if (down_) return;
  down_ = true;
  for (auto& n : nodes_) n.control.reset();
  // Reverse start order: the nodes that connect go first, the span masters last.
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    if (!it->process) continue;
    auto how = it->process->stop(options_.stop_grace);
    const char* word = how == child_process::stop_result::killed       ? "killed after the grace period"
                       : how == child_process::stop_result::terminated ? "stopped"
                                                                       : "had already ended";
    out << fmt::format("{} {} ({})\n", it->plan.name, word, it->process->status_text());
  }
  if (capture_) {
    capture_->stop(milliseconds{3000});
    out << "capture written to " << capture_file_ << "\n";
  }
  if (own_socket_dir_) {
    std::error_code ec;
    fs::remove_all(socket_dir_, ec);
  }
  if (!run_dir_.empty()) {
    std::error_code ec;
    fs::remove(run_dir_ + "/lab.state", ec);
  }
}

expected<void, std::string> stop_recorded_lab(const std::string& run_dir, std::ostream& out) {
  std::ifstream in(run_dir + "/lab.state");
  if (!in) return make_unexpected(fmt::format("{}/lab.state not found: that lab is not running", run_dir));
  auto state = json::parse(in, nullptr, false);
  if (state.is_discarded() || !state.is_object()) return make_unexpected(fmt::format("{}/lab.state is damaged", run_dir));
  auto wait_gone = [](pid_t pid, const std::string& name, milliseconds bound) {
    const auto deadline = steady::now() + bound;
    while (steady::now() < deadline) {
      if (cmdline_of(pid).find(name) == std::string::npos) return true;
      std::this_thread::sleep_for(milliseconds{20});
    }
    return false;
  };
  // Only signal a pid that still runs the program recorded for it (pids get reused).
  const pid_t supervisor = state.value("supervisor", 0);
  if (supervisor > 0 && cmdline_of(supervisor).find("tandem-lab") != std::string::npos) {
    ::kill(supervisor, SIGTERM);
    if (wait_gone(supervisor, "tandem-lab", milliseconds{15'000})) out << "tandem-lab up (pid " << supervisor << ") stopped\n";
  }
  for (const auto& p : state.value("processes", json::array())) {
    const pid_t pid = p.value("pid", 0);
    const std::string program = p.value("program", "");
    if (pid <= 0 || program.empty() || cmdline_of(pid).find(program) == std::string::npos) continue;
    ::kill(-pid, SIGTERM);
    if (!wait_gone(pid, program, milliseconds{3000})) ::kill(-pid, SIGKILL);
    out << p.value("name", "?") << " stopped\n";
  }
  return {};
}

}  // namespace tandem::lab::runner
