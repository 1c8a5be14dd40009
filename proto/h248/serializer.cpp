#include "proto/h248/serializer.hpp"

#include <functional>

#include "proto/h248/tokens.hpp"

/// Writes Annex B text. Every list is written in the order the model holds; fields of fixed
/// descriptors in a fixed order (Mode, ReservedValue, ReservedGroup, then properties...).

namespace tandem::h248 {
namespace {

class writer {
 public:
  explicit writer(bool compact) : compact_(compact) {}

  std::string out;

  void tok(token t) { out += token_text(t, compact_); }
  void raw(std::string_view s) { out += s; }
  void eq() { out += compact_ ? "=" : " = "; }
  void open() {
    ++depth_;
    out += compact_ ? "{" : " {";
    newline();
  }
  void close() {
    --depth_;
    newline();
    out += '}';
  }
  void comma() {
    out += ',';
    newline();
  }
  void newline() {
    if (compact_) return;
    out += '\n';
    out.append(static_cast<std::size_t>(depth_) * 2, ' ');
  }
  /// `{ a, b, c }` with each element written by `fn`.
  template <class Range, class Fn>
  void block(const Range& items, Fn fn) {
    open();
    bool first = true;
    for (const auto& i : items) {
      if (!first) comma();
      first = false;
      fn(i);
    }
    close();
  }
  /// `{ ... }` whose items are pushed as closures (fixed descriptors with optional fields).
  void block(const std::vector<std::function<void()>>& items) {
    block(items, [](const std::function<void()>& f) { f(); });
  }
  [[nodiscard]] bool compact() const { return compact_; }

