/// The one translation unit that includes Sofia-SIP's nua (see sofia_stack.hpp, docs/sip.md).
///
/// Threads: `impl::run` owns the su_root, the nua (whose stack task runs on that same root and
/// thread: threading is off) and every table below (dialogs, probes, registrar); the control thread only reaches them through `to_sofia` (a locked queue and an
/// eventfd the su_root watches). Events go back through `to_control`.
///
/// Dialog state (one per INVITE, either direction):
///   incoming: received --18x sent--> early --200 sent--> answered --ACK--> confirmed
///   outgoing: calling  --18x-->      early --200-->      confirmed (ACK sent by nua)
///   any --we hang up--> ending;  any --BYE/CANCEL/final error/terminated--> (erased)
#include "callagent/sip/sofia_stack.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/url.h>

#include "callagent/sip/registrar.hpp"
#include "callagent/sip/sofia_register.hpp"
#include "callagent/sip_cause.hpp"
#include "common/log.hpp"

namespace tandem::callagent::sip {

namespace {

enum class dialog_state { received, calling, early, answered, confirmed, ending };

struct dialog {
  nua_handle_t* nh = nullptr;
  bool incoming = false;
  dialog_state state = dialog_state::calling;
  std::string local_sdp;  ///< the last SDP we sent (offer or answer), for re-INVITEs
};

struct peer_probe {
  const sip_peer_config* peer = nullptr;
  nua_handle_t* nh = nullptr;  ///< OPTIONS in flight
  bool up = true;
};

std::string text_of(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

/// The SDP body of a message, or "" (no body, or not application/sdp). Lines end in LF, as
/// the MGCP side keeps them (its serializer writes the line ends of the wire).
std::string sdp_of(const sip_t* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_len == 0) return {};
  if (sip->sip_content_type != nullptr && sip->sip_content_type->c_type != nullptr &&
      strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0)
    return {};
  std::string out;
  const std::string_view body(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  for (std::size_t i = 0; i < body.size(); ++i)
    if (body[i] != '\r' || i + 1 >= body.size() || body[i + 1] != '\n') out += body[i];
  return out;
}

/// RFC 4566 §5: SDP lines end in CRLF on the SIP wire.
std::string wire_sdp(std::string_view sdp) {
  std::string out;
  for (std::size_t i = 0; i < sdp.size(); ++i) {
    if (sdp[i] == '\n' && (i == 0 || sdp[i - 1] != '\r')) out += '\r';
    out += sdp[i];
  }
  return out;
}

/// RFC 3326: the Q.850 cause of a Reason header, when there is one.
std::optional<cause> reason_cause(const sip_t* sip) {
  if (sip == nullptr) return std::nullopt;
  for (const sip_reason_t* r = sip->sip_reason; r != nullptr; r = r->re_next) {
    if (r->re_protocol == nullptr || strcasecmp(r->re_protocol, "Q.850") != 0 || r->re_cause == nullptr) continue;
    const int value = std::atoi(r->re_cause);
    if (value >= 1 && value <= 127) return cause{static_cast<std::uint8_t>(value)};
  }
  return std::nullopt;
}

std::string reason_header(cause why) {
  return fmt::format("Q.850;cause={};text=\"{}\"", to_int(why), to_string(why));
}


}  // namespace

struct sofia_stack::impl {
  impl(const sip_config& c, post_fn post) : config(c), to_control(std::move(post)), reg(c, std::random_device{}()) {}

  // ---- shared ---------------------------------------------------------------------------------
  sip_config config;
  post_fn to_control;
  sip_handler* handler = nullptr;  ///< control thread only
  std::atomic<std::uint64_t> next_ref{1};
  std::thread thread;
  int wake_fd = -1;
  std::mutex mutex;
  std::deque<std::function<void()>> inbox;
  std::shared_ptr<spdlog::logger> log = log::get("sip");

  // ---- Sofia thread only ----------------------------------------------------------------------
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  su_wait_t wait[1] = {};
  su_timer_t* options_timer = nullptr;
  su_timer_t* shutdown_timer = nullptr;
  bool shutdown_done = false;
  std::map<std::uint64_t, dialog> dialogs;
  std::map<nua_handle_t*, std::uint64_t> by_handle;
  std::vector<peer_probe> probes;
  registrar reg;

  /// Runs `f` on the Sofia thread.
  void to_sofia(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      inbox.push_back(std::move(f));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  }

