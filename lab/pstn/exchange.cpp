#include "lab/pstn/exchange.hpp"

#include <unistd.h>

#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "codecs/audio/measure.hpp"
#include "common/asio.hpp"
#include "common/log.hpp"
#include "lab/pstn/media/wav_file.hpp"
#include "lab/pstn/span_port.hpp"
#include "tdm/sim/sim_span.hpp"

namespace tandem::lab::pstn {

namespace {

using isdn::cause;
using isdn::event_kind;

/// Calls kept for queries after they ended.
constexpr std::size_t max_kept_calls = 1000;
/// The delay marker: half a second of chirp (codecs/audio/measure.hpp).
constexpr std::size_t marker_samples = 4000;

expected<std::unique_ptr<tdm::span>, std::string> make_sim_span(const span_config& c) {
  tdm::sim_span_config s;
  s.number = tdm::span_number{c.number};
  s.layout = c.type == tdm::span_type::e1 ? tdm::span_layout::e1() : tdm::span_layout::t1();
  s.socket_path = c.socket_path;
  s.clock_role = c.clock == clock_role::master ? tdm::sim_span_config::role::master
                                               : tdm::sim_span_config::role::slave;
  s.mode = c.role == socket_role::listen ? tdm::sim_span_config::connect_mode::listen
                                         : tdm::sim_span_config::connect_mode::connect;
  s.tick = c.tick;
  return tdm::create_sim_span(s);
}

std::string alarm_text(tdm::alarm a) {
  if (!tdm::any(a)) return "none";
  std::string out;
  auto add = [&](tdm::alarm bit, const char* name) {
    if (tdm::any(a & bit)) out += out.empty() ? name : fmt::format(",{}", name);
  };
  add(tdm::alarm::loss_of_signal, "loss_of_signal");
  add(tdm::alarm::remote_alarm, "remote_alarm");
  add(tdm::alarm::framing, "framing");
  return out;
}

}  // namespace

/// One span with its PRI link and its watchers; owned by the control thread.
struct span_unit {
  span_config config;
  tdm::span_layout layout;
  std::unique_ptr<isdn::pri_adapter> link;
  std::unique_ptr<span_port> port;
  std::unique_ptr<tdm::span> span;
  std::unique_ptr<asio::posix::stream_descriptor> libpri_watch;
  std::unique_ptr<asio::posix::stream_descriptor> bridge_watch;
  std::unique_ptr<asio::steady_timer> pri_timer;
  std::unique_ptr<asio::steady_timer> los_timer;  // runs while loss of signal lasts
  bool los_timer_running = false;
  std::map<unsigned, call_id> busy;  // B-channel -> call
  std::unordered_map<std::uint32_t, call_id> by_handle;
  tdm::alarm alarms = tdm::alarm::none;
};

struct exchange::impl {
  asio::io_context& io;
  pstn_config config;
  exchange_notifier& notifier;
  std::shared_ptr<spdlog::logger> log = tandem::log::get("lab");
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  std::vector<std::unique_ptr<span_unit>> units;
  std::map<std::string, std::vector<std::int16_t>> media_files;
  std::vector<std::int16_t> marker = codecs::audio::make_marker(media::sample_rate, marker_samples);
  std::map<std::uint32_t, call_record> calls;
  std::map<std::uint32_t, std::unique_ptr<asio::steady_timer>> call_timers;
  std::uint32_t next_call = 1;
  bool running = false;

  impl(asio::io_context& i, const pstn_config& c, exchange_notifier& n) : io(i), config(c), notifier(n) {}

  // ---- helpers ----
  span_unit* unit_of(unsigned number) {
    for (auto& u : units)
      if (u->config.number == number) return u.get();
    return nullptr;
  }
  call_record* find(call_id id) {
    auto it = calls.find(id.value());
    return it == calls.end() ? nullptr : &it->second;
  }
  void add_event(call_record& c, std::string name, std::optional<cause> why = std::nullopt) {
    auto at = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c.started);
    c.events.push_back({std::move(name), at.count(), why});
    notifier.on_call_event(c, c.events.back());
  }
  media::channel_media* media_of(const call_record& c) {
    auto* u = unit_of(c.span);
    return u != nullptr && c.channel != 0 ? u->port->channel(c.channel) : nullptr;
  }
  unsigned free_channel(const span_unit& u) const {
    auto bearers = u.layout.bearers();
    // The network hunts upwards, the user side downwards, to make glare unlikely.
    if (config.side == interface_side::cpe) std::reverse(bearers.begin(), bearers.end());
    for (unsigned b : bearers)
      if (!u.busy.contains(b)) return b;
    return 0;
  }
  void forget_old_calls() {
    while (calls.size() > max_kept_calls) {
      auto it = calls.begin();
      if (it->second.state != call_state::released) break;
      calls.erase(it);
    }
  }

