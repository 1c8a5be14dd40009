#include "proto/mgcp/serializer.hpp"

#include <fmt/format.h>

namespace tandem::mgcp {
namespace {

class writer {
 public:
  writer(std::string& out, const serialize_options& o) : out_(out), eol_(o.crlf ? "\r\n" : "\n") {}

  void first_line(const command& c) {
    fmt::format_to(std::back_inserter(out_), "{} {} ", verb_text(c.verb), c.id.value());
    append(out_, c.endpoint);
    fmt::format_to(std::back_inserter(out_), " MGCP {}.{}", c.version.major, c.version.minor);
    if (!c.version.profile.empty()) {
      out_ += ' ';
      out_ += c.version.profile;
    }
    out_ += eol_;
  }

  void first_line(const response& r) {
    fmt::format_to(std::back_inserter(out_), "{:03} {}", to_int(r.code), r.id.value());
    if (!r.package.empty()) {
      out_ += " /";
      out_ += r.package;
    }
    if (!r.text.empty()) {
      out_ += ' ';
      out_ += r.text;
    }
    out_ += eol_;
  }

  template <class F>
  void line(std::string_view name, F&& value) {
    out_ += name;
    out_ += ": ";
    value();
    // An empty value is written "X: " on the wire by some stacks; write "X:" cleanly.
    if (out_.size() >= 2 && out_[out_.size() - 1] == ' ' && out_[out_.size() - 2] == ':') out_.pop_back();
    out_ += eol_;
  }

  void params(const parameter_set& p) {
    if (p.response_ack) line("K", [&] { out_ += format_response_ack(*p.response_ack); });
    if (p.bearer) line("B", [&] { append(out_, *p.bearer); });
    if (p.call) line("C", [&] { out_ += p.call->value(); });
    if (!p.connections.empty())
      line("I", [&] {
        for (std::size_t i = 0; i < p.connections.size(); ++i) {
          if (i) out_ += ", ";
          out_ += p.connections[i].value();
        }
      });
    if (p.notified) line("N", [&] { append(out_, *p.notified); });
    if (p.request) line("X", [&] { out_ += p.request->value(); });
    if (p.options) line("L", [&] { append(out_, *p.options); });
    if (p.mode) line("M", [&] { append(out_, *p.mode); });
    if (p.requested_events) line("R", [&] { append(out_, *p.requested_events); });
    if (p.signal_requests) line("S", [&] { append(out_, *p.signal_requests); });
    if (p.digits) line("D", [&] { append(out_, *p.digits); });
    if (p.observed_events) line("O", [&] { append(out_, *p.observed_events); });
    if (p.connection_stats) line("P", [&] { append(out_, *p.connection_stats); });
    if (p.reason) line("E", [&] { append(out_, *p.reason); });
    for (const auto& z : p.specific_endpoints) line("Z", [&] { append(out_, z); });
    if (p.second_endpoint) line("Z2", [&] { append(out_, *p.second_endpoint); });
    if (p.second_connection) line("I2", [&] { out_ += p.second_connection->value(); });
    if (p.info) line("F", [&] { append(out_, *p.info); });
    if (p.quarantine) line("Q", [&] { append(out_, *p.quarantine); });
    if (p.detect_events) line("T", [&] { append(out_, *p.detect_events); });
    if (p.restart) line("RM", [&] { append(out_, *p.restart); });
    if (p.restart_delay_s) line("RD", [&] { fmt::format_to(std::back_inserter(out_), "{}", *p.restart_delay_s); });
    for (const auto& a : p.capabilities) line("A", [&] { append(out_, a); });
    if (p.event_states) line("ES", [&] { append(out_, *p.event_states); });
    if (p.packages) line("PL", [&] { append(out_, *p.packages); });
    if (p.max_datagram) line("MD", [&] { fmt::format_to(std::back_inserter(out_), "{}", *p.max_datagram); });
    for (const auto& x : p.extensions) line(x.name, [&] { out_ += x.value; });
  }

  void sessions(const std::vector<session_text>& sessions) {
    for (const auto& s : sessions) {
      out_ += eol_;
      std::size_t start = 0;
      while (start <= s.size()) {
        std::size_t lf = s.find('\n', start);
        if (lf == std::string::npos) lf = s.size();
        out_.append(s, start, lf - start);
        out_ += eol_;
        start = lf + 1;
      }
    }
  }

 private:
  std::string& out_;
  std::string_view eol_;
};

}  // namespace

void serialize_to(std::string& out, const message& m, const serialize_options& options) {
  writer w(out, options);
  std::visit(
      [&](const auto& msg) {
        w.first_line(msg);
        w.params(msg.params);
        w.sessions(msg.sessions);
      },
      m);
}

std::string serialize(const message& m, const serialize_options& options) {
  std::string out;
  out.reserve(512);
  serialize_to(out, m, options);
  return out;
}

std::string serialize_datagram(const std::vector<message>& messages, const serialize_options& options) {
  std::vector<std::string> parts;
  parts.reserve(messages.size());
  for (const auto& m : messages) parts.push_back(serialize(m, options));
  return join_datagram(parts);
}

}  // namespace tandem::mgcp
