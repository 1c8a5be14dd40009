#pragma once
/// The socket side of a sim span: one Unix SOCK_SEQPACKET connection to the peer, created by
/// listening or by connecting (with retries), non-blocking. Message boundaries come from the
/// socket type; a vanished peer shows as end of stream.
///
/// Threads: owned and used by the span's clock thread only.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tandem::tdm {

class seqpacket_link {
 public:
  enum class role { listen, connect };
  enum class state { idle, listening, connected };  ///< idle: connect role, not connected

  seqpacket_link(std::string path, role r);
  ~seqpacket_link();
  seqpacket_link(const seqpacket_link&) = delete;
  seqpacket_link& operator=(const seqpacket_link&) = delete;

  /// Listen role: binds and listens (unlinking a stale socket file). Returns an error text.
  [[nodiscard]] std::string open();
  /// Connect role: one non-blocking connection attempt. True when connected.
  bool try_connect();

  enum class accept_result { none, accepted, rejected_busy };
  /// Listen role, listener readable: takes the pending peer, or refuses it while one is active.
  accept_result accept_pending();

  enum class recv_status { message, would_block, closed, oversized };
  struct recv_result {
    recv_status status = recv_status::would_block;
    std::size_t size = 0;  ///< bytes in the buffer (message), or the true length (oversized)
  };
  /// Receives one message into `buffer`.
  recv_result receive(std::span<std::uint8_t> buffer);

  enum class send_status { sent, would_block, closed };
  send_status send(std::span<const std::uint8_t> message);

  /// Drops the current connection (the listener keeps listening).
  void close_connection();
  /// Drops the connection and the listener (unlinking the socket file); open() starts again.
  void close();

  [[nodiscard]] bool connected() const { return conn_fd_ >= 0; }
  [[nodiscard]] int listen_fd() const { return listen_fd_; }
  [[nodiscard]] int connection_fd() const { return conn_fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  role role_;
  int listen_fd_ = -1;
  int conn_fd_ = -1;
};

}  // namespace tandem::tdm