  // ---- libpri plumbing (control thread) ----
  void watch_libpri(span_unit& u) {
    u.libpri_watch->async_wait(asio::posix::stream_descriptor::wait_read,
                               [this, &u, alive = alive](const boost::system::error_code& ec) {
                                 if (ec || !*alive) return;
                                 u.link->on_readable();
                                 schedule_pri_timer(u);
                                 watch_libpri(u);
                               });
  }
  void watch_bridge(span_unit& u) {
    u.bridge_watch->async_wait(asio::posix::stream_descriptor::wait_read,
                               [this, &u, alive = alive](const boost::system::error_code& ec) {
                                 if (ec || !*alive) return;
                                 std::array<std::uint8_t, 300> frame{};
                                 while (auto n = u.link->take_outgoing(frame))
                                   u.span->send_dchannel_frame({frame.data(), n});
                                 watch_bridge(u);
                               });
  }
  void schedule_pri_timer(span_unit& u) {
    auto next = u.link->next_timer();
    if (!next) return;
    u.pri_timer->expires_after(*next);
    u.pri_timer->async_wait([this, &u, alive = alive](const boost::system::error_code& ec) {
      if (ec || !*alive) return;
      u.link->on_timer();
      schedule_pri_timer(u);
    });
  }

  // ---- call life ----
  void start_media(call_record& c) {
    if (auto* m = media_of(c)) c.media_started = m->start_call();
  }
  void end_call(span_unit& u, call_record& c, cause why) {
    if (!c.cause) c.cause = why;
    c.state = call_state::released;
    if (auto* m = media_of(c); m != nullptr && c.media_started) {
      c.final_media = m->snapshot();
      m->stop_call();
    }
    if (auto it = u.busy.find(c.channel); it != u.busy.end() && it->second == c.id) u.busy.erase(it);
    u.by_handle.erase(c.handle.value());
    call_timers.erase(c.id.value());
    add_event(c, "release", c.cause);
    forget_old_calls();
  }
  void after(call_id id, std::chrono::milliseconds delay, std::function<void()> fn) {
    auto timer = std::make_unique<asio::steady_timer>(io, delay);
    timer->async_wait([fn = std::move(fn), alive = alive](const boost::system::error_code& ec) {
      if (!ec && *alive) fn();
    });
    call_timers[id.value()] = std::move(timer);
  }

  /// Alarms from the span (posted from its clock thread). Loss of signal starts a los_hold
  /// timer; if no block at all arrived by its end, the span's calls are cleared with cause 38.
  /// Why blocks and not the alarm flag: an outage is over when blocks flow again, and a
  /// flag that flickers (a tick racing the disconnect) must not keep dead calls up.
  void on_alarm(span_unit& u, tdm::alarm a) {
    const bool was_los = tdm::any(u.alarms & tdm::alarm::loss_of_signal);
    u.alarms = a;
    notifier.on_span_event(u.config.number, "alarm", alarm_text(a));
    if (!tdm::any(a & tdm::alarm::loss_of_signal) || was_los || u.los_timer_running) return;
    start_los_hold(u);
  }

  void start_los_hold(span_unit& u) {
    /// Blocks that may still be counted after the alarm rose (one in flight per direction).
    constexpr std::uint64_t stragglers = 2;
    u.los_timer_running = true;
    const auto blocks_before = u.span->stats().blocks_rx;
    u.los_timer->expires_after(u.config.los_hold);
    u.los_timer->async_wait([this, &u, blocks_before, alive = alive](const boost::system::error_code& ec) {
      if (!*alive) return;
      u.los_timer_running = false;
      if (ec) return;
      if (u.span->stats().blocks_rx > blocks_before + stragglers) {
        // Blocks flowed again; if the alarm is still up, it is a new outage: time it afresh.
        if (tdm::any(u.alarms & tdm::alarm::loss_of_signal)) start_los_hold(u);
        return;
      }
      // The trunk is gone: its calls cannot continue (Q.850 cause 38).
      u.link->drop_all_calls(cause::network_out_of_order);
      schedule_pri_timer(u);
    });
  }

