/// The oRTP 5.1 implementation of rtp_session. The only translation unit (with ortp_init.cpp)
/// that includes oRTP headers.
#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include <arpa/inet.h>

// oRTP headers carry their own extern "C" guards (and include C++ headers via bctoolbox).
#include <ortp/ortp.h>
#include <ortp/telephonyevents.h>

#include "gateway/rtp/rtp_session.hpp"

namespace tandem::gateway::rtp {

void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        ortp_init();
        // oRTP logs through bctoolbox; keep only errors (nothing on the media path above debug).
        ortp_set_log_level_mask(nullptr, ORTP_ERROR | ORTP_FATAL);
    });
}

namespace {

constexpr std::size_t max_payload = 1500;

bool numeric_address(const std::string& a) {
    std::array<unsigned char, 16> buf{};
    return inet_pton(AF_INET, a.c_str(), buf.data()) == 1 ||
           inet_pton(AF_INET6, a.c_str(), buf.data()) == 1;
}

class ortp_session final : public rtp_session {
public:
    ortp_session(RtpSession* s, RtpProfile* p, PayloadType* audio, PayloadType* spare,
                 const rtp_session_config& c)
        : session_(s), profile_(p), audio_(audio), spare_(spare), config_(c) {}
    ~ortp_session() override {
        rtp_session_destroy(session_);  // closes the sockets, frees queued packets
        rtp_profile_destroy(profile_);  // frees the cloned payload types in the profile
        payload_type_destroy(spare_);   // ... and the one that is not
    }
    ortp_session(const ortp_session&) = delete;
    ortp_session& operator=(const ortp_session&) = delete;

    expected<void, rtp_error> set_remote(const std::string& address, std::uint16_t port) override {
        if (port == 0 || !numeric_address(address)) return make_unexpected(rtp_error::bad_address);
        if (rtp_session_set_remote_addr_and_port(session_, address.c_str(), port, port + 1) < 0)
            return make_unexpected(rtp_error::bad_address);
        has_remote_ = true;
        return {};
    }
    bool has_remote() const noexcept override {
        // With symmetric RTP, oRTP takes the source of the first packet as the remote.
        return has_remote_ || (config_.latch_remote && session_->rtp.gs.rem_addrlen > 0);
    }
    expected<void, rtp_error> set_payload_type(std::uint8_t pt, std::uint32_t clock_rate) override {
        if (pt > 127 || (config_.telephone_event_payload_type && *config_.telephone_event_payload_type == pt))
            return make_unexpected(rtp_error::bad_payload_type);
        if (pt != config_.payload_type) {
            spare_->clock_rate = static_cast<int>(clock_rate);
            rtp_profile_set_payload(profile_, config_.payload_type, nullptr);
            rtp_profile_set_payload(profile_, pt, spare_);
            std::swap(audio_, spare_);
            config_.payload_type = pt;
        } else {
            audio_->clock_rate = static_cast<int>(clock_rate);
        }
        config_.clock_rate = clock_rate;
        rtp_session_set_payload_type(session_, pt);
        return {};
    }

    std::uint16_t local_port() const noexcept override {
        return static_cast<std::uint16_t>(rtp_session_get_local_port(session_));
    }

    expected<void, rtp_error> send_audio(std::span<const std::uint8_t> payload, std::uint32_t ts,
                                         bool marker) override {
        if (!has_remote()) return make_unexpected(rtp_error::send_failed);
        mblk_t* m = rtp_session_create_packet(session_, RTP_FIXED_HEADER_SIZE, payload.data(),
                                              payload.size());
        if (m == nullptr) return make_unexpected(rtp_error::library_failure);
        rtp_set_payload_type(m, config_.payload_type);
        rtp_set_markbit(m, marker ? 1 : 0);
        return finish_send(m, ts, payload.size());
    }

    expected<void, rtp_error> send_event(const telephone_event& ev, std::uint32_t ts) override {
        if (!config_.telephone_event_payload_type) return make_unexpected(rtp_error::not_negotiated);
        if (!has_remote()) return make_unexpected(rtp_error::send_failed);
        mblk_t* m = rtp_session_create_telephone_event_packet(session_, ev.marker ? 1 : 0);
        if (m == nullptr) return make_unexpected(rtp_error::library_failure);
        rtp_session_add_telephone_event(session_, m, ev.event, ev.end ? 1 : 0, ev.volume,
                                        ev.duration);
        ++events_sent_;
        return finish_send(m, ts, 4);
    }

    expected<void, rtp_error> echo(const received_packet& p) override {
        if (!has_remote()) return make_unexpected(rtp_error::send_failed);
        mblk_t* m = rtp_session_create_packet(session_, RTP_FIXED_HEADER_SIZE, p.payload.data(),
                                              p.payload.size());
        if (m == nullptr) return make_unexpected(rtp_error::library_failure);
        rtp_set_payload_type(m, p.payload_type);
        rtp_set_markbit(m, p.marker ? 1 : 0);
        return finish_send(m, p.timestamp, p.payload.size());
    }

