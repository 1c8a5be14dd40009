#include "proto/h248/tool/describe.hpp"

#include <fmt/format.h>

#include "proto/h248/serializer.hpp"

namespace tandem::h248::tool {
namespace {

std::string descriptor_names(const descriptor_set& d) {
  std::string s;
  const auto add = [&](bool present, std::string_view name) {
    if (present) s += (s.empty() ? "" : ", ") + std::string(name);
  };
  add(d.media.has_value(), "Media");
  add(d.modem.has_value(), "Modem");
  add(d.mux.has_value(), "Mux");
  add(d.events.has_value(), "Events");
  add(d.signals.has_value(), "Signals");
  add(d.digit_map.has_value(), "DigitMap");
  add(d.event_buffer.has_value(), "EventBuffer");
  add(d.audit.has_value(), "Audit");
  add(d.observed_events.has_value(), "ObservedEvents");
  add(d.statistics.has_value(), "Statistics");
  add(d.packages.has_value(), "Packages");
  add(d.service_change.has_value(), "ServiceChange");
  add(d.error.has_value(), d.error ? fmt::format("Error {}", to_int(d.error->code)) : "");
  add(!d.audited.empty(), fmt::format("{} audited item(s)", d.audited.size()));
  return s.empty() ? "-" : s;
}

}  // namespace

std::string describe(const message& m) {
  std::string out = fmt::format("  version {}, mId {}\n", m.version, format_mid(m.sender));
  if (m.error) out += fmt::format("  message error {} \"{}\"\n", to_int(m.error->code), m.error->text);
  for (const auto& t : m.transactions) {
    if (const auto* r = std::get_if<transaction_request>(&t)) {
      out += fmt::format("  request {}\n", r->id.value());
      for (const auto& a : r->actions) {
        out += fmt::format("    context {}\n", format_context(a.context));
        for (const auto& c : a.commands)
          out += fmt::format("      {}{}{} {}: {}\n", c.optional ? "O-" : "", c.wildcard_reply ? "W-" : "",
                             command_name(c.kind), c.termination.name, descriptor_names(c.descriptors));
      }
    } else if (const auto* p = std::get_if<transaction_reply>(&t)) {
      out += fmt::format("  reply {}{}\n", p->id.value(), p->immediate_ack_required ? " (ack required)" : "");
      if (p->error) out += fmt::format("    error {} \"{}\"\n", to_int(p->error->code), p->error->text);
      for (const auto& a : p->actions) {
        out += fmt::format("    context {}\n", format_context(a.context));
        for (const auto& c : a.commands)
          out += fmt::format("      {} {}: {}\n", command_name(c.kind), c.context_audit ? "Context" : c.termination.name,
                             descriptor_names(c.descriptors));
        if (a.error) out += fmt::format("      error {} \"{}\"\n", to_int(a.error->code), a.error->text);
      }
    } else if (const auto* n = std::get_if<transaction_pending>(&t)) {
      out += fmt::format("  pending {}\n", n->id.value());
    } else {
      const auto& k = std::get<transaction_response_ack>(t);
      std::string ranges;
      for (const auto& range : k.ranges)
        ranges += fmt::format("{}{}", ranges.empty() ? "" : ",",
                              range.first == range.last ? std::to_string(range.first.value())
                                                : fmt::format("{}-{}", range.first.value(), range.last.value()));
      out += fmt::format("  response ack {}\n", ranges);
    }
  }
  return out;
}

}  // namespace tandem::h248::tool
