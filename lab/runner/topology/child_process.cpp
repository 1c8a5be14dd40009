#include "lab/runner/topology/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

namespace tandem::lab::runner {

expected<child_process, std::string> child_process::start(const std::string& program,
                                                          const std::vector<std::string>& args,
                                                          const std::string& log_path) {
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return make_unexpected(fmt::format("cannot open {}: {}", log_path, std::strerror(errno)));
  std::vector<std::string> storage;
  storage.push_back(program);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  // A pipe with CLOEXEC tells the parent whether exec succeeded: it closes on exec, or carries
  // errno when exec failed.
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    ::close(log);
    return make_unexpected(fmt::format("pipe: {}", std::strerror(errno)));
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    return make_unexpected(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the runner died before prctl took effect
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    int err = errno;
    (void)!::write(status_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so that it holds before we ever signal the group
  ::close(log);
  ::close(status_pipe[1]);
  int err = 0;
  ssize_t n;
  do n = ::read(status_pipe[0], &err, sizeof err);
  while (n < 0 && errno == EINTR);
  ::close(status_pipe[0]);
  child_process child(pid);
  if (n == static_cast<ssize_t>(sizeof err)) {
    (void)child.running();
    child.reaped_ = true;
    child.pid_ = -1;
    return make_unexpected(fmt::format("cannot run {}: {}", program, std::strerror(err)));
  }
  return child;
}

child_process::child_process(child_process&& o) noexcept : pid_(o.pid_), status_(o.status_), reaped_(o.reaped_) {
  o.pid_ = -1;
}

child_process& child_process::operator=(child_process&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) stop();
    pid_ = o.pid_;
    status_ = o.status_;
    reaped_ = o.reaped_;
    o.pid_ = -1;
  }
  return *this;
}

child_process::~child_process() {
  if (pid_ > 0) stop();
}

bool child_process::running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    reaped_ = true;
    return false;
  }
  return r == 0;
}

std::string child_process::status_text() const {
  if (!reaped_) return "running";
  if (WIFEXITED(status_)) return fmt::format("exit {}", WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return fmt::format("signal {} ({})", WTERMSIG(status_), ::strsignal(WTERMSIG(status_)));
  return "ended";
}

child_process::stop_result child_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || !running()) return stop_result::already_ended;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return stop_result::terminated;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
  reaped_ = true;
  return stop_result::killed;
}

std::string find_program(const std::string& name, const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  auto usable = [](const fs::path& p) { return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0; };
  for (const auto& d : dirs)
    if (!d.empty() && usable(fs::path(d) / name)) return fs::absolute(fs::path(d) / name).lexically_normal().string();
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      auto colon = rest.find(':');
      auto dir = rest.substr(0, colon);
      if (!dir.empty() && usable(fs::path(dir) / name)) return (fs::path(dir) / name).string();
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return {};
}

}  // namespace tandem::lab::runner