  /// Runs `f(handler)` on the control thread, if a handler is still set then.
  template <class F>
  void report(F f) {
    to_control([this, f = std::move(f)]() mutable {
      if (handler != nullptr) f(*handler);
    });
  }

  // ---- thread --------------------------------------------------------------------------------
  void run(std::promise<std::string>& started) {
    su_init();
    root = su_root_create(this);
    if (root == nullptr) {
      started.set_value("su_root_create failed");
      su_deinit();
      return;
    }
    // P-Asserted-Identity (RFC 3325) is an extension header: parsed once the default message
    // class knows it.
    sip_update_default_mclass(sip_extend_mclass(nullptr));
    su_wait_create(wait, wake_fd, SU_WAIT_IN);
    su_root_register(root, wait, &impl::on_wake, this, 0);
    // nua's stack task (su_clone) runs in this thread, on this root, instead of a thread of its
    // own: a SIP event then reaches on_event by a call, not by a message and a socket wake-up
    // between two Sofia threads (Sofia's su_root_threading(); its own nua tests run this way).
    su_root_threading(root, 0);
    const std::string bind = fmt::format("sip:{}:{}", config.address, config.port);
    const std::string allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, REGISTER";
    nua = nua_create(root, &impl::on_event, this, NUTAG_URL(bind.c_str()), NUTAG_MEDIA_ENABLE(0),
                     NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0), NUTAG_EARLY_MEDIA(1),
                     NUTAG_APPL_METHOD("REGISTER"), NUTAG_ALLOW(allow.c_str()),
                     SIPTAG_USER_AGENT_STR("tandem-ca"),
                     // RFC 3261 §8.2 / §21.4.1: a request with any header that does not parse
                     // gets 400 (nta's default mask lets some through, e.g. Max-Forwards).
                     NTATAG_BAD_REQ_MASK(~0U), TAG_END());
    if (nua == nullptr) {
      started.set_value(fmt::format("cannot bind {} (UDP and TCP)", bind));
      su_root_unregister(root, wait, &impl::on_wake, this);
      su_root_destroy(root);
      su_deinit();
      return;
    }
    for (const auto& p : config.peers)
      if (p.keepalive) probes.push_back(peer_probe{&p});
    if (!probes.empty()) {
      options_timer = su_timer_create(su_root_task(root), static_cast<su_duration_t>(config.options_interval.count()));
      su_timer_run(options_timer, &impl::on_options_timer, this);
      send_probes();
    }
    log->info("listening on {} (udp, tcp)", bind);
    started.set_value("");
    su_root_run(root);
    if (options_timer != nullptr) su_timer_destroy(options_timer);
    if (shutdown_timer != nullptr) su_timer_destroy(shutdown_timer);
    // nua_destroy only after its shutdown completed (it asserts otherwise); on a timed-out
    // shutdown the process is exiting and the memory goes with it.
    if (shutdown_done) nua_destroy(nua);
    su_root_unregister(root, wait, &impl::on_wake, this);
    su_root_destroy(root);
    su_deinit();
  }

  void stop() {
    to_sofia([this] {
      shutdown_timer = su_timer_create(su_root_task(root), 3000);
      su_timer_set(shutdown_timer, [](su_root_magic_t* m, su_timer_t*, su_timer_arg_t*) {
        auto* self = static_cast<impl*>(m);
        self->log->warn("nua shutdown timed out");
        su_root_break(self->root);
      }, nullptr);
      nua_shutdown(nua);
    });
    thread.join();
  }

  static int on_wake(su_root_magic_t* magic, su_wait_t*, su_wakeup_arg_t*) {
    auto* self = static_cast<impl*>(magic);
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(self->wake_fd, &count, sizeof count);
    std::deque<std::function<void()>> work;
    {
      std::lock_guard<std::mutex> lock(self->mutex);
      work.swap(self->inbox);
    }
    for (auto& f : work) f();
    return 0;
  }

  static void on_options_timer(su_root_magic_t* magic, su_timer_t*, su_timer_arg_t*) {
    static_cast<impl*>(magic)->send_probes();
  }

  static void on_event(nua_event_t event, int status, char const* phrase, nua_t*, nua_magic_t* magic,
                       nua_handle_t* nh, nua_hmagic_t*, sip_t const* sip, tagi_t tags[]) {
    static_cast<impl*>(magic)->handle_event(event, status, phrase, nh, sip, tags);
  }

