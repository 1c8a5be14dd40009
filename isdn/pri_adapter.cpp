#include "isdn/pri_adapter.hpp"

#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "common/log.hpp"
#include "isdn/libpri.hpp"

namespace tandem::isdn {

namespace {

/// libpri's FCS: two octets after the payload it writes and expects on what it reads.
constexpr std::size_t fcs_size = 2;
/// Frames waiting in either direction before deliver_incoming() (or libpri's write) is refused.
constexpr std::size_t max_queued_frames = 1024;
/// Events handled per on_readable()/on_timer() call, so a flood cannot starve the loop.
constexpr int max_events_per_run = 64;

std::shared_ptr<spdlog::logger> q931_log() {
  static auto logger = tandem::log::get("q931");
  return logger;
}

void libpri_message(struct pri*, char* text) {
  std::string_view t(text);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
  q931_log()->info("libpri: {}", t);
}

void libpri_error(struct pri*, char* text) {
  std::string_view t(text);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
  q931_log()->warn("libpri: {}", t);
}

/// A FIFO of D-channel frames (FCS included), stored in fixed slots that are reused, so a
/// frame in flight costs a copy and no allocation once the queue has grown to its working size.
class frame_queue {
 public:
  static constexpr std::size_t slot_size = pri_adapter::max_frame + fcs_size;

  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] std::size_t size() const { return count_; }

  /// False when `max_queued_frames` are waiting or the frame is longer than a slot.
  bool push(std::span<const std::uint8_t> frame) {
    if (frame.size() > slot_size) return false;
    if (count_ == slots_.size() && !grow()) return false;
    slot& s = slots_[(head_ + count_) % slots_.size()];
    std::memcpy(s.bytes.data(), frame.data(), frame.size());
    s.length = frame.size();
    ++count_;
    return true;
  }

  /// Copies the oldest frame into `out` (truncated to its size) and drops it; its length.
  std::size_t pop(std::span<std::uint8_t> out) {
    const slot& s = slots_[head_];
    std::size_t n = std::min(s.length, out.size());
    std::memcpy(out.data(), s.bytes.data(), n);
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return n;
  }

 private:
  struct slot {
    std::size_t length = 0;
    std::array<std::uint8_t, slot_size> bytes{};
  };

  bool grow() {
    if (slots_.size() >= max_queued_frames) return false;
    std::vector<slot> bigger(std::clamp<std::size_t>(slots_.size() * 2, 4, max_queued_frames));
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = slots_[(head_ + i) % slots_.size()];
    slots_ = std::move(bigger);
    head_ = 0;
    return true;
  }

