#include "ops/control/builtin_commands.hpp"

#include <unistd.h>

#include "common/log.hpp"

namespace tandem::ops::control {

counters_source counters_of(std::vector<const counter_set*> sets) {
  return [sets = std::move(sets)]() {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const auto* s : sets) {
      auto snap = s->snapshot();
      out.insert(out.end(), snap.begin(), snap.end());
    }
    return out;
  };
}

void add_builtin_commands(command_registry& registry, builtin_context context) {
  if (context.version.empty()) context.version = TANDEM_VERSION;
  // The help handler reads the registry it belongs to; both live as long as the daemon.
  (void)registry.add(
      {"help", {{"command", arg_type::string, false, "a command name (several words)", true}},
       "list the commands, or describe one"},
      [&registry](const json& args) -> command_result {
        if (!args.contains("command")) {
          json list = json::array();
          for (const auto* c : registry.commands()) list.push_back({{"command", usage_of(*c)}, {"help", c->help}});
          return list;
        }
        const auto& name = args["command"].get_ref<const std::string&>();
        const auto* c = registry.find(name);
        if (c == nullptr) return fail(error_code::unknown_command, "unknown command \"" + name + "\" (try \"help\")");
        json arguments = json::array();
        for (const auto& a : c->args) {
          arguments.push_back({{"name", a.name},
                               {"type", type_name(a.type)},
                               {"required", a.required},
                               {"help", a.help}});
        }
        return json{{"command", c->name}, {"usage", usage_of(*c)}, {"help", c->help}, {"arguments", arguments}};
      });

  (void)registry.add({"version", {}, "daemon name, version and process id"},
                     [context](const json&) -> command_result {
                       return json{{"daemon", context.daemon}, {"version", context.version},
                                   {"pid", static_cast<long>(::getpid())}};
                     });

  (void)registry.add(
      {"log level",
       {{"subsystem", arg_type::string, true, "logger name (mgcp, media, tdm, sip, q931, ...) or \"default\""},
        {"level", arg_type::string, true, "trace, debug, info, warn, error, critical or off"}},
       "change the log level of a subsystem at run time"},
      [](const json& args) -> command_result {
        const auto& subsystem = args["subsystem"].get_ref<const std::string&>();
        const auto& text = args["level"].get_ref<const std::string&>();
        spdlog::level::level_enum level{};
        if (!log::parse_level(text, level))
          return fail(error_code::bad_arguments,
                      "unknown level \"" + text + "\" (trace, debug, info, warn, error, critical, off)");
        if (subsystem == "default") log::set_default_level(level);
        else log::set_level(subsystem, level);
        return json{{"subsystem", subsystem}, {"level", text}};
      });

  (void)registry.add({"counters",
                      {{"prefix", arg_type::string, false, "only counters whose full name starts with this"}},
                      "named counters with their values (docs/counters.md)"},
                     [source = context.counters](const json& args) -> command_result {
                       const std::string prefix = args.value("prefix", std::string{});
                       json rows = json::array();
                       if (source) {
                         for (const auto& [name, value] : source())
                           if (name.starts_with(prefix)) rows.push_back({{"counter", name}, {"value", value}});
                       }
                       return rows;
                     });
}

}  // namespace tandem::ops::control