  // ---- URIs ----------------------------------------------------------------------------------
  std::string peer_uri(const sip_peer_config& p, const std::string& user) const {
    std::string uri = user.empty() ? fmt::format("sip:{}", p.host) : fmt::format("sip:{}@{}", user, p.host);
    if (p.port != 0) uri += fmt::format(":{}", p.port);
    if (p.transport == "tcp") uri += ";transport=tcp";
    return uri;
  }

  const sip_peer_config* find_peer(const std::string& name) const {
    for (const auto& p : config.peers)
      if (p.name == name) return &p;
    return nullptr;
  }

  std::string our_uri(const std::string& user) const {
    return fmt::format("<sip:{}@{}:{}>", user.empty() ? "anonymous" : user, config.address, config.port);
  }

  // ---- dialogs -------------------------------------------------------------------------------
  dialog* find(std::uint64_t ref) {
    auto it = dialogs.find(ref);
    return it == dialogs.end() ? nullptr : &it->second;
  }

  std::uint64_t ref_of(nua_handle_t* nh) const {
    auto it = by_handle.find(nh);
    return it == by_handle.end() ? 0 : it->second;
  }

  /// The dialog is over for the call agent: forget it (the handle lives until nua says
  /// terminated).
  void forget(std::uint64_t ref) {
    if (dialog* d = find(ref)) d->state = dialog_state::ending;
  }

  void start_invite(std::uint64_t ref, const sip_destination& to, const std::string& called,
                    const std::string& calling, const std::string& offer) {
    std::string uri;
    std::string to_header;
    if (to.type == sip_destination::kind::peer) {
      const sip_peer_config* p = find_peer(to.name);
      if (p != nullptr) {
        uri = peer_uri(*p, called);
        to_header = fmt::format("<sip:{}@{}>", called, p->host);
      }
    } else if (auto contact = reg.contact_of(to.name, registrar::clock::now())) {
      uri = *contact;
      to_header = fmt::format("<sip:{}@{}>", to.name, config.address);
    }
    if (uri.empty()) {
      // RFC 3261 §10.3: nobody registered under that name: 480 Temporarily Unavailable.
      log->info("INVITE to {} {}: {}", to.type == sip_destination::kind::peer ? "peer" : "user", to.name,
                to.type == sip_destination::kind::peer ? "unknown peer" : "not registered");
      const sip_dialog_ref r{ref};
      report([r](sip_handler& h) { h.on_failure(r, 480, cause_for_sip_status(480)); });
      return;
    }
    nua_handle_t* nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(to_header.c_str()), TAG_END());
    dialogs[ref] = dialog{nh, false, dialog_state::calling, offer};
    by_handle[nh] = ref;
    log->info("INVITE {} ({} -> {})", uri, calling, called);
    nua_invite(nh, NUTAG_URL(uri.c_str()), SIPTAG_FROM_STR(our_uri(calling).c_str()),
               SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(wire_sdp(offer).c_str()), TAG_END());
  }

  void send_provisional(std::uint64_t ref, int status, const std::optional<std::string>& sdp) {
    dialog* d = find(ref);
    if (d == nullptr || !d->incoming || (d->state != dialog_state::received && d->state != dialog_state::early)) return;
    d->state = dialog_state::early;
    if (sdp && !sdp->empty()) {
      d->local_sdp = *sdp;
      nua_respond(d->nh, status, sip_status_phrase(status), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                  SIPTAG_PAYLOAD_STR(wire_sdp(*sdp).c_str()), TAG_END());
    } else {
      nua_respond(d->nh, status, sip_status_phrase(status), TAG_END());
    }
  }

  void send_answer(std::uint64_t ref, const std::string& sdp) {
    dialog* d = find(ref);
    if (d == nullptr || !d->incoming || (d->state != dialog_state::received && d->state != dialog_state::early)) return;
    d->state = dialog_state::answered;
    d->local_sdp = sdp;
    nua_respond(d->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(wire_sdp(sdp).c_str()), TAG_END());
  }

  void end_dialog(std::uint64_t ref, cause why) {
    dialog* d = find(ref);
    if (d == nullptr || d->state == dialog_state::ending) return;
    const std::string reason = reason_header(why);
    const dialog_state was = d->state;
    d->state = dialog_state::ending;
    if (d->incoming && (was == dialog_state::received || was == dialog_state::early)) {
      // RFC 3398 §8.2.6.1; 16 before an answer has no entry: 480 (nobody took the call).
      const int status = sip_status_for(why).value_or(480);
      nua_respond(d->nh, status, sip_status_phrase(status), SIPTAG_REASON_STR(reason.c_str()), TAG_END());
    } else if (!d->incoming && (was == dialog_state::calling || was == dialog_state::early)) {
      nua_cancel(d->nh, SIPTAG_REASON_STR(reason.c_str()), TAG_END());
    } else {
      nua_bye(d->nh, SIPTAG_REASON_STR(reason.c_str()), TAG_END());
    }
  }