  void on_link_event(span_unit& u, const isdn::link_event& e) {
    switch (e.kind) {
      case event_kind::link_up:
        notifier.on_span_event(u.config.number, "link_up", "");
        return;
      case event_kind::link_down:
        notifier.on_span_event(u.config.number, "link_down", "");
        // Q.931 §5.8.9 clears calls that are not active at once, but keeps active ones for
        // T309 (then cause 27). The simulator clears every call at once with cause 41
        // (temporary failure), so that fault tests see the outcome without a 90 s wait.
        u.link->drop_all_calls(cause::temporary_failure);
        return;
      case event_kind::setup:
        on_setup(u, e);
        return;
      default:
        break;
    }
    auto it = u.by_handle.find(e.call.value());
    if (it == u.by_handle.end()) return;
    call_record* c = find(it->second);
    if (c == nullptr) return;
    switch (e.kind) {
      case event_kind::proceeding:
        if (c->state == call_state::setup_sent) c->state = call_state::proceeding;
        add_event(*c, "proceeding");
        break;
      case event_kind::alerting:
        if (c->state == call_state::setup_sent || c->state == call_state::proceeding)
          c->state = call_state::alerting;
        add_event(*c, "alerting");
        break;
      case event_kind::progress:
        add_event(*c, "progress");
        break;
      case event_kind::connect:
        c->state = call_state::active;
        add_event(*c, "connect");
        start_media(*c);
        break;
      case event_kind::disconnect:
        if (!c->cause) c->cause = e.clearing_cause;
        c->state = call_state::disconnecting;
        add_event(*c, "disconnect", e.clearing_cause);
        // Q.931 §5.3.4: answer DISCONNECT with RELEASE (the far end's cause stays the call's).
        (void)u.link->hangup(c->handle, cause::normal_clearing);
        schedule_pri_timer(u);
        break;
      case event_kind::released:
        end_call(u, *c, e.clearing_cause);
        break;
      default:
        break;
    }
  }

  void on_setup(span_unit& u, const isdn::link_event& e) {
    call_record c;
    c.id = call_id{next_call++};
    c.span = u.config.number;
    c.direction = call_direction::incoming;
    c.state = call_state::setup_received;
    c.called = e.called;
    c.calling = e.calling;
    c.started = std::chrono::steady_clock::now();
    c.handle = e.call;
    unsigned channel = e.channel != 0 ? e.channel : free_channel(u);
    u.by_handle[e.call.value()] = c.id;
    const bool usable = channel != 0 && u.layout.is_bearer(channel) && !u.busy.contains(channel);
    if (usable) {
      c.channel = channel;
      u.busy[channel] = c.id;
    }
    auto& rec = calls[c.id.value()] = std::move(c);
    add_event(rec, "setup");
    auto reject = [&](cause why) {
      rec.cause = why;
      rec.state = call_state::disconnecting;
      add_event(rec, "disconnect", why);
      (void)u.link->hangup(rec.handle, why);
      schedule_pri_timer(u);
    };
    if (channel == 0 || !u.layout.is_bearer(channel)) return reject(cause::no_circuit_available);
    if (!usable) return reject(cause::requested_channel_not_available);  // Q.931 §5.2.3.1
    const subscriber_config* sub = nullptr;
    for (const auto& s : u.config.subscribers)
      if (s.number == rec.called) sub = &s;
    if (sub == nullptr) return reject(cause::unallocated_number);
    switch (sub->behaviour) {
      case subscriber_behaviour::busy: return reject(cause::user_busy);
      case subscriber_behaviour::reject: return reject(static_cast<cause>(sub->cause));
      default: break;
    }
    (void)u.link->proceeding(rec.handle, channel);
    (void)u.link->alerting(rec.handle, channel);
    rec.state = call_state::alerting;
    schedule_pri_timer(u);
    const call_id id = rec.id;
    if (sub->behaviour == subscriber_behaviour::answer) {
      subscriber_config s = *sub;
      after(id, sub->answer_after, [this, id, s] {
        if (answer_call(id).has_value()) apply_answer_media(id, s);
      });
    } else if (sub->behaviour == subscriber_behaviour::no_answer && sub->no_answer_after.count() > 0) {
      after(id, sub->no_answer_after, [this, id] { (void)hangup_call(id, cause::no_answer); });
    }
  }