  std::vector<slot> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

/// Makes an eventfd readable (a watcher's poll wakes) or drains it (it stops being readable).
void raise_fd(int fd) {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
}
void clear_fd(int fd) {
  std::uint64_t value = 0;
  [[maybe_unused]] auto n = ::read(fd, &value, sizeof value);
}

/// Channel numbers in libpri events carry the span in bits 8-15 and flags above; -1: any.
unsigned channel_of(int encoded) { return encoded < 0 ? 0u : static_cast<unsigned>(encoded & 0xff); }

/// Who has started clearing the call (Q.931 §5.3): decides whether pri_hangup is still owed.
enum class clearing { none, local, remote };

/// Whether an incoming SETUP has been answered with anything yet.
enum class response { outgoing_call, none_yet, sent };

struct call_entry {
  q931_call* call = nullptr;
  response responded = response::outgoing_call;
  unsigned channel = 0;
  clearing state = clearing::none;
  cause first_cause = cause::normal_clearing;
};

/// Causes for which libpri 1.6 clears with RELEASE COMPLETE instead of DISCONNECT (its
/// q931_hangup): 1 unallocated number, 34 no circuit available, 44 requested channel not
/// available, 81 invalid call reference, 82 identified channel does not exist.
bool clears_with_release_complete(cause c) {
  switch (static_cast<int>(c)) {
    case 1: case 34: case 44: case 81: case 82: return true;
    default: return false;
  }
}

link_event make_event(event_kind k, std::uint32_t handle = 0, unsigned channel = 0) {
  link_event e;
  e.kind = k;
  e.call = call_handle{handle};
  e.channel = channel;
  return e;
}

}  // namespace

std::string_view to_string(interface_side s) {
  return s == interface_side::network ? "network" : "user";
}

std::string_view to_string(switch_type s) { return s == switch_type::ni2 ? "ni2" : "euroisdn_e1"; }

std::string_view to_string(event_kind k) {
  switch (k) {
    case event_kind::link_up: return "link_up";
    case event_kind::link_down: return "link_down";
    case event_kind::setup: return "setup";
    case event_kind::proceeding: return "proceeding";
    case event_kind::alerting: return "alerting";
    case event_kind::progress: return "progress";
    case event_kind::connect: return "connect";
    case event_kind::disconnect: return "disconnect";
    case event_kind::released: return "released";
  }
  return "?";
}

struct pri_adapter::impl {
  std::string name;
  event_callback on_event;
  struct pri* ctrl = nullptr;
  /// Frames from the far end for libpri's read callback; deliver_incoming() may run on
  /// another thread, so this queue and `incoming_fd` are guarded by `incoming_lock`.
  std::mutex incoming_lock;
  frame_queue incoming;
  /// Frames libpri wrote (its write callback), for take_outgoing(); owner thread only.
  frame_queue outgoing;
  /// Readiness eventfds, made on the first libpri_fd() / bridge_fd(): readable while the
  /// matching queue holds a frame. -1 until asked for: callers that drive the adapter by
  /// calls alone pay no system call per frame.
  int incoming_fd = -1;
  int outgoing_fd = -1;
  int layer1 = PRI_LAYER_1_ALAW;
  bool up = false;
  std::uint32_t next_handle = 1;
  std::unordered_map<std::uint32_t, call_entry> calls;

  ~impl() {
    if (ctrl != nullptr) ::free(ctrl);  // libpri has no destructor; pri_new_cb mallocs
    for (int fd : {incoming_fd, outgoing_fd})
      if (fd >= 0) ::close(fd);
  }

  /// libpri's read callback (pri_check_event): the next frame from the far end, FCS included;
  /// 0 (libpri: nothing to read) when none is waiting.
  static int read_frame(struct pri* ctrl, void* buf, int buflen) {
    auto* self = static_cast<impl*>(pri_get_userdata(ctrl));
    std::lock_guard guard(self->incoming_lock);
    if (self->incoming.empty() || buflen <= 0) return 0;
    std::size_t n = self->incoming.pop({static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(buflen)});
    if (self->incoming.empty() && self->incoming_fd >= 0) clear_fd(self->incoming_fd);
    return static_cast<int>(n);
  }

  /// libpri's write callback (q921_transmit): one frame toward the far end, FCS octets
  /// included. Returns what was taken; a short count makes libpri log the loss.
  static int write_frame(struct pri* ctrl, void* buf, int buflen) {
    auto* self = static_cast<impl*>(pri_get_userdata(ctrl));
    if (buflen <= static_cast<int>(fcs_size)) return buflen;  // nothing but an FCS: nothing to carry
    if (!self->outgoing.push({static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(buflen)})) {
      q931_log()->warn("{}: {} D-channel frames waiting to be taken, frame dropped", self->name,
                       self->outgoing.size());
      return 0;
    }
    if (self->outgoing_fd >= 0) raise_fd(self->outgoing_fd);  // every frame: see deliver_incoming
    return buflen;
  }

  std::optional<std::uint32_t> find(q931_call* c) const {
    for (const auto& [h, e] : calls)
      if (e.call == c) return h;
    return std::nullopt;
  }

  void emit(link_event ev) {
    if (on_event) on_event(ev);
  }