  // ---- events --------------------------------------------------------------------------------
  void handle_event(nua_event_t event, int status, char const* phrase, nua_handle_t* nh, sip_t const* sip,
                    tagi_t tags[]) {
    switch (event) {
      case nua_i_invite: return incoming_invite(nh, sip);
      case nua_r_invite: return invite_response(nh, status, sip);
      case nua_i_cancel:
      case nua_i_bye: return remote_end(nh, sip, event == nua_i_cancel);
      case nua_i_ack: {
        if (dialog* d = find(ref_of(nh)); d != nullptr && d->state == dialog_state::answered)
          d->state = dialog_state::confirmed;
        return;
      }
      case nua_i_state: {
        int state = nua_callstate_init;
        tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
        if (state == nua_callstate_terminated) terminated(nh, status);
        return;
      }
      case nua_r_options: return probe_response(nh, status);
      case nua_i_register: return incoming_register(nh, sip);
      case nua_i_options:
        // Answered by nua (200 with Allow); the handle it made is ours to free.
        if (ref_of(nh) == 0) nua_handle_destroy(nh);
        return;
      case nua_r_shutdown:
        if (status >= 200) {
          shutdown_done = true;
          su_root_break(root);
        }
        return;
      case nua_i_error:
        log->warn("nua error {} {}", status, text_of(phrase));
        return;
      default:
        return;
    }
  }

  void incoming_invite(nua_handle_t* nh, sip_t const* sip) {
    if (dialog* d = find(ref_of(nh)); d != nullptr) {
      // A re-INVITE in a dialog we have (session refresh, hold): the media stays as it is, so
      // the answer is the SDP we last sent (RFC 3264 §8: an unchanged description).
      if (d->local_sdp.empty() || d->state == dialog_state::ending) {
        nua_respond(nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
      } else {
        nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                    SIPTAG_PAYLOAD_STR(wire_sdp(d->local_sdp).c_str()), TAG_END());
      }
      return;
    }
    const std::uint64_t ref = next_ref++;
    dialogs[ref] = dialog{nh, true, dialog_state::received, {}};
    by_handle[nh] = ref;
    sip_invite in;
    in.dialog = sip_dialog_ref{ref};
    if (sip->sip_request != nullptr) in.called = text_of(sip->sip_request->rq_url->url_user);
    if (sip->sip_from != nullptr) {
      in.calling = text_of(sip->sip_from->a_url->url_user);
      in.source = text_of(sip->sip_from->a_url->url_host);
    }
    // RFC 3325 §9.1: the asserted identity, when the peer gives one, is the calling number
    // (a tel: URI carries it in the host part).
    if (const sip_p_asserted_identity_t* pai = sip_p_asserted_identity(sip); pai != nullptr) {
      const url_t* u = pai->paid_url;
      const std::string user = u->url_type == url_tel ? text_of(u->url_host) : text_of(u->url_user);
      if (!user.empty()) in.calling = user;
    }
    in.offer = sdp_of(sip);
    report([in = std::move(in)](sip_handler& h) { h.on_invite(in); });
  }

  void invite_response(nua_handle_t* nh, int status, sip_t const* sip) {
    const std::uint64_t ref = ref_of(nh);
    dialog* d = find(ref);
    if (d == nullptr || d->state == dialog_state::ending || status < 180) return;
    const sip_dialog_ref r{ref};
    const std::string sdp = sdp_of(sip);
    if (status < 200) {
      d->state = dialog_state::early;
      std::optional<std::string> early;
      if (!sdp.empty()) early = sdp;
      report([r, status, early](sip_handler& h) { h.on_provisional(r, status, early); });
    } else if (status < 300) {
      d->state = dialog_state::confirmed;
      report([r, sdp](sip_handler& h) { h.on_answer(r, sdp); });
    } else {
      forget(ref);
      const cause why = reason_cause(sip).value_or(cause_for_sip_status(status));
      report([r, status, why](sip_handler& h) { h.on_failure(r, status, why); });
    }
  }