  void apply_answer_media(call_id id, const subscriber_config& s) {
    play_request p;
    if (s.media == answer_media::echo) p.kind = media::source_kind::echo;
    else if (s.media == answer_media::tone) {
      p.kind = media::source_kind::tone;
      p.tone_hz = s.tone_hz;
      p.tone_dbm0 = s.tone_dbm0;
    } else {
      return;
    }
    (void)play_on(id, p);
  }

  expected<void, std::string> answer_call(call_id id) {
    call_record* c = find(id);
    if (c == nullptr) return make_unexpected(fmt::format("unknown call {}", id.value()));
    if (c->direction != call_direction::incoming)
      return make_unexpected(fmt::format("call {} is outgoing: only the far end answers it", id.value()));
    if (c->state != call_state::setup_received && c->state != call_state::proceeding &&
        c->state != call_state::alerting)
      return make_unexpected(fmt::format("call {} is {}: nothing to answer", id.value(), to_string(c->state)));
    auto* u = unit_of(c->span);
    if (auto r = u->link->answer(c->handle, c->channel); !r) return r;
    c->state = call_state::active;
    add_event(*c, "connect");
    start_media(*c);
    schedule_pri_timer(*u);
    return {};
  }

  expected<void, std::string> hangup_call(call_id id, cause why) {
    call_record* c = find(id);
    if (c == nullptr) return make_unexpected(fmt::format("unknown call {}", id.value()));
    if (c->state == call_state::released)
      return make_unexpected(fmt::format("call {} is already released", id.value()));
    auto* u = unit_of(c->span);
    if (c->state == call_state::disconnecting) return {};  // clearing already under way
    if (!c->cause) c->cause = why;
    c->state = call_state::disconnecting;
    call_timers.erase(id.value());
    // Recorded before asking libpri: some causes end the call inside hangup().
    add_event(*c, "disconnect", why);
    if (auto r = u->link->hangup(c->handle, why); !r) return r;
    schedule_pri_timer(*u);
    return {};
  }

  expected<void, std::string> play_on(call_id id, const play_request& p) {
    call_record* c = find(id);
    if (c == nullptr) return make_unexpected(fmt::format("unknown call {}", id.value()));
    if (c->state == call_state::released || c->state == call_state::disconnecting)
      return make_unexpected(fmt::format("call {} is {}", id.value(), to_string(c->state)));
    auto* m = media_of(*c);
    if (m == nullptr) return make_unexpected(fmt::format("call {} has no B-channel", id.value()));
    media::play_command cmd;
    cmd.kind = p.kind;
    cmd.tone_hz = p.tone_hz;
    cmd.amplitude = media::amplitude_for_dbm0(p.tone_dbm0);
    cmd.duration_samples = p.duration_ms * (media::sample_rate / 1000);
    if (p.kind == media::source_kind::dtmf) {
      if (p.digits.empty() || p.digits.size() > cmd.digits.size())
        return make_unexpected(fmt::format("dtmf: 1 to {} digits", cmd.digits.size()));
      if (p.digits.find_first_not_of("0123456789*#ABCDabcd") != std::string::npos)
        return make_unexpected(std::string("dtmf: digits are 0-9, *, #, A-D"));
      std::copy(p.digits.begin(), p.digits.end(), cmd.digits.begin());
      cmd.digit_count = p.digits.size();
    }
    bool is_marker = false;
    if (p.kind == media::source_kind::samples) {
      if (p.media_name == "marker") {
        cmd.samples = &marker;
        is_marker = true;
      } else if (auto it = media_files.find(p.media_name); it != media_files.end()) {
        cmd.samples = &it->second;
      } else {
        return make_unexpected(fmt::format("unknown media \"{}\"", p.media_name));
      }
    }
    if (!m->play(cmd)) return make_unexpected(std::string("media queue full, try again"));
    c->marker_played = is_marker;
    return {};
  }
};

