#include "tests/unit/callagent/fake_gateway.hpp"

#include <fmt/format.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"

namespace tandem::callagent::test {

namespace {

unsigned payload_type(const std::string& codec) {
  if (codec == "PCMU") return 0;
  if (codec == "PCMA") return 8;
  if (codec == "G729") return 18;
  return 96;
}

}  // namespace

std::vector<mgcp::command> fake_gateway::sent(mgcp::verb v, const std::string& endpoint) const {
  std::vector<mgcp::command> out;
  for (const auto& c : commands)
    if (c.verb == v && (endpoint.empty() || c.endpoint.local == endpoint)) out.push_back(c);
  return out;
}

void fake_gateway::receive(const std::string& datagram) {
  if (!answering) return;
  std::vector<std::string> out;
  for (auto& m : mgcp::parse_datagram(datagram)) {
    if (!m) continue;
    if (auto* r = std::get_if<mgcp::response>(&*m)) {
      if (r->code != mgcp::return_code::response_ack) responses.push_back(*r);
      continue;
    }
    const auto& c = std::get<mgcp::command>(*m);
    if (auto it = answered_.find(c.id.value()); it != answered_.end()) {
      out.push_back(it->second);  // RFC 3435 §3.5.1: a retransmission gets the same answer
      continue;
    }
    commands.push_back(c);
    std::optional<std::string> raw = raw_answer ? raw_answer(c) : std::nullopt;
    const std::string text = raw ? *raw : mgcp::serialize(answer(c));
    answered_[c.id.value()] = text;
    out.push_back(text);
  }
  for (const auto& text : out) send_(text);
}

mgcp::response fake_gateway::answer(const mgcp::command& c) {
  mgcp::response r;
  r.id = c.id;
  r.code = mgcp::return_code::ok;
  r.text = "OK";
  if (override_answer) {
    if (auto code = override_answer(c)) {
      r.code = *code;
      r.text = std::string(mgcp::description(*code));
      return r;
    }
  }
  switch (c.verb) {
    case mgcp::verb::crcx: {
      std::string codec;
      if (c.params.options)
        for (const auto& offered : c.params.options->codecs)
          if (codecs.contains(offered)) {
            codec = offered;
            break;
          }
      if (codec.empty()) {
        r.code = mgcp::return_code::codec_negotiation_failure;
        r.text = "Codec negotiation failure";
        return r;
      }
      const std::string id = fmt::format("{:X}", 0xC000 + next_connection_);
      const unsigned port = 16000 + 2 * next_connection_++;
      connection conn;
      conn.endpoint = c.endpoint.local;
      conn.call_id = c.params.call ? c.params.call->value() : "";
      conn.mode = c.params.mode ? c.params.mode->kind : mgcp::connection_mode_kind::inactive;
      conn.codec = codec;
      conn.has_remote = !c.sessions.empty();
      connections[id] = conn;
      r.params.connections.push_back(mgcp::connection_id{id});
      r.sessions.push_back(sdp(codec, port));
      return r;
    }
    case mgcp::verb::mdcx: {
      if (c.params.connections.empty() || !connections.contains(c.params.connections.front().value())) {
        r.code = mgcp::return_code::incorrect_connection_id;
        r.text = "Incorrect connection-id";
        return r;
      }
      auto& conn = connections[c.params.connections.front().value()];
      if (c.params.mode) conn.mode = c.params.mode->kind;
      if (!c.sessions.empty()) conn.has_remote = true;
      return r;
    }
    case mgcp::verb::dlcx: {
      if (c.params.connections.empty() || connections.erase(c.params.connections.front().value()) == 0) {
        r.code = mgcp::return_code::incorrect_connection_id;
        r.text = "Incorrect connection-id";
        return r;
      }
      r.code = mgcp::return_code::connection_deleted;
      r.text = "Connection deleted";
      r.params.connection_stats = stats();
      return r;
    }
    case mgcp::verb::auep: {
      if (c.endpoint.local == "*") {
        for (const auto& e : endpoints) r.params.specific_endpoints.push_back(mgcp::endpoint_name{e, {domain_, {}}});
      } else if (c.params.info) {
        for (const auto& [id, conn] : connections)
          if (conn.endpoint == c.endpoint.local) r.params.connections.push_back(mgcp::connection_id{id});
      }
      return r;
    }
    default:
      return r;
  }
}

std::string fake_gateway::sdp(const std::string& codec, unsigned port) const {
  const unsigned pt = payload_type(codec);
  return fmt::format("v=0\no=- {0} 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\n"
                     "m=audio {0} RTP/AVP {1}\na=rtpmap:{1} {2}/8000",
                     port, pt, codec);
}

mgcp::connection_parameters fake_gateway::stats() {
  mgcp::connection_parameters p;
  p.packets_sent = 1000;
  p.octets_sent = 160000;
  p.packets_received = 990;
  p.octets_received = 158400;
  p.packets_lost = 10;
  p.jitter_ms = 3;
  p.latency_ms = 40;
  return p;
}

void fake_gateway::send_command(mgcp::command c) {
  c.id = mgcp::transaction_id{next_transaction_++};
  send_(mgcp::serialize(c));
}

void fake_gateway::send_rsip(const std::string& local, mgcp::restart_method_kind method, std::optional<unsigned> delay_s) {
  mgcp::command c;
  c.verb = mgcp::verb::rsip;
  c.endpoint = mgcp::endpoint_name{local, {domain_, {}}};
  c.params.restart = mgcp::restart_method{method, {}};
  c.params.restart_delay_s = delay_s;
  send_command(std::move(c));
}

void fake_gateway::send_dlcx(const std::string& connection_id, std::uint16_t reason) {
  auto it = connections.find(connection_id);
  mgcp::command c;
  c.verb = mgcp::verb::dlcx;
  c.endpoint = mgcp::endpoint_name{it == connections.end() ? "*" : it->second.endpoint, {domain_, {}}};
  if (it != connections.end() && !it->second.call_id.empty()) c.params.call = mgcp::call_id{it->second.call_id};
  c.params.connections.push_back(mgcp::connection_id{connection_id});
  c.params.reason = mgcp::reason_code{reason, "media inactivity"};
  c.params.connection_stats = stats();
  if (it != connections.end()) connections.erase(it);
  send_command(std::move(c));
}

void fake_gateway::send_ntfy(const std::string& local, const std::string& event) {
  mgcp::command c;
  c.verb = mgcp::verb::ntfy;
  c.endpoint = mgcp::endpoint_name{local, {domain_, {}}};
  c.params.request = mgcp::request_id{"1"};
  mgcp::observed_event e;
  e.name.package = "G";
  e.name.event = event;
  c.params.observed_events = std::vector<mgcp::observed_event>{e};
  send_command(std::move(c));
}

}  // namespace tandem::callagent::test
