/// REGISTER handling (sofia_register.hpp): RFC 3261 §10.3 registrar steps with digest
/// authentication (§22.4, RFC 2617) over the plain registrar and digest code.
#include "callagent/sip/sofia_register.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/url.h>

#include "callagent/sip/digest.hpp"

namespace tandem::callagent::sip {

namespace {

std::string text_of(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

std::string url_text(const url_t* url) {
  char buffer[512];
  const auto n = url_e(buffer, sizeof buffer, url);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return {};
  return std::string(buffer, static_cast<std::size_t>(n));
}

void challenge(nua_t* nua, nua_handle_t* nh, registrar& reg, bool stale) {
  const std::string header =
      fmt::format("Digest realm=\"{}\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"{}", reg.realm(),
                  reg.new_nonce(registrar::clock::now()), stale ? ", stale=TRUE" : "");
  nua_respond(nh, SIP_401_UNAUTHORIZED, NUTAG_WITH_THIS(nua), SIPTAG_WWW_AUTHENTICATE_STR(header.c_str()),
              TAG_END());
}

}  // namespace

void answer_register(nua_t* nua, nua_handle_t* nh, const sip_t* sip, registrar& reg, spdlog::logger& log) {
  const auto now = registrar::clock::now();
  const sip_authorization_t* auth = sip->sip_authorization;
  if (auth == nullptr || auth->au_scheme == nullptr || strcasecmp(auth->au_scheme, "Digest") != 0)
    return challenge(nua, nh, reg, false);
  std::vector<std::string> params;
  for (msg_param_t const* p = auth->au_params; p != nullptr && *p != nullptr; ++p) params.emplace_back(*p);
  auto creds = parse_digest(params);
  if (!creds) {
    log.info("REGISTER: malformed Authorization");
    return nua_respond(nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS(nua), TAG_END());
  }
  if (creds->realm != reg.realm()) return challenge(nua, nh, reg, false);
  if (!reg.nonce_valid(creds->nonce, now)) return challenge(nua, nh, reg, true);
  const std::string* password = reg.password_of(creds->username);
  if (password == nullptr || !digest_matches(*creds, *password, "REGISTER")) {
    log.info("REGISTER: bad credentials for user {}", creds->username);
    return nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(nua), TAG_END());
  }
  // §10.3 step 6: the authenticated user may only bind its own address of record.
  const std::string aor_user = sip->sip_to != nullptr ? text_of(sip->sip_to->a_url->url_user) : std::string();
  if (aor_user != creds->username) {
    log.info("REGISTER: user {} may not register {}", creds->username, aor_user);
    return nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(nua), TAG_END());
  }
  const long default_expires = sip->sip_expires != nullptr ? static_cast<long>(sip->sip_expires->ex_delta) : 3600;
  std::string granted_list;
  for (const sip_contact_t* m = sip->sip_contact; m != nullptr; m = m->m_next) {
    if (m->m_url->url_type == url_any) {
      // Contact: * with Expires: 0 removes every binding (§10.2.2).
      if (default_expires != 0 || sip->sip_contact->m_next != nullptr)
        return nua_respond(nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS(nua), TAG_END());
      reg.unbind_all(aor_user);
      break;
    }
    const long asked = m->m_expires != nullptr ? std::atol(m->m_expires) : default_expires;
    const std::string contact = url_text(m->m_url);
    if (contact.empty()) continue;
    const auto granted = reg.bind(aor_user, contact, std::chrono::seconds(asked < 0 ? 0 : asked), now);
    log.info("REGISTER: {} at {} for {} s", aor_user, contact, granted.count());
    if (granted.count() > 0) {
      if (!granted_list.empty()) granted_list += ", ";
      granted_list += fmt::format("<{}>;expires={}", contact, granted.count());
    }
  }
  if (granted_list.empty()) return nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), TAG_END());
  nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), SIPTAG_CONTACT_STR(granted_list.c_str()), TAG_END());
}

}  // namespace tandem::callagent::sip