exchange::exchange(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

exchange::~exchange() {
  stop();
  *impl_->alive = false;
}

expected<std::unique_ptr<exchange>, std::string> exchange::create(asio::io_context& io,
                                                                  const pstn_config& config,
                                                                  exchange_notifier& notifier,
                                                                  span_factory factory) {
  if (!factory) factory = make_sim_span;
  auto p = std::make_unique<impl>(io, config, notifier);
  for (const auto& m : config.media) {
    auto samples = media::load_wav(m.file);
    if (!samples) return make_unexpected(fmt::format("media \"{}\": {}", m.name, samples.error()));
    p->media_files[m.name] = std::move(*samples);
  }
  const std::size_t record_samples = std::size_t{config.record_seconds} * media::sample_rate;
  for (const auto& sc : config.spans) {
    auto u = std::make_unique<span_unit>();
    u->config = sc;
    u->layout = sc.type == tdm::span_type::e1 ? tdm::span_layout::e1() : tdm::span_layout::t1();
    span_unit* raw = u.get();
    impl* self = p.get();
    auto link = isdn::pri_adapter::create(
        config.side == interface_side::network ? isdn::interface_side::network : isdn::interface_side::user,
        sc.switch_kind == switch_type::ni2 ? isdn::switch_type::ni2 : isdn::switch_type::euroisdn_e1,
        fmt::format("span{}", sc.number),
                                       [self, raw](const isdn::link_event& e) { self->on_link_event(*raw, e); });
    if (!link) return make_unexpected(fmt::format("span {}: {}", sc.number, link.error()));
    u->link = std::move(*link);
    u->port = std::make_unique<span_port>(
        u->layout, record_samples, *u->link, [self, raw, alive = p->alive](tdm::alarm a) {
          asio::post(self->io, [self, raw, a, alive] {
            if (*alive) self->on_alarm(*raw, a);
          });
        });
    auto span = factory(sc);
    if (!span) return make_unexpected(fmt::format("span {}: {}", sc.number, span.error()));
    u->span = std::move(*span);
    u->libpri_watch = std::make_unique<asio::posix::stream_descriptor>(io, ::dup(u->link->libpri_fd()));
    u->bridge_watch = std::make_unique<asio::posix::stream_descriptor>(io, ::dup(u->link->bridge_fd()));
    u->pri_timer = std::make_unique<asio::steady_timer>(io);
    u->los_timer = std::make_unique<asio::steady_timer>(io);
    p->units.push_back(std::move(u));
  }
  return std::unique_ptr<exchange>(new exchange(std::move(p)));
}

void exchange::start() {
  if (impl_->running) return;
  impl_->running = true;
  for (auto& u : impl_->units) {
    u->span->start(*u->port);
    impl_->watch_libpri(*u);
    impl_->watch_bridge(*u);
    impl_->schedule_pri_timer(*u);
  }
}

void exchange::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  for (auto& u : impl_->units) {
    u->span->stop();
    u->libpri_watch->cancel();
    u->bridge_watch->cancel();
    u->pri_timer->cancel();
    u->los_timer->cancel();
  }
  impl_->call_timers.clear();
}

expected<call_id, std::string> exchange::place_call(unsigned span, const std::string& called,
                                                    const std::string& calling, unsigned channel) {
  auto& d = *impl_;
  span_unit* u = span == 0 ? (d.units.empty() ? nullptr : d.units.front().get()) : d.unit_of(span);
  if (u == nullptr) return make_unexpected(fmt::format("unknown span {}", span));
  if (called.empty() || called.find_first_not_of("0123456789*#") != std::string::npos)
    return make_unexpected(fmt::format("called number \"{}\": digits 0-9, * or # required", called));
  if (calling.find_first_not_of("0123456789*#") != std::string::npos)
    return make_unexpected(fmt::format("calling number \"{}\": digits 0-9, * or # only", calling));
  if (tdm::any(u->alarms & tdm::alarm::loss_of_signal))
    return make_unexpected(fmt::format("span {}: in alarm (loss of signal)", u->config.number));
  if (!u->link->link_up()) return make_unexpected(fmt::format("span {}: D-channel is down", u->config.number));
  if (channel == 0) channel = d.free_channel(*u);
  if (channel == 0) return make_unexpected(fmt::format("span {}: no free B-channel", u->config.number));
  if (!u->layout.is_bearer(channel))
    return make_unexpected(fmt::format("span {}: {} is not a B-channel", u->config.number, channel));
  if (u->busy.contains(channel))
    return make_unexpected(fmt::format("span {}: B-channel {} is busy", u->config.number, channel));
  auto handle = u->link->setup(channel, /*exclusive=*/true, called, calling);
  if (!handle) return make_unexpected(handle.error());
  call_record c;
  c.id = call_id{d.next_call++};
  c.span = u->config.number;
  c.channel = channel;
  c.direction = call_direction::outgoing;
  c.state = call_state::setup_sent;
  c.called = called;
  c.calling = calling;
  c.started = std::chrono::steady_clock::now();
  c.handle = *handle;
  u->busy[channel] = c.id;
  u->by_handle[handle->value()] = c.id;
  auto& rec = d.calls[c.id.value()] = std::move(c);
  d.add_event(rec, "setup");
  d.schedule_pri_timer(*u);
  return rec.id;
}

