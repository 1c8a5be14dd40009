#include "ops/control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "common/asio.hpp"
#include "common/log.hpp"

namespace tandem::ops::control {
namespace {

using local = asio::local::stream_protocol;
class client;

/// Whether a process accepts connections on that socket path.
bool someone_listens(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

struct control_server::state {
  state(asio::io_context& io_, command_registry& c, control_server_config cfg)
      : acceptor(io_), commands(c), config(std::move(cfg)) {}
  local::acceptor acceptor;
  command_registry& commands;
  control_server_config config;
  counter_set counters{"control_socket"};
  std::set<client*> clients;
  bool listening = false;
};

namespace {

/// One connected client: read a line, answer it, read the next.
class client : public std::enable_shared_from_this<client> {
 public:
  client(local::socket socket, std::shared_ptr<control_server::state> st)
      : socket_(std::move(socket)), state_(std::move(st)) {
    state_->clients.insert(this);
  }
  ~client() { state_->clients.erase(this); }

  void read() {
    asio::async_read_until(socket_, asio::dynamic_buffer(input_, state_->config.max_line + 1), '\n',
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                             self->on_line(ec, n);
                           });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.shutdown(local::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void on_line(boost::system::error_code ec, std::size_t n) {
    if (ec == asio::error::not_found || (!ec && n > state_->config.max_line + 1)) {
      // The buffer filled without a newline: answer once, then hang up.
      state_->counters.get("lines.too_long").add();
      return write(command_registry::line_too_long_response(state_->config.max_line) + "\n", true);
    }
    if (ec) return close();  // EOF, reset, or stop()
    std::string_view line(input_.data(), n - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {  // blank line: nothing to answer
      input_.erase(0, n);
      return read();
    }
    auto response = state_->commands.handle_line(line) + "\n";
    input_.erase(0, n);
    write(std::move(response), false);
  }

  void write(std::string text, bool then_close) {
    output_ = std::move(text);
    asio::async_write(socket_, asio::buffer(output_),
                      [self = shared_from_this(), then_close](boost::system::error_code ec, std::size_t) {
                        if (ec || then_close || !self->state_->listening) return self->close();
                        self->read();
                      });
  }

  local::socket socket_;
  std::string input_;
  std::string output_;
  std::shared_ptr<control_server::state> state_;
};

void accept_next(const std::shared_ptr<control_server::state>& st) {
  st->acceptor.async_accept([st](boost::system::error_code ec, local::socket socket) {
    if (ec || !st->listening) return;
    if (st->clients.size() >= st->config.max_clients) {
      st->counters.get("clients.refused").add();
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      st->counters.get("clients.accepted").add();
      std::make_shared<client>(std::move(socket), st)->read();
    }
    accept_next(st);
  });
}

}  // namespace

control_server::control_server(asio::io_context& io, command_registry& commands, control_server_config config)
    : state_(std::make_shared<state>(io, commands, std::move(config))) {}

control_server::~control_server() { stop(); }

expected<void, std::string> control_server::start() {
  const auto& path = state_->config.path;
  if (path.empty()) return make_unexpected(std::string("control: no socket path configured"));
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    return make_unexpected(fmt::format("control: socket path too long ({} bytes, at most {}): {}", path.size(),
                                       sizeof(sockaddr_un::sun_path) - 1, path));
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return make_unexpected("control: " + path + " exists and is not a socket");
    if (someone_listens(path)) return make_unexpected("control: another process listens on " + path);
    ::unlink(path.c_str());  // stale socket left by a process that died
  }
  boost::system::error_code ec;
  auto& a = state_->acceptor;
  auto fail_with = [&](std::string_view what) -> expected<void, std::string> {
    boost::system::error_code ignored;
    a.close(ignored);
    return make_unexpected(fmt::format("control: {} {}: {}", what, path, ec.message()));
  };
  if (a.open(local(), ec); ec) return fail_with("cannot open");
  if (a.bind(local::endpoint(path), ec); ec) return fail_with("cannot bind");
  if (::chmod(path.c_str(), static_cast<mode_t>(state_->config.mode)) != 0) {
    ec.assign(errno, boost::system::system_category());
    return fail_with("cannot set the mode of");
  }
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return fail_with("cannot listen on");
  state_->listening = true;
  accept_next(state_);
  log::get("ctl")->info("control socket listening on {}", path);
  return {};
}

void control_server::stop() {
  if (!state_->listening) return;
  state_->listening = false;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  ::unlink(state_->config.path.c_str());
  for (auto* c : std::set<client*>(state_->clients)) c->close();
}

const counter_set& control_server::counters() const { return state_->counters; }

}  // namespace tandem::ops::control
