#include "callagent/sip/digest.hpp"

#include <algorithm>
#include <cctype>

#include <sofia-sip/su_md5.h>

namespace tandem::callagent::sip {

namespace {

std::string md5_hex(std::string_view text) {
  su_md5_t ctx;
  su_md5_init(&ctx);
  su_md5_update(&ctx, text.data(), text.size());
  char hex[33];
  su_md5_hexdigest(&ctx, hex);
  return std::string(hex, 32);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

}  // namespace

std::optional<digest_credentials> parse_digest(const std::vector<std::string>& params) {
  digest_credentials c;
  for (const std::string& p : params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = lower(std::string_view(p).substr(0, eq));
    std::string value = p.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (name == "username") c.username = value;
    else if (name == "realm") c.realm = value;
    else if (name == "nonce") c.nonce = value;
    else if (name == "uri") c.uri = value;
    else if (name == "response") c.response = lower(value);
    else if (name == "algorithm") c.algorithm = value;
    else if (name == "qop") c.qop = value;
    else if (name == "nc") c.nc = value;
    else if (name == "cnonce") c.cnonce = value;
  }
  if (c.username.empty() || c.realm.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty())
    return std::nullopt;
  if (!c.qop.empty() && (c.nc.empty() || c.cnonce.empty())) return std::nullopt;
  return c;
}

std::string digest_response(const digest_credentials& c, std::string_view password, std::string_view method) {
  const std::string ha1 = md5_hex(c.username + ":" + c.realm + ":" + std::string(password));
  const std::string ha2 = md5_hex(std::string(method) + ":" + c.uri);
  if (c.qop.empty()) return md5_hex(ha1 + ":" + c.nonce + ":" + ha2);
  return md5_hex(ha1 + ":" + c.nonce + ":" + c.nc + ":" + c.cnonce + ":" + c.qop + ":" + ha2);
}

bool digest_matches(const digest_credentials& c, std::string_view password, std::string_view method) {
  if (!c.algorithm.empty() && lower(c.algorithm) != "md5") return false;
  if (!c.qop.empty() && lower(c.qop) != "auth") return false;
  return digest_response(c, password, method) == c.response;
}

}  // namespace tandem::callagent::sip