  void handle(pri_event* e) {
    if (e == nullptr) return;
    switch (e->e) {
      case PRI_EVENT_DCHAN_UP:
        up = true;
        q931_log()->info("{}: D-channel up", name);
        emit(make_event(event_kind::link_up));
        break;
      case PRI_EVENT_DCHAN_DOWN:
        if (up) q931_log()->warn("{}: D-channel down", name);
        up = false;
        emit(make_event(event_kind::link_down));
        break;
      case PRI_EVENT_RING: {
        std::uint32_t h = next_handle++;
        calls[h] = call_entry{e->ring.call, response::none_yet, channel_of(e->ring.channel)};
        link_event ev = make_event(event_kind::setup, h, channel_of(e->ring.channel));
        ev.exclusive = e->ring.flexible == 0;
        ev.called = e->ring.callednum;
        ev.calling = e->ring.callingnum;
        emit(ev);
        break;
      }
      case PRI_EVENT_PROCEEDING:
        if (auto h = find(e->proceeding.call))
          emit(make_event(event_kind::proceeding, *h, channel_of(e->proceeding.channel)));
        break;
      case PRI_EVENT_PROGRESS:  // libpri reports PROGRESS in the proceeding member
        if (auto h = find(e->proceeding.call))
          emit(make_event(event_kind::progress, *h, channel_of(e->proceeding.channel)));
        break;
      case PRI_EVENT_RINGING:
        if (auto h = find(e->ringing.call))
          emit(make_event(event_kind::alerting, *h, channel_of(e->ringing.channel)));
        break;
      case PRI_EVENT_ANSWER:
        if (auto h = find(e->answer.call))
          emit(make_event(event_kind::connect, *h, channel_of(e->answer.channel)));
        break;
      case PRI_EVENT_HANGUP_REQ:  // DISCONNECT from the far end
        if (auto h = find(e->hangup.call)) {
          auto& entry = calls[*h];
          if (entry.state == clearing::none) {
            entry.state = clearing::remote;
            entry.first_cause = static_cast<cause>(e->hangup.cause);
          }
          link_event ev = make_event(event_kind::disconnect, *h, channel_of(e->hangup.channel));
          ev.clearing_cause = static_cast<cause>(e->hangup.cause);
          emit(ev);
        }
        break;
      case PRI_EVENT_HANGUP:      // RELEASE / RELEASE COMPLETE: the call is over
      case PRI_EVENT_HANGUP_ACK:  // our clearing completed
        if (auto h = find(e->hangup.call)) {
          auto entry = calls[*h];
          calls.erase(*h);
          if (e->e == PRI_EVENT_HANGUP) {
            // libpri keeps the call (and the network side retransmits RELEASE) until the
            // application hangs up too, even when it started the clearing itself.
            pri_hangup(ctrl, entry.call, e->hangup.cause);
          }
          link_event ev = make_event(event_kind::released, *h, channel_of(e->hangup.channel));
          ev.clearing_cause =
              entry.state == clearing::none ? static_cast<cause>(e->hangup.cause) : entry.first_cause;
          emit(ev);
        } else if (e->e == PRI_EVENT_HANGUP) {
          pri_hangup(ctrl, e->hangup.call, e->hangup.cause);
        }
        break;
      default:
        q931_log()->debug("{}: libpri event {} ignored", name, pri_event2str(e->e));
        break;
    }
  }
};

expected<std::unique_ptr<pri_adapter>, std::string> pri_adapter::create(interface_side side, switch_type kind,
                                                                  std::string name,
                                                                  event_callback on_event) {
  static const bool hooks = [] {
    pri_set_message(libpri_message);
    pri_set_error(libpri_error);
    return true;
  }();
  (void)hooks;
  auto p = std::make_unique<impl>();
  p->name = std::move(name);
  p->on_event = std::move(on_event);
  int node = side == interface_side::network ? PRI_NETWORK : PRI_CPE;
  int sw = kind == switch_type::ni2 ? PRI_SWITCH_NI2 : PRI_SWITCH_EUROISDN_E1;
  p->layer1 = kind == switch_type::ni2 ? PRI_LAYER_1_ULAW : PRI_LAYER_1_ALAW;
  // No file descriptor for libpri: frames come and go through the callbacks.
  p->ctrl = pri_new_cb(-1, node, sw, &impl::read_frame, &impl::write_frame, p.get());
  if (p->ctrl == nullptr) return make_unexpected(std::string("pri_new_cb failed"));
  // TANDEM_PRI_DEBUG=1 prints every Q.921/Q.931 message decoded (logger "q931", debug level).
  const char* debug = std::getenv("TANDEM_PRI_DEBUG");
  pri_set_debug(p->ctrl, debug != nullptr && debug[0] == '1'
                             ? PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_STATE | PRI_DEBUG_Q921_STATE
                             : 0);
  return std::unique_ptr<pri_adapter>(new pri_adapter(std::move(p)));
}

pri_adapter::pri_adapter(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
pri_adapter::~pri_adapter() = default;

const std::string& pri_adapter::name() const { return impl_->name; }
int pri_adapter::libpri_fd() const {
  std::lock_guard guard(impl_->incoming_lock);
  if (impl_->incoming_fd < 0) {
    impl_->incoming_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->incoming_fd >= 0 && !impl_->incoming.empty()) raise_fd(impl_->incoming_fd);
  }
  return impl_->incoming_fd;
}

int pri_adapter::bridge_fd() const {
  if (impl_->outgoing_fd < 0) {
    impl_->outgoing_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->outgoing_fd >= 0 && !impl_->outgoing.empty()) raise_fd(impl_->outgoing_fd);
  }
  return impl_->outgoing_fd;
}
bool pri_adapter::link_up() const { return impl_->up; }
std::size_t pri_adapter::call_count() const { return impl_->calls.size(); }