 private:
  bool compact_;
  int depth_ = 0;
};

using item_list = std::vector<std::function<void()>>;

void write_mid(writer& w, const message_id& m) { w.raw(format_mid(m)); }

void write_value(writer& w, const parm_value& v) {
  switch (v.rel) {
    case relation::equal: w.raw("="); break;
    case relation::greater: w.raw(">"); break;
    case relation::less: w.raw("<"); break;
    case relation::not_equal: w.raw("#"); break;
  }
  const auto join = [&](std::string_view sep) {
    for (std::size_t i = 0; i < v.values.size(); ++i) {
      if (i) w.raw(sep);
      w.raw(v.values[i]);
    }
  };
  switch (v.form) {
    case value_form::single: join(""); break;
    case value_form::alternatives: w.raw("["); join(","); w.raw("]"); break;
    case value_form::range: w.raw("["); join(":"); w.raw("]"); break;
    case value_form::sublist: w.raw("{"); join(","); w.raw("}"); break;
  }
}

void write_property(writer& w, const property& p) {
  w.raw(p.name);
  write_value(w, p.value);
}

void add_properties(item_list& items, writer& w, const std::vector<property>& props) {
  for (const auto& p : props) items.push_back([&w, &p] { write_property(w, p); });
}

void write_octets(writer& w, token t, const std::string& text) {
  w.tok(t);
  if (text.empty()) {
    w.raw("{}");
    return;
  }
  std::string escaped;
  for (char c : text) {
    if (c == '}') escaped += '\\';
    escaped += c;
  }
  w.raw(w.compact() ? "{\n" : " {\n");
  w.raw(escaped);
  w.raw("\n}");
}

void write_statistics(writer& w, const statistics_descriptor& s) {
  w.tok(token::statistics);
  w.block(s.items, [&](const statistic& st) {
    w.raw(st.name);
    if (st.value) {
      w.raw("=");
      w.raw(*st.value);
    }
  });
}

void write_local_control(writer& w, const local_control_descriptor& lc) {
  w.tok(token::local_control);
  item_list items;
  if (lc.mode) items.push_back([&] {
    w.tok(token::mode);
    w.eq();
    switch (*lc.mode) {
      case stream_mode::send_only: w.tok(token::send_only); break;
      case stream_mode::receive_only: w.tok(token::recv_only); break;
      case stream_mode::send_receive: w.tok(token::send_recv); break;
      case stream_mode::inactive: w.tok(token::inactive); break;
      case stream_mode::loopback: w.tok(token::loopback); break;
    }
  });
  if (lc.reserve_value) items.push_back([&] { w.tok(token::reserved_value); w.eq(); w.raw(*lc.reserve_value ? "ON" : "OFF"); });
  if (lc.reserve_group) items.push_back([&] { w.tok(token::reserved_group); w.eq(); w.raw(*lc.reserve_group ? "ON" : "OFF"); });
  add_properties(items, w, lc.properties);
  w.block(items);
}

void add_stream_parms(item_list& items, writer& w, const stream_parms& p) {
  if (p.local_control) items.push_back([&] { write_local_control(w, *p.local_control); });
  if (p.local) items.push_back([&] { write_octets(w, token::local, *p.local); });
  if (p.remote) items.push_back([&] { write_octets(w, token::remote, *p.remote); });
  if (p.statistics) items.push_back([&] { write_statistics(w, *p.statistics); });
}

void write_media(writer& w, const media_descriptor& m) {
  w.tok(token::media);
  item_list items;
  if (m.termination_state) items.push_back([&] {
    const auto& ts = *m.termination_state;
    w.tok(token::termination_state);
    item_list t;
    if (ts.service_states) t.push_back([&] {
      w.tok(token::service_states);
      w.eq();
      w.tok(*ts.service_states == service_state::test ? token::test
            : *ts.service_states == service_state::out_of_service ? token::out_of_svc : token::in_svc);
    });
    if (ts.event_buffer_control) t.push_back([&] {
      w.tok(token::buffer);
      w.eq();
      if (*ts.event_buffer_control == buffer_control::off) w.raw("OFF");
      else w.tok(token::lock_step);
    });
    add_properties(t, w, ts.properties);
    w.block(t);
  });
  if (m.single_stream) add_stream_parms(items, w, *m.single_stream);
  for (const auto& s : m.streams) items.push_back([&] {
    w.tok(token::stream);
    w.eq();
    w.raw(std::to_string(s.id));
    item_list p;
    add_stream_parms(p, w, s.parms);
    w.block(p);
  });
  w.block(items);
}

std::string digit_map_text(const digit_map_value& v) {
  std::string s;
  if (v.start_timer) s += "T:" + std::to_string(*v.start_timer) + ",";
  if (v.short_timer) s += "S:" + std::to_string(*v.short_timer) + ",";
  if (v.long_timer) s += "L:" + std::to_string(*v.long_timer) + ",";
  return s + v.body;
}

void write_signals(writer& w, const signals_descriptor& s);

void write_signal(writer& w, const signal_request& s) {
  w.raw(s.name);
  item_list items;
  if (s.stream) items.push_back([&] { w.tok(token::stream); w.eq(); w.raw(std::to_string(*s.stream)); });
  if (s.type) items.push_back([&] {
    w.tok(token::signal_type);
    w.eq();
    w.tok(*s.type == signal_type::on_off ? token::on_off : *s.type == signal_type::timeout ? token::timeout : token::brief);
  });
  if (s.duration) items.push_back([&] { w.tok(token::duration); w.eq(); w.raw(std::to_string(*s.duration)); });
  if (!s.notify_completion.empty()) items.push_back([&] {
    w.tok(token::notify_completion);
    w.eq();
    w.raw("{");
    for (std::size_t i = 0; i < s.notify_completion.size(); ++i) {
      if (i) w.raw(",");
      switch (s.notify_completion[i]) {
        case notify_reason::timeout: w.tok(token::timeout); break;
        case notify_reason::interrupted_by_event: w.tok(token::interrupt_by_event); break;
        case notify_reason::interrupted_by_new_signals: w.tok(token::interrupt_by_new_signals); break;
        case notify_reason::other_reason: w.tok(token::other_reason); break;
      }
    }
    w.raw("}");
  });
  if (s.keep_active) items.push_back([&] { w.tok(token::keep_active); });
  add_properties(items, w, s.parameters);
  if (!items.empty()) w.block(items);
}

void write_signals(writer& w, const signals_descriptor& s) {
  w.tok(token::signals);
  if (s.items.empty()) {
    w.raw("{}");
    return;
  }
  w.block(s.items, [&](const std::variant<signal_request, signal_list>& item) {
    if (const auto* r = std::get_if<signal_request>(&item)) {
      write_signal(w, *r);
      return;
    }
    const auto& l = std::get<signal_list>(item);
    w.tok(token::signal_list);
    w.eq();
    w.raw(std::to_string(l.id));
    w.block(l.signals, [&](const signal_request& r) { write_signal(w, r); });
  });
}

std::string request_text(const request_id& id) { return id.all ? "*" : std::to_string(id.value); }

void write_events(writer& w, const std::optional<request_id>& id, const std::vector<requested_event>& events);

void write_requested_event(writer& w, const requested_event& e) {
  w.raw(e.name);
  item_list items;
  if (e.stream) items.push_back([&] { w.tok(token::stream); w.eq(); w.raw(std::to_string(*e.stream)); });
  if (e.keep_active) items.push_back([&] { w.tok(token::keep_active); });
  if (e.digit_map) items.push_back([&] {
    w.tok(token::digit_map);
    w.eq();
    if (e.digit_map->name) w.raw(*e.digit_map->name);
    else if (e.digit_map->value) { w.raw("{"); w.raw(digit_map_text(*e.digit_map->value)); w.raw("}"); }
  });
  if (e.embedded_signals || e.embedded) items.push_back([&] {
    w.tok(token::embed);
    item_list inner;
    if (e.embedded_signals) inner.push_back([&] { write_signals(w, *e.embedded_signals); });
    if (e.embedded) inner.push_back([&] { write_events(w, e.embedded->id, e.embedded->events); });
    w.block(inner);
  });
  add_properties(items, w, e.parameters);
  if (!items.empty()) w.block(items);
}

void write_events(writer& w, const std::optional<request_id>& id, const std::vector<requested_event>& events) {
  w.tok(token::events);
  if (!id) return;
  w.eq();
  w.raw(request_text(*id));
  w.block(events, [&](const requested_event& e) { write_requested_event(w, e); });
}

void write_event_spec(writer& w, const event_spec& e) {
  w.raw(e.name);
  item_list items;
  if (e.stream) items.push_back([&] { w.tok(token::stream); w.eq(); w.raw(std::to_string(*e.stream)); });
  add_properties(items, w, e.parameters);
  if (!items.empty()) w.block(items);
}

void write_error(writer& w, const error_descriptor& e) {
  w.tok(token::error);
  w.eq();
  w.raw(std::to_string(to_int(e.code)));
  // quotedString has no escape (Annex B): a '"' in the text is written as '\'', line ends as
  // spaces.
  std::string text = e.text;
  for (char& c : text) {
    if (c == '"') c = '\'';
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (!w.compact()) w.raw(" ");
  w.raw(text.empty() ? "{}" : "{\"" + text + "\"}");
}

std::string_view audit_token_text(audit_item i, bool compact) {
  switch (i) {
    case audit_item::mux: return token_text(token::mux, compact);
    case audit_item::modem: return token_text(token::modem, compact);
    case audit_item::media: return token_text(token::media, compact);
    case audit_item::signals: return token_text(token::signals, compact);
    case audit_item::event_buffer: return token_text(token::event_buffer, compact);
    case audit_item::digit_map: return token_text(token::digit_map, compact);
    case audit_item::statistics: return token_text(token::statistics, compact);
    case audit_item::events: return token_text(token::events, compact);
    case audit_item::observed_events: return token_text(token::observed_events, compact);
    case audit_item::packages: return token_text(token::packages, compact);
  }
  return "";
}

/// Modem and mux types are stored by their long token name; the compact form uses the short.
std::string type_text(const std::string& type, bool compact) {
  const auto t = find_token(type);
  return t ? std::string(token_text(*t, compact)) : type;
}

void write_service_change(writer& w, const service_change_descriptor& sc) {
  w.tok(token::services);
  item_list items;
  if (sc.method) items.push_back([&] {
    w.tok(token::method);
    w.eq();
    switch (*sc.method) {
      case service_change_method::failover: w.tok(token::failover); break;
      case service_change_method::forced: w.tok(token::forced); break;
      case service_change_method::graceful: w.tok(token::graceful); break;
      case service_change_method::restart: w.tok(token::restart); break;
      case service_change_method::disconnected: w.tok(token::disconnected); break;
      case service_change_method::handoff: w.tok(token::handoff); break;
      case service_change_method::extension: w.raw(sc.method_extension); break;
    }
  });
  if (sc.reason) items.push_back([&] { w.tok(token::reason); w.eq(); w.raw(*sc.reason); });
  if (sc.delay) items.push_back([&] { w.tok(token::delay); w.eq(); w.raw(std::to_string(*sc.delay)); });
  if (sc.address) items.push_back([&] {
    w.tok(token::service_change_address);
    w.eq();
    if (sc.address->mid) write_mid(w, *sc.address->mid);
    else if (sc.address->port) w.raw(std::to_string(*sc.address->port));
  });
  if (sc.profile) items.push_back([&] { w.tok(token::profile); w.eq(); w.raw(*sc.profile); });
  if (sc.version) items.push_back([&] { w.tok(token::version); w.eq(); w.raw(std::to_string(*sc.version)); });
  if (sc.mgc_id) items.push_back([&] { w.tok(token::mgc_id); w.eq(); write_mid(w, *sc.mgc_id); });
  if (sc.timestamp) items.push_back([&] { w.raw(*sc.timestamp); });
  add_properties(items, w, sc.extensions);
  w.block(items);
}

void add_descriptors(item_list& items, writer& w, const descriptor_set& d) {
  if (d.media) items.push_back([&] { write_media(w, *d.media); });
  if (d.modem) items.push_back([&] {
    w.tok(token::modem);
    if (d.modem->types.size() == 1) {
      w.raw("=");
      w.raw(type_text(d.modem->types.front(), w.compact()));
    } else {
      w.raw("[");
      for (std::size_t i = 0; i < d.modem->types.size(); ++i) {
        if (i) w.raw(",");
        w.raw(type_text(d.modem->types[i], w.compact()));
      }
      w.raw("]");
    }
    if (!d.modem->properties.empty())
      w.block(d.modem->properties, [&](const property& p) { write_property(w, p); });
  });
  if (d.mux) items.push_back([&] {
    w.tok(token::mux);
    w.raw("=");
    w.raw(type_text(d.mux->type, w.compact()));
    w.block(d.mux->terminations, [&](const termination_id& t) { w.raw(t.name); });
  });
  if (d.events) items.push_back([&] { write_events(w, d.events->id, d.events->events); });
  if (d.signals) items.push_back([&] { write_signals(w, *d.signals); });
  if (d.digit_map) items.push_back([&] {
    w.tok(token::digit_map);
    w.eq();
    if (d.digit_map->name) w.raw(*d.digit_map->name);
    if (d.digit_map->value) {
      w.raw("{");
      w.raw(digit_map_text(*d.digit_map->value));
      w.raw("}");
    }
  });
  if (d.event_buffer) items.push_back([&] {
    w.tok(token::event_buffer);
    if (!d.event_buffer->events.empty())
      w.block(d.event_buffer->events, [&](const event_spec& e) { write_event_spec(w, e); });
  });
  if (d.audit) items.push_back([&] {
    w.tok(token::audit);
    if (d.audit->items.empty()) {
      w.raw("{}");
      return;
    }
    w.block(d.audit->items, [&](audit_item i) { w.raw(audit_token_text(i, w.compact())); });
  });
  if (d.observed_events) items.push_back([&] {
    w.tok(token::observed_events);
    w.eq();
    w.raw(request_text(d.observed_events->id));
    w.block(d.observed_events->events, [&](const observed_event& e) {
      if (e.timestamp) {
        w.raw(*e.timestamp);
        w.raw(":");
      }
      write_event_spec(w, e.event);
    });
  });
  if (d.statistics) items.push_back([&] { write_statistics(w, *d.statistics); });
  if (d.packages) items.push_back([&] {
    w.tok(token::packages);
    w.block(d.packages->items, [&](const package_item& p) { w.raw(p.name + "-" + std::to_string(p.version)); });
  });
  if (d.service_change) items.push_back([&] { write_service_change(w, *d.service_change); });
  for (audit_item i : d.audited) items.push_back([&w, i] { w.raw(audit_token_text(i, w.compact())); });
  if (d.error) items.push_back([&] { write_error(w, *d.error); });
}

token command_token(command_kind k) {
  switch (k) {
    case command_kind::add: return token::add;
    case command_kind::modify: return token::modify;
    case command_kind::subtract: return token::subtract;
    case command_kind::move: return token::move;
    case command_kind::audit_value: return token::audit_value;
    case command_kind::audit_capabilities: return token::audit_cap;
    case command_kind::notify: return token::notify;
    case command_kind::service_change: return token::service_change;
  }
  return token::add;
}

void add_context_properties(item_list& items, writer& w, const context_properties& p) {
  if (!p.topology.empty()) items.push_back([&] {
    w.tok(token::topology);
    w.block(p.topology, [&](const topology_triple& t) {
      w.raw(t.from.name);
      w.raw(",");
      w.raw(t.to.name);
      w.raw(",");
      w.tok(t.direction == topology_direction::bothway ? token::bothway
            : t.direction == topology_direction::isolate ? token::isolate : token::oneway);
    });
  });
  if (p.priority) items.push_back([&] { w.tok(token::priority); w.eq(); w.raw(std::to_string(*p.priority)); });
  if (p.emergency) items.push_back([&] { w.tok(*p.emergency ? token::emergency : token::emergency_off); });
  if (!p.audit.empty()) items.push_back([&] {
    w.tok(token::context_audit);
    w.block(p.audit, [&](context_audit_item i) {
      w.tok(i == context_audit_item::topology ? token::topology
            : i == context_audit_item::emergency ? token::emergency : token::priority);
    });
  });
}

void write_transaction(writer& w, const transaction& t) {
  if (const auto* r = std::get_if<transaction_request>(&t)) {
    w.tok(token::trans);
    w.eq();
    w.raw(std::to_string(r->id.value()));
    w.block(r->actions, [&](const action_request& a) {
      w.tok(token::context);
      w.eq();
      w.raw(format_context(a.context));
      item_list items;
      add_context_properties(items, w, a.properties);
      for (const auto& c : a.commands) items.push_back([&w, &c] {
        if (c.optional) w.raw("O-");
        if (c.wildcard_reply) w.raw("W-");
        w.tok(command_token(c.kind));
        w.eq();
        w.raw(c.termination.name);
        item_list d;
        add_descriptors(d, w, c.descriptors);
        if (!d.empty()) w.block(d);
      });
      w.block(items);
    });
  } else if (const auto* p = std::get_if<transaction_reply>(&t)) {
    w.tok(token::reply);
    w.eq();
    w.raw(std::to_string(p->id.value()));
    item_list items;
    if (p->immediate_ack_required) items.push_back([&] { w.tok(token::imm_ack_required); });
    if (p->error) items.push_back([&] { write_error(w, *p->error); });
    for (const auto& a : p->actions) items.push_back([&w, &a] {
      w.tok(token::context);
      w.eq();
      w.raw(format_context(a.context));
      item_list inner;
      add_context_properties(inner, w, a.properties);
      for (const auto& c : a.commands) inner.push_back([&w, &c] {
        w.tok(command_token(c.kind));
        w.eq();
        if (c.context_audit) {
          w.tok(token::context);
          if (c.descriptors.error) {
            w.block(item_list{[&] { write_error(w, *c.descriptors.error); }});
          } else {
            w.block(c.context_terminations, [&](const termination_id& id) { w.raw(id.name); });
          }
          return;
        }
        w.raw(c.termination.name);
        item_list d;
        add_descriptors(d, w, c.descriptors);
        if (!d.empty()) w.block(d);
      });
      if (a.error) inner.push_back([&] { write_error(w, *a.error); });
      w.block(inner);
    });
    w.block(items);
  } else if (const auto* n = std::get_if<transaction_pending>(&t)) {
    w.tok(token::pending);
    w.eq();
    w.raw(std::to_string(n->id.value()));
    w.raw("{}");
  } else {
    const auto& k = std::get<transaction_response_ack>(t);
    w.tok(token::response_ack);
    w.block(k.ranges, [&](const transaction_ack_range& range) {
      w.raw(std::to_string(range.first.value()));
      if (range.last != range.first) w.raw("-" + std::to_string(range.last.value()));
    });
  }
}

}  // namespace

std::string format_mid(const message_id& m) {
  std::string s;
  switch (m.kind) {
    case mid_kind::ipv4:
    case mid_kind::ipv6: s = "[" + m.name + "]"; break;
    case mid_kind::domain_name: s = "<" + m.name + ">"; break;
    case mid_kind::device_name: return m.name;
    case mid_kind::mtp: return "MTP{" + m.name + "}";
  }
  if (m.port) s += ":" + std::to_string(*m.port);
  return s;
}

std::string format_context(const context_id& c) {
  switch (c.kind) {
    case context_kind::null_context: return "-";
    case context_kind::choose: return "$";
    case context_kind::all: return "*";
    case context_kind::specific: return std::to_string(c.value);
  }
  return "-";
}

std::string serialize(const transaction& t, const serialize_options& options) {
  writer w(options.compact);
  write_transaction(w, t);
  return std::move(w.out);
}

std::string serialize(const message& m, const serialize_options& options) {
  writer w(options.compact);
  w.tok(token::megacop);
  w.raw("/" + std::to_string(m.version) + " ");
  write_mid(w, m.sender);
  w.raw("\n");
  if (m.error) {
    write_error(w, *m.error);
    w.raw("\n");
  }
  for (const auto& t : m.transactions) {
    write_transaction(w, t);
    w.raw("\n");
  }
  return std::move(w.out);
}

}  // namespace tandem::h248
