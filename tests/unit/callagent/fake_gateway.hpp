#pragma once
/// A media gateway for call agent tests: parses the MGCP commands the call agent sends,
/// records them, keeps connections, and answers as a trunking gateway would (CRCX with an SDP
/// for the first codec it supports, 534 when it supports none, DLCX with P: statistics,
/// wildcard AUEP with Z: lines). It can also be told to stop answering or to answer a command
/// its own way, and it sends RSIP, NTFY and DLCX to the call agent.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "proto/mgcp/message.hpp"

namespace tandem::callagent::test {

class fake_gateway {
 public:
  using sender = std::function<void(const std::string& datagram)>;

  fake_gateway(std::string domain, std::vector<std::string> listed, sender to_call_agent)
      : endpoints(std::move(listed)), domain_(std::move(domain)), send_(std::move(to_call_agent)) {}

  /// A datagram from the call agent.
  void receive(const std::string& datagram);

  // ---- behaviour ------------------------------------------------------------------------------
  bool answering = true;                               ///< false: a dead gateway
  std::set<std::string> codecs{"PCMA", "PCMU", "G729"};
  std::vector<std::string> endpoints;                  ///< listed in a wildcard audit
  /// Answers a command instead of the default behaviour when it returns a code.
  std::function<std::optional<mgcp::return_code>(const mgcp::command&)> override_answer;
  /// Answers a command with this exact text when it returns one (malformed answers).
  std::function<std::optional<std::string>(const mgcp::command&)> raw_answer;

  // ---- what it saw ----------------------------------------------------------------------------
  struct connection {
    std::string endpoint;
    std::string call_id;
    mgcp::connection_mode_kind mode = mgcp::connection_mode_kind::inactive;
    std::string codec;
    bool has_remote = false;
  };
  std::vector<mgcp::command> commands;             ///< every new command (retransmissions not repeated)
  std::map<std::string, connection> connections;   ///< live connections by id
  std::vector<mgcp::response> responses;           ///< answers to its own RSIP/NTFY/DLCX

  /// Commands of one verb (optionally on one endpoint local name).
  [[nodiscard]] std::vector<mgcp::command> sent(mgcp::verb v, const std::string& endpoint = "") const;
  [[nodiscard]] std::size_t count(mgcp::verb v) const { return sent(v).size(); }

  // ---- commands to the call agent -------------------------------------------------------------
  void send_rsip(const std::string& local, mgcp::restart_method_kind method, std::optional<unsigned> delay_s = {});
  void send_dlcx(const std::string& connection_id, std::uint16_t reason);
  void send_ntfy(const std::string& local, const std::string& event);

  /// The P: statistics every DLCX answer carries.
  static mgcp::connection_parameters stats();

 private:
  mgcp::response answer(const mgcp::command& c);
  std::string sdp(const std::string& codec, unsigned port) const;
  void send_command(mgcp::command c);

  std::string domain_;
  sender send_;
  std::map<std::uint32_t, std::string> answered_;  // transaction id -> response text (replayed)
  unsigned next_connection_ = 1;
  std::uint32_t next_transaction_ = 5000;
};

}  // namespace tandem::callagent::test
