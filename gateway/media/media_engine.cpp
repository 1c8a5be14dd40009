#include "gateway/media/media_engine.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <array>

#include <fmt/format.h>

#include "common/log.hpp"

namespace tandem::gateway::media {

namespace {
media_error from(rtp::rtp_error e) {
    switch (e) {
        case rtp::rtp_error::bind_failed: return media_error::bind_failed;
        case rtp::rtp_error::bad_address: return media_error::bad_address;
        case rtp::rtp_error::bad_payload_type: return media_error::bad_payload_type;
        default: return media_error::codec_failure;
    }
}

/// Ports tried per CRCX when binding fails (another process holds the port).
constexpr int max_bind_attempts = 4;

/// Checked here, on the control thread, so that the media thread never meets a bad address.
bool valid_remote(const remote_address& r) {
    std::array<unsigned char, 16> buf{};
    return r.port != 0 && (inet_pton(AF_INET, r.address.c_str(), buf.data()) == 1 ||
                           inet_pton(AF_INET6, r.address.c_str(), buf.data()) == 1);
}
}  // namespace

expected<std::unique_ptr<media_engine>, media_error> media_engine::create(
    const media_engine_config& c) {
    if (c.tick_samples == 0 || c.tick_samples % 8 != 0 || c.max_connections_per_endpoint == 0 ||
        c.queue_capacity == 0)
        return make_unexpected(media_error::bad_config);
    if (!c.span && c.virtual_endpoints == 0) return make_unexpected(media_error::bad_config);
    auto ports = rtp::port_allocator::create(c.ports);
    if (!ports) return make_unexpected(media_error::bad_config);
    return std::unique_ptr<media_engine>(new media_engine(c, std::move(*ports)));
}

media_engine::media_engine(const media_engine_config& c, rtp::port_allocator ports)
    : config_(c), ports_(std::move(ports)), commands_(c.queue_capacity),
      retired_(c.queue_capacity), events_(c.queue_capacity) {
    if (config_.span) {
        const auto& l = *config_.span;
        const char* kind = l.type == tdm::span_type::e1 ? "e1" : "t1";
        for (unsigned n : l.bearers())
            endpoints_.push_back(std::make_unique<endpoint>(
                fmt::format("ds/{}-{}/{}", kind, config_.span_number, n), l.position(n), l.law,
                config_.max_connections_per_endpoint, config_.tick_samples,
                endpoint_index(static_cast<std::uint32_t>(endpoints_.size())),
                static_cast<media_event_notifier*>(this)));
    }
    for (unsigned n = 1; n <= config_.virtual_endpoints; ++n)
        endpoints_.push_back(std::make_unique<endpoint>(
            fmt::format("rtp/{}", n), std::nullopt, tdm::companding_law::alaw,
            config_.max_connections_per_endpoint, config_.tick_samples,
            endpoint_index(static_cast<std::uint32_t>(endpoints_.size())),
            static_cast<media_event_notifier*>(this)));
    endpoint_load_.assign(endpoints_.size(), 0);
    for (const auto& ep : endpoints_) laws_.push_back(ep->law());
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) log::get("media")->warn("epoll_create1 failed: every connection is read every tick");
    ready_.resize(static_cast<std::size_t>(c.ports.last - c.ports.first) + 2);
    wake_at_.assign(endpoints_.size(), 0);
    last_run_.assign(endpoints_.size(), 0);
    for (std::size_t i = 0; i < endpoints_.size(); ++i)
        by_name_.emplace(endpoints_[i]->name(), endpoint_index(static_cast<std::uint32_t>(i)));
}

