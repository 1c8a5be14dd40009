#include "ops/ctl/cli.hpp"

#include <chrono>
#include <cstdlib>
#include <ostream>

#include <nlohmann/json.hpp>

#include "ops/ctl/client.hpp"
#include "ops/ctl/render.hpp"

namespace tandem::ops::ctl {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view usage_text =
    "usage: tandem-ctl [-s|--socket PATH] [-d|--daemon mgw|ca|pstn] [--json] [-t|--timeout SECONDS]\n"
    "                  COMMAND [ARGS...]\n"
    "\n"
    "Sends COMMAND to a Tandem daemon over its control socket and prints the result.\n"
    "  -s, --socket PATH   control socket (default: $TANDEM_CTL_SOCKET, else the daemon's)\n"
    "  -d, --daemon NAME   daemon whose default socket to use: /run/tandem/NAME.ctl\n"
    "                      (default: mgw)\n"
    "      --json          print the raw JSON response (for scripts)\n"
    "  -t, --timeout SEC   how long to wait for the answer (default 10)\n"
    "  -h, --help          this text; `tandem-ctl help` lists the daemon's commands\n"
    "Exit codes: 0 ok, 1 command failed, 2 usage, 3 unknown object, 4 daemon not running,\n"
    "5 no or invalid response.\n";

int code(exit_code c) { return static_cast<int>(c); }

}  // namespace

std::string default_socket_for(std::string_view daemon) {
  return "/run/tandem/" + std::string(daemon) + ".ctl";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const std::string& env_socket) {
  std::string socket;
  std::string daemon = "mgw";
  bool raw = false;
  double timeout_s = 10;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "-h" || a == "--help") {
      out << usage_text;
      return code(exit_code::ok);
    } else if (a == "--json") {
      raw = true;
    } else if (a == "-s" || a == "--socket") {
      if (!value(socket)) return err << "tandem-ctl: " << a << " needs a path\n" << usage_text, code(exit_code::usage);
    } else if (a == "-d" || a == "--daemon") {
      if (!value(daemon) || daemon.empty() || daemon.find('/') != std::string::npos)
        return err << "tandem-ctl: " << a << " needs a daemon name (mgw, ca, pstn)\n", code(exit_code::usage);
    } else if (a == "-t" || a == "--timeout") {
      std::string text;
      char* end = nullptr;
      if (!value(text) || (timeout_s = std::strtod(text.c_str(), &end), *end != '\0') || timeout_s <= 0 ||
          timeout_s > 3600)
        return err << "tandem-ctl: " << a << " needs a number of seconds (0 < t <= 3600)\n", code(exit_code::usage);
    } else if (a == "--") {
      ++i;
      break;
    } else if (a.size() > 1 && a[0] == '-') {
      return err << "tandem-ctl: unknown option " << a << "\n" << usage_text, code(exit_code::usage);
    } else {
      break;
    }
  }
  if (i >= args.size()) return err << usage_text, code(exit_code::usage);
  if (socket.empty()) socket = env_socket.empty() ? default_socket_for(daemon) : env_socket;

  json request = {{"id", 1}, {"argv", json::array()}};
  for (; i < args.size(); ++i) request["argv"].push_back(args[i]);

  const auto timeout = std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  auto line = exchange(socket, request.dump(-1, ' ', false, json::error_handler_t::replace), timeout);
  if (!line) {
    switch (line.error().what) {
      case client_error::kind::not_running:
        err << "tandem-ctl: daemon not running (" << line.error().message << ")\n";
        return code(exit_code::not_running);
      case client_error::kind::denied:
        err << "tandem-ctl: cannot connect (" << line.error().message
            << "); the socket belongs to the daemon's user and group\n";
        return code(exit_code::failed);
      case client_error::kind::timeout:
        err << "tandem-ctl: " << line.error().message << " (" << socket << ")\n";
        return code(exit_code::no_response);
      case client_error::kind::io:
        err << "tandem-ctl: " << line.error().message << "\n";
        return code(exit_code::no_response);
    }
  }

  const json response = json::parse(*line, nullptr, false);
  if (response.is_discarded() || !response.is_object() || !response.contains("ok") || !response["ok"].is_boolean()) {
    err << "tandem-ctl: the daemon sent an invalid response: " << *line << "\n";
    return code(exit_code::no_response);
  }
  if (raw) out << response.dump(2, ' ', false, json::error_handler_t::replace) << "\n";

  if (response["ok"].get<bool>()) {
    if (!raw && response.contains("result")) out << render_text(response["result"]);
    return code(exit_code::ok);
  }
  const auto& e = response.contains("error") && response["error"].is_object() ? response["error"] : json::object();
  const std::string error_code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
  const std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
  if (!raw) err << "tandem-ctl: " << (message.empty() ? error_code : message) << "\n";
  if (error_code == "unknown_object") return code(exit_code::unknown_object);
  if (error_code == "unknown_command" || error_code == "bad_arguments") return code(exit_code::usage);
  return code(exit_code::failed);
}

}  // namespace tandem::ops::ctl