    std::optional<received_packet> poll(std::uint32_t local_ts,
                                        telephone_event_handler* events) override {
        events_ = events;
        mblk_t* m = rtp_session_recvm_with_ts(session_, local_ts);
        events_ = nullptr;
        if (!base_seq_) {
            // The first packets: the base of the loss count is where the stream began.
            const auto received = rtp_session_get_stats(session_)->packet_recv;
            if (received > 0)
                base_seq_ = static_cast<std::int64_t>(rtp_session_get_rcv_ext_seq_number(session_)) -
                            static_cast<std::int64_t>(received) + 1;
        }
        if (m == nullptr) return std::nullopt;
        const auto* h = reinterpret_cast<const rtp_header_t*>(m->b_rptr);
        unsigned char* payload = nullptr;
        const int len = rtp_get_payload(m, &payload);
        received_packet out;
        if (len > 0 && payload != nullptr) {
            const auto n = std::min<std::size_t>(static_cast<std::size_t>(len), rx_.size());
            std::memcpy(rx_.data(), payload, n);
            out.payload = std::span<const std::uint8_t>(rx_.data(), n);
        }
        // oRTP converted the header to host order when it parsed the packet.
        out.timestamp = h->timestamp;
        out.sequence = h->seq_number;
        out.payload_type = static_cast<std::uint8_t>(h->paytype);
        out.marker = h->markbit != 0;
        freemsg(m);
        return out;
    }

    rtp_statistics statistics() const override {
        const rtp_stats_t* s = rtp_session_get_stats(session_);
        rtp_statistics r;
        r.packets_sent = s->packet_sent;
        r.octets_sent = octets_sent_;
        r.packets_received = s->packet_recv;
        r.octets_received = s->hw_recv;
        r.packets_lost = packets_lost();
        r.late_packets = s->outoftime;
        r.rtcp_sent = s->sent_rtcp_packets;
        r.rtcp_received = s->recv_rtcp_packets;
        r.send_errors = send_errors_;
        r.events_sent = events_sent_;
        r.events_received = events_received_;
        const float jitter_ts = session_->rtp.jittctl.inter_jitter;
        if (config_.clock_rate > 0 && jitter_ts > 0)
            r.jitter_ms = static_cast<std::uint32_t>(jitter_ts * 1000.0f /
                                                     static_cast<float>(config_.clock_rate));
        const float rtt_s = rtp_session_get_round_trip_propagation(session_);
        if (rtt_s > 0) r.latency_ms = static_cast<std::uint32_t>(rtt_s * 500.0f);
        return r;
    }
    /// RFC 3550 §A.3: expected (from the extended highest sequence number) minus received.
    /// oRTP only updates its own count when it sends an RTCP report, so it is computed here.
    std::int64_t packets_lost() const noexcept {
        const auto received = rtp_session_get_stats(session_)->packet_recv;
        if (received == 0 || !base_seq_) return 0;
        const auto highest = rtp_session_get_rcv_ext_seq_number(session_);
        const std::int64_t expected = static_cast<std::int64_t>(highest) - *base_seq_ + 1;
        return std::max<std::int64_t>(0, expected - static_cast<std::int64_t>(received));
    }

    std::array<int, 2> descriptors() const noexcept override {
        return {rtp_session_get_rtp_socket(session_), rtp_session_get_rtcp_socket(session_)};
    }
    bool has_pending() const noexcept override {
        return !qempty(&session_->rtp.rq) || !qempty(&session_->rtp.tev_rq);
    }
    std::uint64_t activity() const noexcept override {
        const rtp_stats_t* s = rtp_session_get_stats(session_);
        return s->packet_sent + s->packet_recv + s->sent_rtcp_packets + s->recv_rtcp_packets +
               send_errors_ + events_received_;
    }

    std::uint64_t packets_received() const noexcept override {
        return rtp_session_get_stats(session_)->packet_recv;
    }

    /// oRTP's "telephone-event_packet" signal: one RFC 4733 packet, header in host order.
    static void on_event_packet(RtpSession*, void* arg1, void* arg2, void*) {
        auto* self = static_cast<ortp_session*>(arg2);
        auto* m = static_cast<mblk_t*>(arg1);
        if (self == nullptr || m == nullptr) return;
        self->deliver_events(m);
    }

private:
    expected<void, rtp_error> finish_send(mblk_t* m, std::uint32_t ts, std::size_t octets) {
        // rtp_session_sendm_with_ts takes ownership of m whatever happens.
        if (rtp_session_sendm_with_ts(session_, m, ts) < 0) {
            ++send_errors_;
            return make_unexpected(rtp_error::send_failed);
        }
        octets_sent_ += octets;
        return {};
    }

    void deliver_events(mblk_t* m) {
        ++events_received_;
        if (events_ == nullptr) return;
        const auto* h = reinterpret_cast<const rtp_header_t*>(m->b_rptr);
        unsigned char* p = nullptr;
        const int len = rtp_get_payload(m, &p);
        // RFC 4733 §2.3: blocks of 4 octets: event, E|R|volume, duration (network order).
        for (int off = 0; p != nullptr && off + 4 <= len; off += 4) {
            telephone_event ev;
            ev.event = p[off];
            ev.end = (p[off + 1] & 0x80) != 0;
            ev.volume = p[off + 1] & 0x3f;
            ev.duration = static_cast<std::uint16_t>((p[off + 2] << 8) | p[off + 3]);
            ev.timestamp = h->timestamp;
            ev.marker = h->markbit != 0;
            events_->on_telephone_event(ev);
        }
    }

