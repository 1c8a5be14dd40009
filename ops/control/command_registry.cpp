#include "ops/control/command_registry.hpp"

#include <algorithm>
#include <charconv>
#include <exception>

#include <fmt/format.h>

namespace tandem::ops::control {
namespace {

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const auto start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string_view type_name(arg_type t) {
  switch (t) {
    case arg_type::string: return "string";
    case arg_type::integer: return "integer";
    case arg_type::boolean: return "boolean";
  }
  return "?";
}

namespace {

/// Converts one given value (JSON typed, or a word) to the argument's type.
expected<json, command_error> convert(const arg_spec& a, const json& v) {
  auto wrong = [&]() {
    return fail(error_code::bad_arguments,
                fmt::format("argument '{}' must be of type {} (got {})", a.name, type_name(a.type), v.dump()));
  };
  switch (a.type) {
    case arg_type::string:
      if (v.is_string()) return v;
      if (v.is_number() || v.is_boolean()) return json(v.dump());
      return wrong();
    case arg_type::integer: {
      if (v.is_number_integer()) return v;
      if (!v.is_string()) return wrong();
      const auto& s = v.get_ref<const std::string&>();
      std::int64_t n = 0;
      const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec != std::errc{} || p != s.data() + s.size()) return wrong();
      return json(n);
    }
    case arg_type::boolean: {
      if (v.is_boolean()) return v;
      if (!v.is_string()) return wrong();
      const auto& s = v.get_ref<const std::string&>();
      if (s == "true" || s == "yes" || s == "on" || s == "1") return json(true);
      if (s == "false" || s == "no" || s == "off" || s == "0") return json(false);
      return wrong();
    }
  }
  return wrong();
}

}  // namespace

std::string_view to_string(error_code c) {
  switch (c) {
    case error_code::bad_json: return "bad_json";
    case error_code::bad_request: return "bad_request";
    case error_code::line_too_long: return "line_too_long";
    case error_code::unknown_command: return "unknown_command";
    case error_code::bad_arguments: return "bad_arguments";
    case error_code::unknown_object: return "unknown_object";
    case error_code::conflict: return "conflict";
    case error_code::unavailable: return "unavailable";
    case error_code::internal: return "internal";
  }
  return "internal";
}

std::string usage_of(const command_spec& spec) {
  std::string out = spec.name;
  for (const auto& a : spec.args) {
    const auto shown = a.rest ? a.name + "..." : a.name;
    out += a.required ? " <" + shown + ">" : " [" + shown + "]";
  }
  return out;
}

expected<void, std::string> command_registry::add(command_spec spec, command_handler handler) {
  auto words = split_words(spec.name);
  if (words.empty()) return make_unexpected(std::string("command without a name"));
  std::string normal;
  for (const auto& w : words) normal += (normal.empty() ? "" : " ") + w;
  spec.name = normal;
  if (find(spec.name) != nullptr) return make_unexpected("command registered twice: " + spec.name);
  if (!handler) return make_unexpected("command without a handler: " + spec.name);
  for (std::size_t i = 0; i < spec.args.size(); ++i) {
    const auto& a = spec.args[i];
    if (a.rest && (i + 1 != spec.args.size() || a.type != arg_type::string))
      return make_unexpected("command " + spec.name + ": a rest argument must be the last, of type string");
    if (a.name.empty() || a.name.find_first_of(" =") != std::string::npos)
      return make_unexpected("command " + spec.name + ": bad argument name '" + a.name + "'");
  }
  entries_.push_back({std::move(spec), std::move(handler), std::move(words)});
  return {};
}

const command_spec* command_registry::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.spec.name == name) return &e.spec;
  return nullptr;
}