void pri_adapter::on_readable() {
  for (int i = 0; i < max_events_per_run; ++i) {
    {
      std::lock_guard guard(impl_->incoming_lock);
      if (impl_->incoming.empty()) return;
    }
    impl_->handle(pri_check_event(impl_->ctrl));
  }
  // Frames left for the next run: wake a watcher again, as a new frame would.
  std::lock_guard guard(impl_->incoming_lock);
  if (!impl_->incoming.empty() && impl_->incoming_fd >= 0) raise_fd(impl_->incoming_fd);
}

std::optional<std::chrono::steady_clock::duration> pri_adapter::next_timer() const {
  struct timeval* next = pri_schedule_next(impl_->ctrl);
  if (next == nullptr) return std::nullopt;
  struct timeval now {};
  ::gettimeofday(&now, nullptr);  // libpri schedules on the wall clock
  auto us = (next->tv_sec - now.tv_sec) * 1'000'000LL + (next->tv_usec - now.tv_usec);
  return std::chrono::microseconds(us < 0 ? 0 : us);
}

void pri_adapter::on_timer() {
  for (int i = 0; i < max_events_per_run; ++i) {
    pri_event* e = pri_schedule_run(impl_->ctrl);
    if (e == nullptr) break;
    impl_->handle(e);
  }
}

std::size_t pri_adapter::take_outgoing(std::span<std::uint8_t> out) {
  auto& q = impl_->outgoing;
  if (q.empty()) return 0;
  std::array<std::uint8_t, frame_queue::slot_size> buf{};
  std::size_t n = q.pop(buf);
  if (q.empty() && impl_->outgoing_fd >= 0) clear_fd(impl_->outgoing_fd);
  std::size_t len = std::min(n - fcs_size, out.size());  // write_frame keeps only n > fcs_size
  std::memcpy(out.data(), buf.data(), len);
  return len;
}

bool pri_adapter::deliver_incoming(std::span<const std::uint8_t> frame) {
  if (frame.size() > max_frame || frame.empty()) return false;
  std::array<std::uint8_t, max_frame + fcs_size> buf{};
  std::memcpy(buf.data(), frame.data(), frame.size());
  // The FCS octets are not checked by libpri: the HDLC driver has done that already.
  std::lock_guard guard(impl_->incoming_lock);
  if (!impl_->incoming.push({buf.data(), frame.size() + fcs_size})) return false;
  // Every frame wakes a watcher (an edge-triggered reactor misses a wake-up that comes while
  // its handler runs; the next frame must bring another).
  if (impl_->incoming_fd >= 0) raise_fd(impl_->incoming_fd);
  return true;
}

void pri_adapter::restart_link() { pri_restart(impl_->ctrl); }

