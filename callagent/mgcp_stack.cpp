#include "callagent/mgcp_stack.hpp"

#include <fmt/format.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"

namespace tandem::callagent {

std::string_view to_string(mgcp_failure f) {
  switch (f) {
    case mgcp_failure::timeout: return "timeout";
    case mgcp_failure::bad_response: return "bad response";
    case mgcp_failure::not_sent: return "not sent";
  }
  return "?";
}

mgcp_stack::mgcp_stack(timer_service& timers, counter_set& counters, mgcp_transport& transport,
                       mgcp::transaction_config config)
    : timers_(timers), transport_(transport), counters_(counters), engine_(timers, *this, engine_counters_, config) {}

mgcp::transaction_id mgcp_stack::send(const mgcp::peer& to, mgcp::command command, mgcp_callback done) {
  // The engine puts the transaction id in place of the placeholder "0".
  command.id = mgcp::transaction_id{0};
  const std::string text = mgcp::serialize(command);
  auto id = engine_.send_command(to, text);
  if (!id) {
    counters_.get("mgcp.not_sent").add();
    log_->warn("mgcp: {} {} to {} not sent (engine error {})", mgcp::verb_text(command.verb),
               mgcp::to_string(command.endpoint), to, static_cast<int>(id.error()));
    timers_.schedule_after(duration::zero(),
                           [done = std::move(done)] { done(make_unexpected(mgcp_failure::not_sent)); });
    return mgcp::transaction_id{0};
  }
  pending_[id->value()] = std::move(done);
  return *id;
}

void mgcp_stack::respond(const mgcp::peer& to, const mgcp::response& response) {
  const std::string text = mgcp::serialize(response);
  if (auto r = engine_.send_response(to, response.id, text); !r) {
    counters_.get("mgcp.response_not_sent").add();
    log_->warn("mgcp: response {} {} to {} not sent (engine error {})", mgcp::to_int(response.code),
               response.id, to, static_cast<int>(r.error()));
  }
}

void mgcp_stack::respond(const mgcp::peer& to, mgcp::transaction_id id, mgcp::return_code code) {
  mgcp::response r;
  r.code = code;
  r.id = id;
  r.text = std::string(mgcp::description(code));
  respond(to, r);
}

void mgcp_stack::on_send(const mgcp::peer& to, std::string_view datagram) { transport_.send(to, datagram); }

void mgcp_stack::on_command(const mgcp::peer& from, const mgcp::envelope& command) {
  auto parsed = mgcp::parse_message(command.text);
  if (!parsed) {
    counters_.get("mgcp.rx_bad_command").add();
    log_->warn("mgcp: bad command from {} ({} at {})", from, parsed.error().reason, parsed.error().position);
    respond(from, command.id, parsed.error().code);
    return;
  }
  auto* cmd = std::get_if<mgcp::command>(&*parsed);
  if (cmd == nullptr || handler_ == nullptr) {
    respond(from, command.id, mgcp::return_code::protocol_error);
    return;
  }
  handler_->on_gateway_command(from, *cmd);
}

void mgcp_stack::on_response(const mgcp::peer& from, const mgcp::envelope& response) {
  auto parsed = mgcp::parse_message(response.text);
  if (!parsed || !std::holds_alternative<mgcp::response>(*parsed)) {
    counters_.get("mgcp.rx_bad_response").add();
    if (!parsed)
      log_->warn("mgcp: unparseable response {} from {}: {} at {}", response.id, from, parsed.error().reason,
                 parsed.error().position);
    else
      log_->warn("mgcp: response {} from {} parsed as a command", response.id, from);
    finish(response.id, make_unexpected(mgcp_failure::bad_response));
    return;
  }
  finish(response.id, std::get<mgcp::response>(*parsed));
}

void mgcp_stack::on_transaction_failed(const mgcp::peer& to, mgcp::transaction_id id, mgcp::failure_reason) {
  counters_.get("mgcp.timeouts").add();
  log_->warn("mgcp: transaction {} to {} timed out", id, to);
  finish(id, make_unexpected(mgcp_failure::timeout));
}

void mgcp_stack::finish(mgcp::transaction_id id, const mgcp_result& result) {
  auto it = pending_.find(id.value());
  if (it == pending_.end()) return;
  mgcp_callback done = std::move(it->second);
  pending_.erase(it);
  done(result);
}

void mgcp_stack::on_peer_suspect(const mgcp::peer& p) {
  log_->warn("mgcp: gateway {} suspect (Max1 retransmissions)", p);
}

void mgcp_stack::on_peer_disconnected(const mgcp::peer& p) {
  if (handler_ != nullptr) handler_->on_gateway_lost(p);
}

void mgcp_stack::on_disconnected_procedure_due(const mgcp::peer&) {
  // RFC 3435 §4.4.6 is the gateway's procedure; a call agent keeps probing with its AUEP
  // keep-alive instead.
}

void mgcp_stack::on_peer_reconnected(const mgcp::peer& p) {
  if (handler_ != nullptr) handler_->on_gateway_back(p);
}

void mgcp_stack::on_malformed(const mgcp::peer& from, const mgcp::envelope_error& error, std::string_view) {
  counters_.get("mgcp.rx_malformed").add();
  log_->warn("mgcp: malformed message from {} at offset {}", from, error.position);
  if (error.kind == mgcp::message_kind::command && error.id.value() != 0)
    respond(from, error.id, mgcp::return_code::protocol_error);
}

}  // namespace tandem::callagent