    RtpSession* session_;
    RtpProfile* profile_;
    PayloadType* audio_;  ///< in the profile at config_.payload_type
    PayloadType* spare_;  ///< not in the profile: taken by set_payload_type
    rtp_session_config config_;
    bool has_remote_ = false;
    telephone_event_handler* events_ = nullptr;
    std::array<std::uint8_t, max_payload> rx_{};
    std::optional<std::int64_t> base_seq_;  ///< extended sequence number of the first packet
    std::uint64_t octets_sent_ = 0;
    std::uint64_t send_errors_ = 0;
    std::uint64_t events_sent_ = 0;
    std::uint64_t events_received_ = 0;
};

}  // namespace

expected<std::unique_ptr<rtp_session>, rtp_error> rtp_session::create(const rtp_session_config& c) {
    init_library();
    if (c.payload_type > 127 ||
        (c.telephone_event_payload_type &&
         (*c.telephone_event_payload_type > 127 || *c.telephone_event_payload_type == c.payload_type)))
        return make_unexpected(rtp_error::bad_payload_type);

    RtpProfile* profile = rtp_profile_new("tandem");
    if (profile == nullptr) return make_unexpected(rtp_error::library_failure);
    // The audio type: a clone of PCMU with the negotiated clock rate (oRTP only needs the clock
    // rate and "audio" to time the jitter buffer; the codec itself is ours).
    PayloadType* audio = payload_type_clone(&payload_type_pcmu8000);
    audio->clock_rate = static_cast<int>(c.clock_rate);
    rtp_profile_set_payload(profile, c.payload_type, audio);
    PayloadType* spare = payload_type_clone(&payload_type_pcmu8000);
    if (c.telephone_event_payload_type)
        rtp_profile_set_payload(profile, *c.telephone_event_payload_type,
                                payload_type_clone(&payload_type_telephone_event));
    // RFC 3389 comfort noise: the negotiated type, and the static 13 when nothing else uses it
    // (an MDCX may bring CN later; the connection decides whether it accepts the packets).
    for (std::optional<std::uint8_t> cn : {c.comfort_noise_payload_type, std::optional<std::uint8_t>(13)})
        if (cn && *cn <= 127 && *cn != c.payload_type && cn != c.telephone_event_payload_type &&
            rtp_profile_get_payload(profile, *cn) == nullptr)
            rtp_profile_set_payload(profile, *cn, payload_type_clone(&payload_type_cn));

    RtpSession* s = rtp_session_new(RTP_SESSION_SENDRECV);
    if (s == nullptr) {
        rtp_profile_destroy(profile);
        payload_type_destroy(spare);
        return make_unexpected(rtp_error::library_failure);
    }
    // No scheduler, no blocking: the media tick pulls (DESIGN.md, oRTP facts).
    rtp_session_set_scheduling_mode(s, 0);
    rtp_session_set_blocking_mode(s, 0);
    rtp_session_set_profile(s, profile);  // also finds the telephone-event type in it
    rtp_session_set_payload_type(s, c.payload_type);
    rtp_session_set_symmetric_rtp(s, c.latch_remote ? TRUE : FALSE);
    rtp_session_enable_rtcp(s, c.rtcp ? TRUE : FALSE);
    rtp_session_set_rtcp_report_interval(s, static_cast<int>(c.rtcp_interval.count()));
    rtp_session_set_recv_buf_size(s, static_cast<int>(max_payload));
    JBParameters jb{};
    rtp_session_get_jitter_buffer_params(s, &jb);
    jb.enabled = TRUE;
    jb.adaptive = c.jitter.adaptive ? TRUE : FALSE;
    jb.nom_size = static_cast<int>(c.jitter.nominal.count());
    jb.min_size = std::min(jb.nom_size, 20);
    jb.max_size = static_cast<int>(c.jitter.max.count());
    rtp_session_set_jitter_buffer_params(s, &jb);
    rtp_session_set_jitter_compensation(s, jb.nom_size);
    rtp_session_enable_adaptive_jitter_compensation(s, jb.adaptive);

    if (rtp_session_set_local_addr(s, c.bind_address.c_str(), c.local_port == 0 ? -1 : c.local_port,
                                   c.local_port == 0 ? -1 : c.local_port + 1) < 0) {
        rtp_session_destroy(s);
        rtp_profile_destroy(profile);
        payload_type_destroy(spare);
        return make_unexpected(rtp_error::bind_failed);
    }
    auto out = std::make_unique<ortp_session>(s, profile, audio, spare, c);
    rtp_session_signal_connect(s, "telephone-event_packet",
                               reinterpret_cast<RtpCallback>(&ortp_session::on_event_packet),
                               out.get());
    return std::unique_ptr<rtp_session>(std::move(out));
}

}  // namespace tandem::gateway::rtp
