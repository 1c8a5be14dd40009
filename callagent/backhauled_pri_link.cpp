#include "callagent/backhauled_pri_link.hpp"

#include <array>

#include "common/log.hpp"

namespace tandem::callagent {

namespace {
std::shared_ptr<spdlog::logger> link_log() {
  static auto logger = log::get("q931");
  return logger;
}
}  // namespace

backhauled_pri_link::backhauled_pri_link(std::string name, isdn::switch_type kind, timer_service& timers)
    : name_(std::move(name)), kind_(kind), timers_(timers) {}

backhauled_pri_link::~backhauled_pri_link() {
  if (libpri_timer_) timers_.cancel(*libpri_timer_);
  if (deliver_timer_) timers_.cancel(*deliver_timer_);
}

expected<std::unique_ptr<backhauled_pri_link>, std::string> backhauled_pri_link::create(
    std::string name, isdn::switch_type kind, timer_service& timers) {
  std::unique_ptr<backhauled_pri_link> link(new backhauled_pri_link(std::move(name), kind, timers));
  // Fail early (at start-up) when libpri cannot be set up at all.
  if (auto probe = isdn::pri_adapter::create(isdn::interface_side::user, kind, link->name_, {}); !probe)
    return make_unexpected(probe.error());
  return link;
}

void backhauled_pri_link::on_adapter_event(const isdn::link_event& e) { pending_.push_back(e); }

void backhauled_pri_link::settle(bool inside_request) {
  if (!adapter_) return;
  flush_outgoing();
  rearm_timer();
  if (pending_.empty()) return;
  if (!inside_request) return deliver_pending();
  schedule_delivery();
}

void backhauled_pri_link::schedule_delivery() {
  if (!deliver_timer_)
    deliver_timer_ = timers_.schedule_after(duration::zero(), [this] {
      deliver_timer_.reset();
      deliver_pending();
    });
}

void backhauled_pri_link::deliver_pending() {
  // Handlers may call back into the link, which may raise more events: drain until quiet.
  while (!pending_.empty()) {
    auto e = std::move(pending_.front());
    pending_.pop_front();
    dispatch(e);
  }
  if (!adapter_) return;
  flush_outgoing();
  rearm_timer();
}

void backhauled_pri_link::dispatch(const isdn::link_event& e) {
  const q931_call_ref ref{e.call.value()};
  switch (e.kind) {
    case isdn::event_kind::link_up:
      link_log()->info("{}: D-channel up", name_);
      if (handler_) handler_->on_link_up();
      return;
    case isdn::event_kind::link_down: {
      link_log()->warn("{}: D-channel down, {} call(s) dropped", name_, channels_.size());
      // q931_handler::on_link_down: the link drops every call reference itself, so the
      // releases drop_all_calls() raises are not reported one by one.
      for (const auto& [h, ch] : channels_) freed_.insert(h);
      adapter_->drop_all_calls(cause::network_out_of_order);
      if (handler_) handler_->on_link_down();
      return;
    }
    case isdn::event_kind::setup: {
      channels_[e.call.value()] = e.channel;
      q931_setup s;
      s.ref = ref;
      s.channel = e.channel;
      s.exclusive = e.exclusive;
      s.called = e.called;
      s.calling = e.calling;
      if (handler_) handler_->on_setup(s);
      return;
    }
    case isdn::event_kind::proceeding:
      if (e.channel != 0) channels_[e.call.value()] = e.channel;
      if (handler_) handler_->on_proceeding(ref, e.channel);
      return;
    case isdn::event_kind::alerting:
      if (handler_) handler_->on_alerting(ref);
      return;
    case isdn::event_kind::progress:
      if (handler_) handler_->on_progress(ref);
      return;
    case isdn::event_kind::connect:
      if (handler_) handler_->on_connect(ref);
      return;
    case isdn::event_kind::disconnect:
      if (handler_) handler_->on_disconnect(ref, e.clearing_cause);
      return;
    case isdn::event_kind::released: {
      channels_.erase(e.call.value());
      if (freed_.erase(e.call.value()) > 0) return;
      if (handler_) handler_->on_release(ref, e.clearing_cause);
      return;
    }
  }
}

void backhauled_pri_link::flush_outgoing() {
  std::array<std::uint8_t, isdn::pri_adapter::max_frame> buf{};
  for (;;) {
    std::size_t n = adapter_->take_outgoing(buf);
    if (n == 0) return;
    if (!send_) {
      ++frames_dropped_;
      continue;
    }
    ++frames_out_;
    send_(std::span<const std::uint8_t>(buf.data(), n));
  }
}

void backhauled_pri_link::rearm_timer() {
  if (libpri_timer_) timers_.cancel(*libpri_timer_);
  libpri_timer_.reset();
  auto next = adapter_->next_timer();
  if (!next) return;
  libpri_timer_ = timers_.schedule_after(*next, [this] {
    libpri_timer_.reset();
    adapter_->on_timer();
    settle(false);
  });
}

void backhauled_pri_link::attach(frame_sender send, const void* owner) {
  if (adapter_) detach();
  // A fresh libpri controller per connection: its first SABME (Q.921 §5.5.1) goes out at
  // once through the new connection instead of waiting for T200 on a stale one.
  auto adapter = isdn::pri_adapter::create(isdn::interface_side::user, kind_, name_,
                                           [this](const isdn::link_event& e) { on_adapter_event(e); });
  if (!adapter) {
    link_log()->error("{}: libpri: {}", name_, adapter.error());
    return;
  }
  adapter_ = std::move(*adapter);
  send_ = std::move(send);
  owner_ = owner;
  link_log()->info("{}: backhaul attached, starting the data link", name_);
  settle(false);
}

void backhauled_pri_link::detach() {
  send_ = nullptr;
  owner_ = nullptr;
  if (!adapter_) return;
  const bool was_up = adapter_->link_up();
  link_log()->warn("{}: backhaul detached, {} call(s) dropped", name_, channels_.size());
  if (libpri_timer_) timers_.cancel(*libpri_timer_);
  libpri_timer_.reset();
  adapter_.reset();
  // Nothing libpri raised is meaningful any more: every call reference is gone with it.
  pending_.clear();
  channels_.clear();
  freed_.clear();
  if (was_up && handler_) handler_->on_link_down();
}

bool backhauled_pri_link::on_frame(std::span<const std::uint8_t> payload) {
  if (!adapter_) {
    ++frames_dropped_;
    return false;
  }
  if (!adapter_->deliver_incoming(payload)) {
    link_log()->warn("{}: D-channel frame of {} octets refused", name_, payload.size());
    return false;
  }
  ++frames_in_;
  // The socketpair is synchronous: libpri's end is readable now.
  adapter_->on_readable();
  settle(false);
  return true;
}

unsigned backhauled_pri_link::channel_of(q931_call_ref ref) const {
  auto it = channels_.find(ref.value());
  return it == channels_.end() ? 0u : it->second;
}

void backhauled_pri_link::log_refusal(std::string_view what, q931_call_ref ref, const std::string& why) {
  link_log()->warn("{}: {} for call {} not sent: {}", name_, what, ref.value(), why);
}

q931_call_ref backhauled_pri_link::setup(const q931_setup_request& request) {
  auto h = adapter_ ? adapter_->setup(request.channel, true, request.called, request.calling)
                    : expected<isdn::call_handle, std::string>(make_unexpected(std::string("no backhaul")));
  if (!h) {
    // Q.931 §5.1: the call cannot be placed; the call agent hears a release, as if the
    // network had refused it, from a timer (never from inside this call).
    q931_call_ref ref{next_refused_++};
    log_refusal("SETUP", ref, h.error());
    isdn::link_event e;
    e.kind = isdn::event_kind::released;
    e.call = isdn::call_handle{ref.value()};
    e.clearing_cause = cause::temporary_failure;
    pending_.push_back(e);
    schedule_delivery();
    return ref;
  }
  channels_[h->value()] = request.channel;
  settle(true);
  return q931_call_ref{h->value()};
}

void backhauled_pri_link::proceeding(q931_call_ref ref, unsigned channel) {
  if (channel != 0) channels_[ref.value()] = channel;
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->proceeding(isdn::call_handle{ref.value()}, channel_of(ref)); !r)
    log_refusal("CALL PROCEEDING", ref, r.error());
  settle(true);
}

