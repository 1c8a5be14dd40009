#pragma once
/// HTTP digest authentication as SIP uses it (RFC 3261 §22.4, RFC 2617 §3.2.2): the fields of
/// an Authorization header and the response they must carry. MD5 only, qop "auth" or none.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::callagent::sip {

struct digest_credentials {
  std::string username, realm, nonce, uri, response, algorithm, qop, nc, cnonce;
};

/// Fields from the header's parameters ("name=value" or name="value", as Sofia lists them).
/// nullopt when a required one (username, realm, nonce, uri, response) is missing, or qop is
/// given without nc and cnonce.
[[nodiscard]] std::optional<digest_credentials> parse_digest(const std::vector<std::string>& params);

/// The request-digest (RFC 2617 §3.2.2.1) for `password` and `method`, lower-case hex.
[[nodiscard]] std::string digest_response(const digest_credentials& c, std::string_view password,
                                          std::string_view method);

/// True when `c.response` is the right one (algorithm MD5 or absent, qop auth or absent).
[[nodiscard]] bool digest_matches(const digest_credentials& c, std::string_view password, std::string_view method);

}  // namespace tandem::callagent::sip