std::vector<const command_spec*> command_registry::commands() const {
  std::vector<const command_spec*> out;
  for (const auto& e : entries_) out.push_back(&e.spec);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

command_result command_registry::dispatch(const json& request) {
  if (!request.is_object()) return fail(error_code::bad_request, "a request is a JSON object");
  const auto cmd = request.find("cmd");
  const auto argv = request.find("argv");
  const auto args = request.find("args");
  if (cmd != request.end() && !cmd->is_string()) return fail(error_code::bad_request, "\"cmd\" must be a string");
  if (argv != request.end() && !argv->is_array()) return fail(error_code::bad_request, "\"argv\" must be an array");
  if (args != request.end() && !args->is_object() && !args->is_null())
    return fail(error_code::bad_request, "\"args\" must be an object");

  std::vector<std::string> words;
  if (cmd != request.end()) words = split_words(cmd->get_ref<const std::string&>());
  if (argv != request.end()) {
    for (const auto& w : *argv) {
      if (w.is_string()) words.push_back(w.get<std::string>());
      else if (w.is_number() || w.is_boolean()) words.push_back(w.dump());
      else return fail(error_code::bad_request, "\"argv\" holds strings");
    }
  }
  if (words.empty()) return fail(error_code::bad_request, "the request names no command (\"cmd\" or \"argv\")");

  // The longest registered name that the leading words spell.
  const entry* match = nullptr;
  for (const auto& e : entries_) {
    if (e.words.size() > words.size() || (match && e.words.size() <= match->words.size())) continue;
    if (std::equal(e.words.begin(), e.words.end(), words.begin())) match = &e;
  }
  if (match == nullptr) {
    std::string given;
    for (const auto& w : words) given += (given.empty() ? "" : " ") + w;
    return fail(error_code::unknown_command, fmt::format("unknown command \"{}\" (try \"help\")", given));
  }
  const auto& spec = match->spec;
  const auto usage = "usage: " + usage_of(spec);

  json given = json::object();
  auto set_arg = [&](const arg_spec& a, const json& v) -> expected<void, command_error> {
    if (given.contains(a.name)) return fail(error_code::bad_arguments, "argument '" + a.name + "' given twice; " + usage);
    auto converted = convert(a, v);
    if (!converted) return make_unexpected(command_error{converted.error().code, converted.error().message + "; " + usage});
    given[a.name] = std::move(*converted);
    return {};
  };
  auto spec_of = [&](std::string_view name) -> const arg_spec* {
    for (const auto& a : spec.args)
      if (a.name == name) return &a;
    return nullptr;
  };

  if (args != request.end() && args->is_object()) {
    for (const auto& [name, value] : args->items()) {
      const auto* a = spec_of(name);
      if (a == nullptr) return fail(error_code::bad_arguments, "unknown argument '" + name + "'; " + usage);
      if (auto r = set_arg(*a, value); !r) return make_unexpected(r.error());
    }
  }
  // Remaining words: `name=value` for a declared name, otherwise positional.
  std::vector<std::string> positional;
  for (std::size_t i = match->words.size(); i < words.size(); ++i) {
    const auto& w = words[i];
    const auto eq = w.find('=');
    const arg_spec* a = eq == std::string::npos ? nullptr : spec_of(std::string_view(w).substr(0, eq));
    if (a != nullptr && !a->rest) {
      if (auto r = set_arg(*a, json(w.substr(eq + 1))); !r) return make_unexpected(r.error());
    } else {
      positional.push_back(w);
    }
  }
  std::size_t next = 0;
  for (const auto& a : spec.args) {
    if (next == positional.size()) break;
    if (given.contains(a.name)) continue;
    if (a.rest) {
      std::string joined;
      for (; next < positional.size(); ++next) joined += (joined.empty() ? "" : " ") + positional[next];
      given[a.name] = joined;
      break;
    }
    if (auto r = set_arg(a, json(positional[next++])); !r) return make_unexpected(r.error());
  }
  if (next < positional.size())
    return fail(error_code::bad_arguments, fmt::format("unexpected argument \"{}\"; {}", positional[next], usage));
  for (const auto& a : spec.args)
    if (a.required && !given.contains(a.name))
      return fail(error_code::bad_arguments, "missing argument '" + a.name + "'; " + usage);

  try {
    return match->handler(given);
  } catch (const std::exception& e) {
    // Handlers return errors as values; this only keeps a bug in one from taking the daemon down.
    return fail(error_code::internal, std::string("command failed: ") + e.what());
  }
}

json command_registry::handle(const json& request) {
  counters_.get("requests").add();
  json response = json::object();
  response["id"] = request.is_object() && request.contains("id") ? request["id"] : json(nullptr);
  auto result = dispatch(request);
  if (result) {
    counters_.get("ok").add();
    response["ok"] = true;
    response["result"] = std::move(*result);
  } else {
    counters_.get(fmt::format("error.{}", to_string(result.error().code))).add();
    response["ok"] = false;
    response["error"] = {{"code", to_string(result.error().code)}, {"message", result.error().message}};
  }
  return response;
}

std::string command_registry::handle_line(std::string_view line) {
  json request = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    counters_.get("requests").add();
    counters_.get("error.bad_json").add();
    const json response = {{"id", nullptr},
                           {"ok", false},
                           {"error", {{"code", "bad_json"}, {"message", "the request line is not valid JSON"}}}};
    return response.dump();
  }
  // Replace invalid UTF-8 in strings handlers echo back instead of throwing while dumping.
  return handle(request).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string command_registry::line_too_long_response(std::size_t limit) {
  const json response = {{"id", nullptr},
                         {"ok", false},
                         {"error",
                          {{"code", "line_too_long"},
                           {"message", fmt::format("request line longer than {} bytes", limit)}}}};
  return response.dump();
}

}  // namespace tandem::ops::control