expected<void, std::string> exchange::answer(call_id id) { return impl_->answer_call(id); }
expected<void, std::string> exchange::hangup(call_id id, isdn::cause c) { return impl_->hangup_call(id, c); }
expected<void, std::string> exchange::play(call_id id, const play_request& r) { return impl_->play_on(id, r); }

expected<call_record, std::string> exchange::call(call_id id) const {
  const call_record* c = impl_->find(id);
  if (c == nullptr) return make_unexpected(fmt::format("unknown call {}", id.value()));
  return *c;
}

std::vector<call_record> exchange::calls() const {
  std::vector<call_record> out;
  for (const auto& [_, c] : impl_->calls) out.push_back(c);
  return out;
}

expected<audio_report, std::string> exchange::audio(call_id id, const std::string& reference,
                                                    std::optional<std::int64_t> sent_at_us,
                                                    const std::string& save_path) const {
  auto& d = *impl_;
  const call_record* c = d.find(id);
  if (c == nullptr) return make_unexpected(fmt::format("unknown call {}", id.value()));
  const std::vector<std::int16_t>* ref = nullptr;
  if (reference == "marker") ref = &d.marker;
  else if (!reference.empty()) {
    auto it = d.media_files.find(reference);
    if (it == d.media_files.end()) return make_unexpected(fmt::format("unknown media \"{}\"", reference));
    ref = &it->second;
  }
  media::channel_report m;  // empty for a call whose media never ran
  if (c->final_media) m = *c->final_media;
  else if (auto* ch = d.media_of(*c); ch != nullptr && c->media_started) m = ch->snapshot();
  if (!save_path.empty()) {
    if (auto saved = media::save_wav(save_path, m.recording); !saved) return make_unexpected(saved.error());
  }
  audio_report r;
  r.digits = m.digits;
  r.tones = media::find_tones(m.recording);
  r.recorded_ms = static_cast<double>(m.recording.size()) * 1000.0 / media::sample_rate;
  r.recording_full = m.recording_full;
  r.playing = std::string(media::to_string(m.playing));
  r.play_start_us = m.play_start_us;
  r.marker_played = c->marker_played;
  if (ref != nullptr) {
    r.reference = media::locate(*ref, m.recording);
    if (r.reference) {
      const auto offset = r.reference->offset_samples;
      const bool played_it_ourselves = m.play_start_us != 0 && (reference != "marker" || c->marker_played);
      if (played_it_ourselves) {
        auto arrival = static_cast<std::int64_t>(m.record_start_sample) + offset;
        r.round_trip_ms = static_cast<double>(arrival - static_cast<std::int64_t>(m.play_start_sample)) /
                          (media::sample_rate / 1000.0);
      }
      if (sent_at_us) {
        auto arrival_us = m.record_start_us + offset * 1'000'000 / media::sample_rate;
        r.one_way_ms = static_cast<double>(arrival_us - *sent_at_us) / 1000.0;
      }
    }
  }
  return r;
}

std::vector<span_status> exchange::spans() const {
  std::vector<span_status> out;
  for (const auto& u : impl_->units) {
    std::size_t n = 0;
    for (const auto& [_, c] : impl_->calls)
      if (c.span == u->config.number && c.state != call_state::released) ++n;
    out.push_back({u->config.number, u->link->link_up(), u->alarms, n, u->span->stats(),
                   u->port->dchannel_dropped()});
  }
  return out;
}

}  // namespace tandem::lab::pstn
