#pragma once
/// Commands of the control socket: what a daemon registers (name, arguments, help, handler)
/// and the errors a command answers with. The protocol is in docs/ctl.md.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"

namespace tandem::ops::control {

using json = nlohmann::ordered_json;

/// The `error.code` of a failed response (docs/ctl.md lists each with its tandem-ctl exit code).
enum class error_code {
  bad_json,        ///< the line is not JSON
  bad_request,     ///< JSON, but not a request object (no cmd/argv, wrong types)
  line_too_long,   ///< the request line exceeded the server's limit (the connection closes)
  unknown_command, ///< no command of that name
  bad_arguments,   ///< missing, unknown or ill-typed arguments
  unknown_object,  ///< the command names an object that does not exist (endpoint, call, span...)
  conflict,        ///< the object is in a state where the command cannot apply
  unavailable,     ///< the daemon cannot do it now (shutting down, not configured)
  internal,        ///< the handler failed unexpectedly
};

[[nodiscard]] std::string_view to_string(error_code c);

struct command_error {
  error_code code = error_code::internal;
  std::string message;
};

enum class arg_type { string, integer, boolean };

/// "string", "integer", "boolean".
[[nodiscard]] std::string_view type_name(arg_type t);

/// One argument of a command. Arguments may be given by name ("args" object, or `name=value`
/// words) or by position in declaration order.
struct arg_spec {
  std::string name;
  arg_type type = arg_type::string;
  bool required = false;
  std::string help;
  /// A last string argument that takes every remaining word, joined by spaces.
  bool rest = false;
};

struct command_spec {
  std::string name;  ///< one or more words: "show endpoints", "log level"
  std::vector<arg_spec> args;
  std::string help;  ///< one line
};

/// The result of a handler: any JSON value (objects and arrays of objects render best), or an
/// error. `args` holds every declared argument that was given, converted to its type.
using command_result = expected<json, command_error>;
using command_handler = std::function<command_result(const json& args)>;

/// Builds an error result: `return fail(error_code::unknown_object, "no endpoint ds/e1-1/3");`
[[nodiscard]] inline unexpected<command_error> fail(error_code code, std::string message) {
  return make_unexpected(command_error{code, std::move(message)});
}

/// "log level <subsystem> <level>" (optional arguments in brackets).
[[nodiscard]] std::string usage_of(const command_spec& spec);

}  // namespace tandem::ops::control
