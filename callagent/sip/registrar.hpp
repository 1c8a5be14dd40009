#pragma once
/// The registrar's state: users from the config, the nonces handed out in digest challenges
/// and the bindings of registered users (RFC 3261 §10.3). Plain values with injected time, no
/// Sofia type: the Sofia adapter parses REGISTER and checks the digest, this keeps the table.
///
/// Threads: owned by the SIP adapter's thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "callagent/ca_config.hpp"

namespace tandem::callagent::sip {

class registrar {
 public:
  using clock = std::chrono::steady_clock;

  registrar(const sip_config& config, std::uint64_t seed);

  /// A fresh nonce for a WWW-Authenticate challenge (RFC 3261 §22.4), valid `nonce_life`.
  std::string new_nonce(clock::time_point now);
  /// True when `nonce` was handed out by us and has not expired (else: stale, challenge again).
  [[nodiscard]] bool nonce_valid(const std::string& nonce, clock::time_point now) const;

  /// The password of a configured user, or nullptr.
  [[nodiscard]] const std::string* password_of(const std::string& user) const;
  [[nodiscard]] const std::string& realm() const { return realm_; }

  /// RFC 3261 §10.3 step 7: adds or refreshes `contact` for `user` (expires cut to the
  /// configured maximum); `seconds` 0 removes it. Returns the expiry granted.
  std::chrono::seconds bind(const std::string& user, const std::string& contact, std::chrono::seconds seconds,
                            clock::time_point now);
  /// Removes every binding of `user` (Contact: * with Expires: 0).
  void unbind_all(const std::string& user);
  /// The most recently refreshed live contact of `user`.
  [[nodiscard]] std::optional<std::string> contact_of(const std::string& user, clock::time_point now) const;
  [[nodiscard]] std::size_t bindings(clock::time_point now) const;

  static constexpr std::chrono::seconds nonce_life{300};

 private:
  struct binding {
    std::string contact;
    clock::time_point expires;
    clock::time_point refreshed;
  };

  std::string realm_;
  std::chrono::seconds max_expires_;
  std::map<std::string, std::string> passwords_;
  std::map<std::string, clock::time_point> nonces_;  ///< nonce -> expiry
  std::map<std::string, std::vector<binding>> bindings_;
  std::mt19937_64 random_;
};

}  // namespace tandem::callagent::sip