void backhauled_pri_link::alerting(q931_call_ref ref) {
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->alerting(isdn::call_handle{ref.value()}, channel_of(ref)); !r)
    log_refusal("ALERTING", ref, r.error());
  settle(true);
}

void backhauled_pri_link::progress(q931_call_ref ref) {
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->progress(isdn::call_handle{ref.value()}, channel_of(ref)); !r)
    log_refusal("PROGRESS", ref, r.error());
  settle(true);
}

void backhauled_pri_link::connect(q931_call_ref ref) {
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->answer(isdn::call_handle{ref.value()}, channel_of(ref)); !r)
    log_refusal("CONNECT", ref, r.error());
  settle(true);
}

void backhauled_pri_link::disconnect(q931_call_ref ref, cause why) {
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->hangup(isdn::call_handle{ref.value()}, why); !r) log_refusal("DISCONNECT", ref, r.error());
  settle(true);
}

void backhauled_pri_link::release(q931_call_ref ref, cause why) {
  // The reference is free for the call agent now (q931_link::release); libpri completes the
  // clearing (RELEASE, then RELEASE COMPLETE) on its own.
  if (!adapter_) return log_refusal(__func__, ref, "no backhaul");
  if (auto r = adapter_->hangup(isdn::call_handle{ref.value()}, why); !r) {
    log_refusal("RELEASE", ref, r.error());
  } else {
    freed_.insert(ref.value());
  }
  settle(true);
}

}  // namespace tandem::callagent
