#pragma once
/// REGISTER handling of the Sofia adapter (RFC 3261 §10.3, digest per §22.4). Internal to
/// callagent/sip/: this header includes Sofia's.
#include <sofia-sip/nua.h>
#include <sofia-sip/sip.h>
#include <spdlog/spdlog.h>

#include "callagent/sip/registrar.hpp"

namespace tandem::callagent::sip {

/// Answers one REGISTER from inside nua's callback: 401 with a digest challenge (stale=TRUE for
/// an expired nonce), 400 for malformed credentials or a bad `Contact: *`, 403 for a wrong
/// password or another user's address of record, else 200 with the bindings granted.
void answer_register(nua_t* nua, nua_handle_t* nh, const sip_t* sip, registrar& reg, spdlog::logger& log);

}  // namespace tandem::callagent::sip
