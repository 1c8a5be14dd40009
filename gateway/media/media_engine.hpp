#pragma once
/// The media engine: the endpoints of one media clock (one span's timeslots, and/or virtual
/// `rtp/<n>` endpoints), the connections on them, and the hand-offs with the control plane.
///
///   control thread (Asio io_context, later the MGCP agent)      media thread (span clock)
///   create/modify/delete_connection ── command queue ──►  tick(): apply at the tick boundary
///   collect(): frees retired objects ◄── retire queue ──  removed connections, old codecs
///   next_event()                     ◄── event queue ───  DTMF digits, answer tone, RTP timeout
///
/// Everything a connection needs (sockets, codecs, DSP state, buffers) is allocated by
/// `create_connection` on the control thread; the media thread only moves pointers (and adds or
/// removes the connection's sockets in its epoll set), and what it removes goes back to the
/// control thread to be freed. Neither side ever waits for the
/// other: a full queue is the error value `queue_full`.
///
/// Threading: `tick` on the media thread only; every other member on the control thread only.
#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/counters.hpp"
#include "common/expected.hpp"
#include "gateway/media/connection.hpp"
#include "gateway/media/endpoint.hpp"
#include "gateway/media/media_event.hpp"
#include "gateway/media/spsc_queue.hpp"
#include "gateway/media/tone_plan.hpp"
#include "gateway/rtp/port_allocator.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::media {

struct media_engine_config {
    /// Timeslot endpoints, one per bearer of this span (none when unset).
    std::optional<tdm::span_layout> span;
    unsigned span_number = 1;
    /// Virtual endpoints `rtp/1` .. `rtp/<n>` (no line; IP-IP transcoding and conferences).
    unsigned virtual_endpoints = 0;
    unsigned tick_samples = 80;  ///< 10 ms at 8 kHz
    std::string bind_address = "127.0.0.1";
    rtp::port_range ports{};
    unsigned max_connections_per_endpoint = 4;
    /// Commands in flight (and events) before queue_full. Every queued command is applied at
    /// the next tick, so this bounds CRCX/MDCX/DLCX per tick: 1024 per 10 ms is 102,400/s.
    std::size_t queue_capacity = 1024;
};

/// What CRCX answers with (the local half of the SDP).
struct connection_info {
    connection_id id{};
    std::uint16_t local_port = 0;
};

/// RFC 3435 ConnectionParameters ("P:") of one connection, as last published by the media thread.
struct connection_statistics {
    std::uint64_t packets_sent = 0, octets_sent = 0, packets_received = 0, octets_received = 0;
    std::int64_t packets_lost = 0;
    std::uint32_t jitter_ms = 0, latency_ms = 0;
    std::uint64_t frames_concealed = 0, late_packets = 0, playout_resyncs = 0, events_sent = 0, events_received = 0,
                  digits_detected = 0, decode_errors = 0, rtcp_sent = 0, rtcp_received = 0,
                  comfort_noise_received = 0;
};

class media_engine final : private media_event_notifier {
public:
    /// Errors: bad_config (tick not a multiple of 8 samples, empty port range, no endpoints).
    static expected<std::unique_ptr<media_engine>, media_error> create(const media_engine_config& c);
    ~media_engine() override;

    // ---- control thread ----------------------------------------------------------------------
    [[nodiscard]] std::size_t endpoint_count() const noexcept { return endpoints_.size(); }
    [[nodiscard]] std::optional<endpoint_index> find_endpoint(std::string_view name) const;
    [[nodiscard]] const std::string& endpoint_name(endpoint_index e) const;

