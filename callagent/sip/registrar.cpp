#include "callagent/sip/registrar.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tandem::callagent::sip {

registrar::registrar(const sip_config& config, std::uint64_t seed)
    : realm_(config.realm), max_expires_(config.max_expires), random_(seed) {
  for (const auto& u : config.users) passwords_[u.name] = u.password;
}

std::string registrar::new_nonce(clock::time_point now) {
  // Expired nonces go first; the table stays bounded even under a flood of unauthenticated
  // REGISTERs (the oldest are dropped: their clients are challenged again).
  std::erase_if(nonces_, [now](const auto& n) { return n.second <= now; });
  while (nonces_.size() >= 4096) {
    auto oldest = std::min_element(nonces_.begin(), nonces_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    nonces_.erase(oldest);
  }
  std::string nonce = fmt::format("{:016x}{:016x}", random_(), random_());
  nonces_[nonce] = now + nonce_life;
  return nonce;
}

bool registrar::nonce_valid(const std::string& nonce, clock::time_point now) const {
  auto it = nonces_.find(nonce);
  return it != nonces_.end() && it->second > now;
}

const std::string* registrar::password_of(const std::string& user) const {
  auto it = passwords_.find(user);
  return it == passwords_.end() ? nullptr : &it->second;
}

std::chrono::seconds registrar::bind(const std::string& user, const std::string& contact, std::chrono::seconds seconds,
                                     clock::time_point now) {
  auto& list = bindings_[user];
  std::erase_if(list, [&](const binding& b) { return b.contact == contact || b.expires <= now; });
  if (seconds.count() <= 0) return std::chrono::seconds{0};
  const auto granted = std::min(seconds, max_expires_);
  list.push_back(binding{contact, now + granted, now});
  return granted;
}

void registrar::unbind_all(const std::string& user) { bindings_.erase(user); }

std::optional<std::string> registrar::contact_of(const std::string& user, clock::time_point now) const {
  auto it = bindings_.find(user);
  if (it == bindings_.end()) return std::nullopt;
  const binding* best = nullptr;
  for (const auto& b : it->second)
    if (b.expires > now && (best == nullptr || b.refreshed >= best->refreshed)) best = &b;
  if (best == nullptr) return std::nullopt;
  return best->contact;
}

std::size_t registrar::bindings(clock::time_point now) const {
  std::size_t n = 0;
  for (const auto& [user, list] : bindings_)
    n += static_cast<std::size_t>(std::count_if(list.begin(), list.end(), [now](const binding& b) { return b.expires > now; }));
  return n;
}

}  // namespace tandem::callagent::sip
