#include "gateway/h248/h248_service.hpp"

#include "common/log.hpp"

namespace tandem::gateway::h248 {

h248_service::h248_service(agent_config config, const codecs::registry& codecs, mgcp::media_control& media,
                           timer_service& timers, counter_set& agent_counters, counter_set& transaction_counters,
                           send_function send, h::transaction_config transactions)
    : send_(std::move(send)), agent_counters_(agent_counters) {
  h::transaction_notifier& engine_side = *this;
  agent_notifier& agent_side = *this;
  engine_ = std::make_unique<h::transaction_engine>(timers, engine_side, transaction_counters, transactions);
  agent_ = std::make_unique<h248::agent>(std::move(config), codecs, media, agent_side, timers, agent_counters);
}

h248_service::~h248_service() = default;

void h248_service::on_datagram(const h::peer& from, std::string_view datagram) {
  if (!agent_->is_allowed(from)) {
    agent_counters_.get("rx.refused_peer").add();
    log::get("h248")->debug("datagram from {}:{} dropped: not a configured controller", from.address, from.port);
    return;
  }
  agent_->on_controller_activity(from);
  engine_->on_datagram(from, datagram);
}

void h248_service::on_send(const h::peer& to, std::string_view datagram) { send_(to, datagram); }

void h248_service::on_request(const h::peer& from, const h::message_id&, const h::transaction_request& request) {
  auto reply = agent_->handle(from, request);
  if (auto sent = engine_->send_reply(from, std::move(reply)); !sent)
    agent_counters_.get("tx.reply_refused").add();
}

void h248_service::on_reply(const h::peer& from, const h::transaction_reply& reply) { agent_->on_reply(from, reply); }

void h248_service::on_transaction_failed(const h::peer& to, h::transaction_id id, h::failure_reason) {
  agent_->on_transaction_failed(to, id);
}

void h248_service::on_malformed(const h::peer& from, const h::parse_error& error, std::string_view) {
  agent_counters_.get("rx.malformed").add();
  log::get("h248")->info("malformed message from {}:{}: {}", from.address, from.port, error.reason);
}

void h248_service::on_message_error(const h::peer& from, const h::error_descriptor& error) {
  agent_counters_.get("rx.message_error").add();
  log::get("h248")->warn("{}:{} could not read our message: {} {}", from.address, from.port, h::to_int(error.code), error.text);
}

std::optional<h::transaction_id> h248_service::send_request(const h::peer& to, std::vector<h::action_request> actions) {
  auto id = engine_->send_request(to, std::move(actions));
  if (!id) return std::nullopt;
  return *id;
}

}  // namespace tandem::gateway::h248