  void remote_end(nua_handle_t* nh, sip_t const* sip, bool cancelled) {
    const std::uint64_t ref = ref_of(nh);
    dialog* d = find(ref);
    if (d == nullptr || d->state == dialog_state::ending) return;
    forget(ref);
    const cause why = reason_cause(sip).value_or(cause::normal_clearing);
    log->info("{} received, cause {}", cancelled ? "CANCEL" : "BYE", to_int(why));
    const sip_dialog_ref r{ref};
    report([r, why](sip_handler& h) { h.on_hangup(r, why); });
  }

  void terminated(nua_handle_t* nh, int status) {
    const std::uint64_t ref = ref_of(nh);
    if (ref == 0) return;
    if (dialog* d = find(ref); d != nullptr && d->state != dialog_state::ending) {
      // Ended by nua itself (no ACK to our 200, a transport error): the call agent clears.
      const cause why = status == 408 ? cause::recovery_on_timer_expiry : cause::normal_clearing;
      const sip_dialog_ref r{ref};
      report([r, why](sip_handler& h) { h.on_hangup(r, why); });
    }
    dialogs.erase(ref);
    by_handle.erase(nh);
    nua_handle_destroy(nh);
  }

  // ---- OPTIONS keep-alive (RFC 3261 §11) -----------------------------------------------------
  void send_probes() {
    for (auto& p : probes) {
      if (p.nh != nullptr) continue;  // still waiting for the last one
      const std::string uri = peer_uri(*p.peer, "");
      p.nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(uri.c_str()), TAG_END());
      nua_options(p.nh, NUTAG_URL(uri.c_str()), TAG_END());
    }
  }

  void probe_response(nua_handle_t* nh, int status) {
    for (auto& p : probes) {
      if (p.nh != nh || status < 200) continue;
      nua_handle_destroy(nh);
      p.nh = nullptr;
      // Any response says the peer is there; 408 (no answer) and 503 (transport error,
      // RFC 3261 §8.1.3.1) say it is not.
      const bool up = status != 408 && status != 503;
      if (up != p.up) {
        p.up = up;
        log->info("peer {}: OPTIONS {} -> {}", p.peer->name, status, up ? "up" : "down");
        report([name = p.peer->name, up](sip_handler& h) { h.on_peer_state(name, up); });
      }
      return;
    }
  }

  // ---- registrar (sofia_register.cpp) -------------------------------------------------------
  void incoming_register(nua_handle_t* nh, sip_t const* sip) {
    answer_register(nua, nh, sip, reg, *log);
    nua_handle_destroy(nh);
  }
};

expected<std::unique_ptr<sofia_stack>, std::string> sofia_stack::start(const sip_config& config, post_fn to_control) {
  auto p = std::make_unique<impl>(config, std::move(to_control));
  p->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->wake_fd < 0) return make_unexpected(std::string("eventfd failed"));
  std::promise<std::string> started;
  auto result = started.get_future();
  impl* raw = p.get();
  p->thread = std::thread([raw, &started] { raw->run(started); });
  const std::string error = result.get();
  if (!error.empty()) {
    p->thread.join();
    ::close(p->wake_fd);
    return make_unexpected(error);
  }
  return std::unique_ptr<sofia_stack>(new sofia_stack(std::move(p)));
}

sofia_stack::sofia_stack(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

sofia_stack::~sofia_stack() {
  impl_->handler = nullptr;
  impl_->stop();
  ::close(impl_->wake_fd);
}

void sofia_stack::set_handler(sip_handler* handler) { impl_->handler = handler; }

sip_dialog_ref sofia_stack::invite(const sip_destination& to, const std::string& called, const std::string& calling,
                                   const std::string& offer) {
  const std::uint64_t ref = impl_->next_ref++;
  impl_->to_sofia([p = impl_.get(), ref, to, called, calling, offer] { p->start_invite(ref, to, called, calling, offer); });
  return sip_dialog_ref{ref};
}

void sofia_stack::provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) {
  impl_->to_sofia([p = impl_.get(), ref = dialog.value(), status, sdp] { p->send_provisional(ref, status, sdp); });
}

void sofia_stack::answer(sip_dialog_ref dialog, const std::string& sdp) {
  impl_->to_sofia([p = impl_.get(), ref = dialog.value(), sdp] { p->send_answer(ref, sdp); });
}

void sofia_stack::hangup(sip_dialog_ref dialog, cause why) {
  impl_->to_sofia([p = impl_.get(), ref = dialog.value(), why] { p->end_dialog(ref, why); });
}

}  // namespace tandem::callagent::sip
