#pragma once
/// The call agent's end of one gateway backhaul connection (docs/backhaul.md), sans-I/O:
/// bytes from the TCP stream in, bytes to write out through a sender. The first message must
/// be the gateway's hello: its name picks the configured gateway, and each span it lists that
/// has a PRI link here is attached to this connection. D-channel frames then go to their
/// span's link; keep-alive requests are answered; span statuses are logged.
///
/// Writes are coalesced per burst: everything the session and its links send while handling
/// one on_bytes() (acknowledgements, answers, the call agent's reactions to the events the
/// frames raised) leaves in one call of the sender, in order, instead of one per frame. A
/// frame sent outside on_bytes() (a SETUP the call agent places, a libpri timer) goes at once.
///
/// Threads: the control-plane thread (the io_context running the connection).
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "callagent/backhauled_pri_link.hpp"
#include "common/counters.hpp"
#include "proto/backhaul/codec.hpp"

namespace tandem::callagent {

/// The PRI links the call agent runs, by gateway domain (as in the hello) and span number.
using pri_link_map = std::map<std::pair<std::string, unsigned>, backhauled_pri_link*>;

class backhaul_session {
 public:
  /// Writes encoded bytes to the connection.
  using byte_sender = std::function<void(std::span<const std::uint8_t>)>;

  /// `peer` names the connection in logs ("127.0.0.1:40112").
  backhaul_session(std::string peer, const pri_link_map& links, byte_sender send, counter_set& counters);
  /// Detaches every link this session attached.
  ~backhaul_session();
  backhaul_session(const backhaul_session&) = delete;
  backhaul_session& operator=(const backhaul_session&) = delete;

  /// Bytes read from the connection. False when the stream is bad (undecodable, no hello
  /// first, an unknown gateway): the caller closes the connection.
  bool on_bytes(std::span<const std::uint8_t> bytes);

  /// The gateway named by the hello; empty before it.
  [[nodiscard]] const std::string& gateway() const { return gateway_; }
  [[nodiscard]] std::size_t attached_spans() const { return attached_.size(); }

 private:
  bool on_message(const backhaul::message& m);
  bool on_hello(const backhaul::hello& h);
  void send(const backhaul::message& m);
  /// Hands what the burst gathered to the sender in one call.
  void flush();
  void detach_all();

  std::string peer_;
  const pri_link_map& links_;
  byte_sender send_;
  counter_set& counters_;
  backhaul::frame_reader reader_;
  std::string gateway_;
  std::map<unsigned, backhauled_pri_link*> attached_;
  /// Encoded messages waiting for the end of the burst (only while `in_burst_`).
  std::vector<std::uint8_t> out_;
  bool in_burst_ = false;
};

}  // namespace tandem::callagent