media_engine::~media_engine() {
    // The media thread is stopped by now (the owner's job): drop everything in flight.
    while (commands_.pop()) {
    }
    while (retired_.pop()) {
    }
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::optional<endpoint_index> media_engine::find_endpoint(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

const std::string& media_engine::endpoint_name(endpoint_index e) const {
    return endpoints_.at(e.value())->name();
}

expected<void, media_error> media_engine::submit(command& cmd) {
    if (in_flight_ >= config_.queue_capacity || !commands_.push(cmd))
        return make_unexpected(media_error::queue_full);
    ++in_flight_;
    return {};
}

expected<connection_info, media_error> media_engine::create_connection(endpoint_index e,
                                                                       const connection_params& p) {
    collect();
    if (e.value() >= endpoints_.size()) return make_unexpected(refuse("crcx", media_error::unknown_endpoint));
    if (endpoint_load_[e.value()] >= config_.max_connections_per_endpoint)
        return make_unexpected(refuse("crcx", media_error::too_many_connections));
    if (in_flight_ >= config_.queue_capacity) return make_unexpected(refuse("crcx", media_error::queue_full));
    if (p.codec.codec == nullptr) return make_unexpected(refuse("crcx", media_error::unsupported_codec));

    rtp::rtp_session_config rc;
    rc.bind_address = config_.bind_address;
    rc.payload_type = p.codec.payload_type;
    rc.clock_rate = p.codec.codec->info().clock_rate;
    rc.telephone_event_payload_type = p.telephone_event_payload_type;
    rc.comfort_noise_payload_type = p.codec.comfort_noise_payload_type;
    rc.jitter = p.jitter;
    rc.latch_remote = p.latch_remote;
    rc.rtcp = p.rtcp;
    rc.rtcp_interval = p.rtcp_interval;
    // A port of our range that another process holds fails to bind: try the next ones (the
    // allocator is round robin, so the busy port comes back only after all the others).
    expected<std::uint16_t, rtp::port_error> port = make_unexpected(rtp::port_error::exhausted);
    expected<std::unique_ptr<rtp::rtp_session>, rtp::rtp_error> session =
        make_unexpected(rtp::rtp_error::bind_failed);
    for (int attempt = 0; attempt < max_bind_attempts; ++attempt) {
        port = ports_.allocate();
        if (!port) return make_unexpected(refuse("crcx", media_error::no_port));
        rc.local_port = *port;
        session = rtp::rtp_session::create(rc);
        if (session) break;
        (void)ports_.release(*port);
        if (session.error() != rtp::rtp_error::bind_failed) break;
        counters_.get("crcx.port_in_use_elsewhere").add();
    }
    if (!session) return make_unexpected(refuse("crcx", from(session.error())));
    const connection_id id(next_id_++);
    auto conn = connection::create(id, e, p, std::move(*session), config_.tick_samples, this);
    if (!conn) {
        (void)ports_.release(*port);
        return make_unexpected(refuse("crcx", conn.error()));
    }
    auto stats = (*conn)->stats();
    command cmd;
    cmd.what = command::kind::add;
    cmd.endpoint = e;
    cmd.id = id;
    cmd.conn = std::move(*conn);
    if (auto r = submit(cmd); !r) {
        cmd.conn.reset();
        (void)ports_.release(*port);
        return make_unexpected(refuse("crcx", r.error()));
    }
    records_.emplace(id, record{e, *port, std::move(stats)});
    counters_.get("crcx.accepted").add();
    ++endpoint_load_[e.value()];
    log::get("media")->debug("{} conn {:X}: created on port {}", endpoints_[e.value()]->name(),
                             id.value(), *port);
    return connection_info{id, *port};
}

expected<void, media_error> media_engine::modify_connection(connection_id id,
                                                            const connection_changes& c) {
    collect();
    auto it = records_.find(id);
    if (it == records_.end()) return make_unexpected(refuse("mdcx", media_error::unknown_connection));
    if (c.remote && !valid_remote(*c.remote)) return make_unexpected(refuse("mdcx", media_error::bad_address));
    command cmd;
    cmd.what = command::kind::modify;
    cmd.endpoint = it->second.endpoint;
    cmd.id = id;
    cmd.changes = c;
    if (c.codec) {
        auto codec = codec_pipeline::create(*c.codec, config_.tick_samples);
        if (!codec) return make_unexpected(refuse("mdcx", codec.error()));
        cmd.codec = std::move(*codec);
    }
    if (auto r = submit(cmd); !r) return make_unexpected(refuse("mdcx", r.error()));
    return {};
}

expected<connection_statistics, media_error> media_engine::delete_connection(connection_id id) {
    collect();
    auto it = records_.find(id);
    if (it == records_.end()) return make_unexpected(refuse("dlcx", media_error::unknown_connection));
    auto stats = statistics(id);
    command cmd;
    cmd.what = command::kind::remove;
    cmd.endpoint = it->second.endpoint;
    cmd.id = id;
    if (auto r = submit(cmd); !r) return make_unexpected(refuse("dlcx", r.error()));
    --endpoint_load_[it->second.endpoint.value()];
    records_.erase(it);
    return stats;
}

expected<connection_statistics, media_error> media_engine::statistics(connection_id id) const {
    auto it = records_.find(id);
    if (it == records_.end()) return make_unexpected(media_error::unknown_connection);
    const auto& p = *it->second.stats;
    connection_statistics s;
    s.packets_sent = p.packets_sent.load();
    s.octets_sent = p.octets_sent.load();
    s.packets_received = p.packets_received.load();
    s.octets_received = p.octets_received.load();
    s.packets_lost = p.packets_lost.load();
    s.jitter_ms = p.jitter_ms.load();
    s.latency_ms = p.latency_ms.load();
    s.frames_concealed = p.frames_concealed.load();
    s.late_packets = p.late_packets.load();
    s.playout_resyncs = p.playout_resyncs.load();
    s.events_sent = p.events_sent.load();
    s.events_received = p.events_received.load();
    s.digits_detected = p.digits_detected.load();
    s.decode_errors = p.decode_errors.load();
    s.comfort_noise_received = p.comfort_noise_received.load();
    s.rtcp_sent = p.rtcp_sent.load();
    s.rtcp_received = p.rtcp_received.load();
    return s;
}

expected<void, media_error> media_engine::play_signal(endpoint_index e, signal_tone t, char digit,
                                                      std::optional<connection_id> on) {
    collect();
    if (e.value() >= endpoints_.size()) return make_unexpected(refuse("signal", media_error::unknown_endpoint));
    if (on) {
        auto it = records_.find(*on);
        if (it == records_.end() || it->second.endpoint != e)
            return make_unexpected(refuse("signal", media_error::unknown_connection));
    }
    command cmd;
    cmd.what = command::kind::signal_start;
    cmd.endpoint = e;
    cmd.id = on.value_or(connection_id{});
    cmd.tone = t;
    cmd.digit = digit;
    if (auto r = submit(cmd); !r) return make_unexpected(refuse("signal", r.error()));
    counters_.get(fmt::format("signals.played.{}", to_string(t))).add();
    return {};
}

expected<void, media_error> media_engine::stop_signal(endpoint_index e, signal_tone t,
                                                      std::optional<connection_id> on) {
    collect();
    if (e.value() >= endpoints_.size()) return make_unexpected(refuse("signal", media_error::unknown_endpoint));
    command cmd;
    cmd.what = command::kind::signal_stop;
    cmd.endpoint = e;
    cmd.id = on.value_or(connection_id{});
    cmd.tone = t;
    if (auto r = submit(cmd); !r) return make_unexpected(refuse("signal", r.error()));
    return {};
}

expected<void, media_error> media_engine::set_law(endpoint_index e, tdm::companding_law law) {
    collect();
    if (e.value() >= endpoints_.size()) return make_unexpected(refuse("law", media_error::unknown_endpoint));
    command cmd;
    cmd.what = command::kind::law;
    cmd.endpoint = e;
    cmd.law = law;
    if (auto r = submit(cmd); !r) return make_unexpected(refuse("law", r.error()));
    laws_[e.value()] = law;
    counters_.get("law.applied").add();
    return {};
}

std::optional<media_event> media_engine::next_event() { return events_.pop(); }

void media_engine::collect() {
    while (auto cmd = retired_.pop()) {
        --in_flight_;
        if (cmd->conn) {
            const auto port = cmd->conn->local_port();
            cmd->conn.reset();  // closes the sockets before the port can be reused
            (void)ports_.release(port);
        }
    }
}

media_error media_engine::refuse(std::string_view op, media_error e) {
    counters_.get(fmt::format("{}.refused.{}", op, to_string(e))).add();
    return e;
}

void media_engine::notify(const media_event& ev) noexcept {
    media_event copy = ev;
    if (!events_.push(copy)) events_dropped_.fetch_add(1, std::memory_order_relaxed);
}

void media_engine::apply(command& cmd) noexcept {
    auto& ep = *endpoints_[cmd.endpoint.value()];
    // Bring a sleeping endpoint up to date before the command changes it (a new connection
    // must not inherit the ticks the endpoint slept through).
    catch_up(cmd.endpoint.value(), ticks_);
    wake(cmd.endpoint);
    switch (cmd.what) {
        case command::kind::add: {
            connection& c = *cmd.conn;
            if (ep.attach(cmd.conn)) watch(c);  // the control plane never over-fills an endpoint
            break;
        }
        case command::kind::modify:
            if (auto* c = ep.find(cmd.id)) cmd.codec = c->apply(cmd.changes, std::move(cmd.codec));
            break;
        case command::kind::remove:
            cmd.conn = ep.detach(cmd.id);
            if (cmd.conn) {
                unwatch(*cmd.conn);  // before the control thread closes its sockets
                cmd.conn->close();
            }
            break;
        case command::kind::signal_start:
            ep.play(cmd.tone, cmd.digit, cmd.id);
            break;
        case command::kind::signal_stop:
            ep.stop_signal(cmd.tone, cmd.id);
            break;
        case command::kind::law:
            ep.set_law(cmd.law);
            break;
        case command::kind::none:
            break;
    }
}

void media_engine::watch(connection& c) noexcept {
    if (epoll_fd_ < 0) return;
    bool all = true;
    for (int fd : c.descriptors()) {
        if (fd < 0) continue;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = &c;
        all = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0 && all;
    }
    // A socket epoll refused would never be read: such a connection is polled every tick.
    if (all) c.track_readiness();
}

void media_engine::unwatch(connection& c) noexcept {
    if (epoll_fd_ < 0) return;
    for (int fd : c.descriptors())
        if (fd >= 0) (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void media_engine::mark_ready() noexcept {
    if (epoll_fd_ < 0) return;
    // ready_ has room for every socket the engine can hold (one per port of its range), so
    // one call sees them all.
    const int n = epoll_wait(epoll_fd_, ready_.data(), static_cast<int>(ready_.size()), 0);
    for (int i = 0; i < n; ++i) {
        auto* c = static_cast<connection*>(ready_[static_cast<std::size_t>(i)].data.ptr);
        c->mark_readable();
        wake(c->endpoint());
    }
}

void media_engine::catch_up(std::size_t i, std::uint64_t through) noexcept {
    if (last_run_[i] > 0 && through > last_run_[i])
        endpoints_[i]->skipped(static_cast<unsigned>(std::min<std::uint64_t>(through - last_run_[i], 1u << 30)));
    last_run_[i] = std::max(last_run_[i], through);
}

void media_engine::tick(const tdm::block* rx, tdm::block* tx) noexcept {
    // Everything queued (at most queue_capacity): applying a command moves pointers, and for an
    // added or removed connection registers or drops its two sockets with epoll (no allocation
    // on our side).
    for (std::size_t n = 0; n < config_.queue_capacity; ++n) {
        auto cmd = commands_.pop();
        if (!cmd) break;
        apply(*cmd);
        // Back to the control thread, with whatever must be freed there. The retire queue has
        // room: the control side never has more than its capacity in flight.
        retired_.push(*cmd);
    }
    mark_ready();
    ++ticks_;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        if (ticks_ < wake_at_[i]) continue;
        auto& ep = endpoints_[i];
        catch_up(i, ticks_ - 1);
        const auto slot = ep->slot();
        if (slot && rx != nullptr && tx != nullptr && *slot < rx->slot_count() &&
            rx->samples_per_slot() == config_.tick_samples)
            ep->tick(rx->slot(*slot), tx->slot(*slot));
        else
            ep->tick({}, {});
        last_run_[i] = ticks_;
        wake_at_[i] = ticks_ + 1 + ep->quiet_ticks();
    }
}

}  // namespace tandem::gateway::media