expected<call_handle, std::string> pri_adapter::setup(unsigned channel, bool exclusive, const std::string& called,
                                                   const std::string& calling) {
  q931_call* c = pri_new_call(impl_->ctrl);
  if (c == nullptr) return make_unexpected(std::string("libpri has no call reference left"));
  struct pri_sr* sr = pri_sr_new();
  pri_sr_set_channel(sr, static_cast<int>(channel), exclusive && channel != 0 ? 1 : 0, 0);
  pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH, impl_->layer1);
  std::string called_copy = called;  // libpri takes char*
  std::string calling_copy = calling;
  pri_sr_set_called(sr, called_copy.data(), PRI_UNKNOWN, 1);
  pri_sr_set_caller(sr, calling_copy.empty() ? nullptr : calling_copy.data(), nullptr, PRI_UNKNOWN,
                    PRES_ALLOWED_USER_NUMBER_NOT_SCREENED);
  int rc = pri_setup(impl_->ctrl, c, sr);
  pri_sr_free(sr);
  if (rc != 0) {
    pri_destroycall(impl_->ctrl, c);
    return make_unexpected(std::string("pri_setup refused the call"));
  }
  std::uint32_t h = impl_->next_handle++;
  impl_->calls[h] = call_entry{c};
  return call_handle{h};
}

namespace {
template <class F>
expected<void, std::string> with_call(std::unordered_map<std::uint32_t, call_entry>& calls, call_handle h,
                                      const char* what, F&& f) {
  auto it = calls.find(h.value());
  if (it == calls.end()) return make_unexpected(fmt::format("{}: no such call {}", what, h.value()));
  if (f(it->second) != 0) return make_unexpected(fmt::format("{}: libpri refused", what));
  return {};
}
}  // namespace

expected<void, std::string> pri_adapter::proceeding(call_handle call, unsigned channel) {
  return with_call(impl_->calls, call, "proceeding", [&](call_entry& e) {
    e.responded = response::sent;
    return pri_proceeding(impl_->ctrl, e.call, static_cast<int>(channel), 0);
  });
}

expected<void, std::string> pri_adapter::alerting(call_handle call, unsigned channel) {
  return with_call(impl_->calls, call, "alerting", [&](call_entry& e) {
    e.responded = response::sent;
    return pri_acknowledge(impl_->ctrl, e.call, static_cast<int>(channel), 1);
  });
}

expected<void, std::string> pri_adapter::progress(call_handle call, unsigned channel) {
  return with_call(impl_->calls, call, "progress", [&](call_entry& e) {
    e.responded = response::sent;
    return pri_progress(impl_->ctrl, e.call, static_cast<int>(channel), 1);
  });
}

expected<void, std::string> pri_adapter::answer(call_handle call, unsigned channel) {
  return with_call(impl_->calls, call, "answer", [&](call_entry& e) {
    e.responded = response::sent;
    return pri_answer(impl_->ctrl, e.call, static_cast<int>(channel), 0);
  });
}

expected<void, std::string> pri_adapter::hangup(call_handle call, cause c) {
  auto it = impl_->calls.find(call.value());
  if (it == impl_->calls.end()) return make_unexpected(fmt::format("hangup: no such call {}", call.value()));
  call_entry& e = it->second;
  if (e.state == clearing::local) return {};  // already clearing: nothing more to send
  if (e.state == clearing::none) e.first_cause = c;
  e.state = clearing::local;
  if (e.responded == response::none_yet) {
    // libpri 1.6 sends nothing when told to clear a call still in the Call Present state;
    // CALL PROCEEDING first, then the clearing message with the cause, as a network often does.
    e.responded = response::sent;
    pri_proceeding(impl_->ctrl, e.call, static_cast<int>(e.channel), 0);
  }
  if (pri_hangup(impl_->ctrl, e.call, static_cast<int>(c)) != 0)
    return make_unexpected(std::string("hangup: libpri refused"));
  if (clears_with_release_complete(c)) {
    // libpri answers these causes with RELEASE COMPLETE and frees the call at once, without
    // an event: the call is over now.
    link_event ev = make_event(event_kind::released, call.value(), e.channel);
    ev.clearing_cause = e.first_cause;
    impl_->calls.erase(it);
    impl_->emit(ev);
  }
  return {};
}

void pri_adapter::drop_all_calls(cause c) {
  auto calls = std::move(impl_->calls);
  impl_->calls.clear();
  for (auto& [h, e] : calls) {
    if (e.state != clearing::local) pri_hangup(impl_->ctrl, e.call, static_cast<int>(c));
    link_event ev = make_event(event_kind::released, h, 0);
    ev.clearing_cause = e.state == clearing::none ? c : e.first_cause;
    impl_->emit(ev);
  }
}

}  // namespace tandem::isdn