    /// CRCX: binds a port from the range and builds the pipeline; media starts at the next
    /// tick. Errors: unknown_endpoint, too_many_connections, no_port, bind_failed, codec errors,
    /// bad_address, queue_full.
    expected<connection_info, media_error> create_connection(endpoint_index e,
                                                             const connection_params& p);
    /// MDCX. Errors: unknown_connection, codec errors, bad_address, queue_full.
    expected<void, media_error> modify_connection(connection_id id, const connection_changes& c);
    /// DLCX: returns the last published statistics; the port is released once the media
    /// thread has let go of the connection (`collect`). Errors: unknown_connection, queue_full.
    expected<connection_statistics, media_error> delete_connection(connection_id id);
    /// AUCX / periodic reports. Errors: unknown_connection.
    [[nodiscard]] expected<connection_statistics, media_error> statistics(connection_id id) const;
    /// A signal (RFC 3660, docs/media.md "Signals") starts at the next tick: toward the line,
    /// or on connection `on` (which must be on the endpoint). `dtmf` queues `digit`.
    /// Errors: unknown_endpoint, unknown_connection, queue_full.
    expected<void, media_error> play_signal(endpoint_index e, signal_tone t, char digit = 0,
                                            std::optional<connection_id> on = std::nullopt);
    /// Stops signal `t` at the next tick (`none`: every signal of the endpoint).
    /// Errors: unknown_endpoint, queue_full.
    expected<void, media_error> stop_signal(endpoint_index e, signal_tone t,
                                            std::optional<connection_id> on = std::nullopt);
    /// EPCF: the timeslot is expanded and companded with `law` from the next tick.
    /// Errors: unknown_endpoint, queue_full.
    expected<void, media_error> set_law(endpoint_index e, tdm::companding_law law);
    /// The law last set (or the span's), as the control side knows it.
    [[nodiscard]] tdm::companding_law law(endpoint_index e) const { return laws_.at(e.value()); }
    /// The next event from the media thread.
    std::optional<media_event> next_event();
    /// Frees what the media thread retired and releases its ports. Call it regularly (an Asio
    /// timer); create/modify/delete call it too.
    void collect();
    [[nodiscard]] std::size_t ports_in_use() const noexcept { return ports_.in_use(); }
    [[nodiscard]] std::size_t connection_count() const noexcept { return records_.size(); }
    /// Events the media thread could not queue (the control plane did not read them in time).
    [[nodiscard]] std::uint64_t events_dropped() const noexcept { return events_dropped_.load(); }
    /// Named counters ("media.crcx.refused.no_port", ...; docs/media.md lists them).
    [[nodiscard]] const counter_set& counters() const noexcept { return counters_; }

    // ---- media thread ------------------------------------------------------------------------
    /// One tick: applies queued changes, then runs every endpoint. `rx`/`tx` are the span's
    /// blocks (null for an engine of virtual endpoints only).
    void tick(const tdm::block* rx, tdm::block* tx) noexcept;

private:
    struct command {
        enum class kind { none, add, modify, remove, signal_start, signal_stop, law } what = kind::none;
        endpoint_index endpoint{};
        connection_id id{};
        std::unique_ptr<connection> conn;
        connection_changes changes;
        std::unique_ptr<codec_pipeline> codec;
        signal_tone tone = signal_tone::none;
        char digit = 0;
        tdm::companding_law law = tdm::companding_law::alaw;
    };
    struct record {
        endpoint_index endpoint{};
        std::uint16_t port = 0;
        std::shared_ptr<published_statistics> stats;
    };

    explicit media_engine(const media_engine_config& c, rtp::port_allocator ports);
    void notify(const media_event& ev) noexcept override;
    expected<void, media_error> submit(command& cmd);
    void apply(command& cmd) noexcept;
    /// Registers (or removes) a connection's sockets with epoll_fd_ (media thread).
    void watch(connection& c) noexcept;
    void unwatch(connection& c) noexcept;
    /// Marks the connections whose sockets are readable (start of a tick).
    void mark_ready() noexcept;
    /// Counts a refused control request: "<op>.refused.<error>" (control thread).
    media_error refuse(std::string_view op, media_error e);

    media_engine_config config_;
    rtp::port_allocator ports_;
    std::vector<std::unique_ptr<endpoint>> endpoints_;
    std::unordered_map<std::string, endpoint_index> by_name_;  ///< find_endpoint (control)
    std::unordered_map<connection_id, record> records_;  ///< control thread
    std::vector<unsigned> endpoint_load_;                ///< connections per endpoint (control)
    std::vector<tdm::companding_law> laws_;              ///< law per endpoint (control)
    std::uint32_t next_id_ = 1;
    std::size_t in_flight_ = 0;  ///< commands submitted and not yet collected back
    spsc_queue<command> commands_;
    spsc_queue<command> retired_;
    spsc_queue<media_event> events_;
    std::atomic<std::uint64_t> events_dropped_{0};
    counter_set counters_{"media"};
    /// Readiness of every attached connection's sockets (epoll, level-triggered; media thread
    /// after construction). -1 when epoll could not be had: every connection is then polled
    /// every tick, as before.
    int epoll_fd_ = -1;
    std::vector<epoll_event> ready_;
    /// Per endpoint (media thread): the tick it must run next, and the tick it last ran. A
    /// quiet endpoint (endpoint::quiet_ticks) is left out until then, or until a command or a
    /// readable socket wakes it: 9,000 idle connections then cost a scan of this array.
    std::vector<std::uint64_t> wake_at_, last_run_;
    std::uint64_t ticks_ = 0;
    void wake(endpoint_index e) noexcept { wake_at_[e.value()] = 0; }
    /// Tells endpoint `i` about the ticks it was left out of, up to tick `through`.
    void catch_up(std::size_t i, std::uint64_t through) noexcept;
};

}  // namespace tandem::gateway::media
