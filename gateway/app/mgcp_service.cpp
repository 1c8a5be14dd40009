#include "gateway/app/mgcp_service.hpp"

#include "common/log.hpp"
#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"

namespace tandem::gateway::app {

namespace m = tandem::mgcp;

mgcp_service::mgcp_service(mgcp::agent_config config, const codecs::registry& codecs, mgcp::media_control& media,
                           timer_service& timers, counter_set& agent_counters, counter_set& transaction_counters,
                           send_function send, m::transaction_config transactions)
    : send_(std::move(send)), agent_counters_(agent_counters) {
  m::transaction_notifier& as_transaction_notifier = *this;
  mgcp::agent_notifier& as_agent_notifier = *this;
  engine_ = std::make_unique<m::transaction_engine>(timers, as_transaction_notifier, transaction_counters, transactions);
  agent_ = std::make_unique<mgcp::agent>(std::move(config), codecs, media, as_agent_notifier, timers, agent_counters);
}

mgcp_service::~mgcp_service() = default;

void mgcp_service::on_datagram(const m::peer& from, std::string_view datagram) {
  if (!agent_->is_allowed(from)) {
    agent_counters_.get("rx.refused_peer").add();
    return;
  }
  engine_->on_datagram(from, datagram);
}

void mgcp_service::on_send(const m::peer& to, std::string_view datagram) { send_(to, datagram); }

void mgcp_service::answer(const m::peer& to, const std::optional<m::response>& r) {
  if (!r) return;
  if (auto sent = engine_->send_response(to, r->id, m::serialize(*r)); !sent)
    log::get("mgcp")->error("response {} to {} not sent (send_error {})", r->id.value(), to, static_cast<int>(sent.error()));
}

void mgcp_service::on_command(const m::peer& from, const m::envelope& command) {
  // The engine has framed the message; the full parse happens here, once per transaction.
  auto parsed = m::parse_message(command.text);
  if (!parsed) {
    answer(from, agent_->handle_malformed(from, parsed.error()));
    return;
  }
  if (const auto* cmd = std::get_if<m::command>(&*parsed)) answer(from, agent_->handle(from, *cmd));
}

void mgcp_service::on_response(const m::peer& from, const m::envelope& response) {
  auto parsed = m::parse_message(response.text);
  if (!parsed) {
    agent_counters_.get("rx.malformed_response").add();
    return;
  }
  if (const auto* r = std::get_if<m::response>(&*parsed)) agent_->on_response(from, *r);
}

void mgcp_service::on_transaction_failed(const m::peer& to, m::transaction_id id, m::failure_reason) {
  agent_->on_transaction_failed(to, id);
}

void mgcp_service::on_peer_suspect(const m::peer& p) { log::get("mgcp")->warn("call agent {} is not answering", p); }
void mgcp_service::on_peer_disconnected(const m::peer& p) { log::get("mgcp")->warn("call agent {} is unreachable", p); }
void mgcp_service::on_disconnected_procedure_due(const m::peer& p) { agent_->on_disconnected_procedure_due(p); }
void mgcp_service::on_peer_reconnected(const m::peer& p) { log::get("mgcp")->info("call agent {} answers again", p); }

void mgcp_service::on_malformed(const m::peer& from, const m::envelope_error& error, std::string_view message) {
  // A first line that does not frame: answer 510 when its transaction id could be read
  // (RFC 3435 §3.5.1: every command is answered), otherwise count it.
  if (error.kind != m::message_kind::command || error.id.value() == 0) {
    agent_counters_.get("rx.malformed").add();
    return;
  }
  m::parse_error pe;
  pe.kind = m::message_kind::command;
  pe.id = error.id;
  pe.code = m::return_code::protocol_error;
  pe.reason = "malformed first line";
  (void)message;
  answer(from, agent_->handle_malformed(from, pe));
}

m::transaction_id mgcp_service::send_command(const m::peer& to, const m::command& cmd) {
  auto id = engine_->send_command(to, m::serialize(cmd));
  if (!id) {
    log::get("mgcp")->error("{} to {} not sent (send_error {})", m::verb_text(cmd.verb), to, static_cast<int>(id.error()));
    return m::transaction_id{0};
  }
  return *id;
}

}  // namespace tandem::gateway::app
