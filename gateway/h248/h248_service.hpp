#pragma once
/// The H.248 side of tandem-mgw without sockets: datagrams in, datagrams out. It joins the
/// H.248.1 Annex D.1 transaction engine (proto/h248/transaction: retransmission, pending,
/// duplicate detection, response acknowledgement) and the agent. The UDP adapter
/// (gateway/h248/udp_transport.cpp) feeds it; tests feed it text and a manual clock.
///
///   datagram --is_allowed?--> transaction_engine --on_request--> agent --reply--> send_reply
///   agent --send_request--> transaction_engine --on_send--> datagram
///
/// Threads: the control-plane thread only.
#include <functional>
#include <memory>
#include <string_view>

#include "common/clock.hpp"
#include "common/counters.hpp"
#include "gateway/h248/agent.hpp"
#include "proto/h248/transaction/transaction_engine.hpp"

namespace tandem::gateway::h248 {

class h248_service final : private h::transaction_notifier, private agent_notifier {
 public:
  using send_function = std::function<void(const h::peer& to, std::string_view datagram)>;

  h248_service(agent_config config, const codecs::registry& codecs, mgcp::media_control& media, timer_service& timers,
               counter_set& agent_counters, counter_set& transaction_counters, send_function send,
               h::transaction_config transactions = {});
  ~h248_service() override;

  /// A datagram from the network. Strangers (not a configured controller) are dropped before
  /// the transaction engine and counted (rx.refused_peer).
  void on_datagram(const h::peer& from, std::string_view datagram);

  h248::agent& agent() noexcept { return *agent_; }
  h::transaction_engine& transactions() noexcept { return *engine_; }

 private:
  // transaction_notifier
  void on_send(const h::peer& to, std::string_view datagram) override;
  void on_request(const h::peer& from, const h::message_id& sender, const h::transaction_request& request) override;
  void on_reply(const h::peer& from, const h::transaction_reply& reply) override;
  void on_transaction_failed(const h::peer& to, h::transaction_id id, h::failure_reason why) override;
  void on_malformed(const h::peer& from, const h::parse_error& error, std::string_view datagram) override;
  void on_message_error(const h::peer& from, const h::error_descriptor& error) override;
  // agent_notifier
  std::optional<h::transaction_id> send_request(const h::peer& to, std::vector<h::action_request> actions) override;

  send_function send_;
  counter_set& agent_counters_;
  std::unique_ptr<h::transaction_engine> engine_;
  std::unique_ptr<h248::agent> agent_;
};

}  // namespace tandem::gateway::h248
