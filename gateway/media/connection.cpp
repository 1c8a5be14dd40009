/// The per-connection media pipeline (see connection.hpp for states, docs/media.md for prose).
#include "gateway/media/connection.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tandem::gateway::media {

namespace {

constexpr std::size_t fifo_capacity = 4096;   ///< decoded samples waiting (> 200 ms packet + slack)
constexpr unsigned max_conceal_ticks = 12;    ///< conceal up to 120 ms of missing audio, then silence
constexpr std::uint32_t max_gap_samples = 960; ///< a timestamp gap up to 120 ms is concealed
/// Late packets in a row after which playout re-anchors on the stream (see handle_packet).
constexpr unsigned resync_late_packets = 3;
constexpr unsigned tev_timeout_ticks = 25;    ///< RFC 4733 event without update for 250 ms ends
constexpr std::uint8_t tev_volume = 10;       ///< -10 dBm0, a typical DTMF level
/// A session whose sockets stay quiet is still read this often (500 ms), so that oRTP's own
/// timers (RTCP reports of a receive-only session) keep running.
constexpr unsigned idle_poll_ticks = 50;

/// RFC 4733 §3.2 event codes of DTMF.
char digit_of_event(std::uint8_t e) noexcept {
    static constexpr char table[] = "0123456789*#ABCD";
    return e < 16 ? table[e] : 0;
}
std::uint8_t event_of_digit(char d) noexcept {
    if (d >= '0' && d <= '9') return static_cast<std::uint8_t>(d - '0');
    switch (d) {
        case '*': return 10;
        case '#': return 11;
        case 'A': return 12;
        case 'B': return 13;
        case 'C': return 14;
        case 'D': return 15;
        default: return 255;
    }
}

/// A generator seeded once per thread from std::random_device: opening the random device for
/// every connection cost more than the rest of CRCX's media work (profiled, bench/mgcp_load).
std::uint32_t initial_timestamp() {
    thread_local std::mt19937 gen(std::random_device{}());
    return static_cast<std::uint32_t>(gen());
}

std::int16_t sat_add(std::int16_t a, std::int16_t b) noexcept {
    const int s = a + b;
    return static_cast<std::int16_t>(std::clamp(s, -32768, 32767));
}

}  // namespace

expected<std::unique_ptr<connection>, media_error> connection::create(
    connection_id id, endpoint_index ep, const connection_params& params,
    std::unique_ptr<rtp::rtp_session> session, unsigned tick_samples,
    media_event_notifier* events) {
    auto codec = codec_pipeline::create(params.codec, tick_samples);
    if (!codec) return make_unexpected(codec.error());
    std::unique_ptr<connection> c(new connection());
    c->id_ = id;
    c->endpoint_ = ep;
    c->mode_ = params.mode;
    c->tick_ = tick_samples;
    c->session_ = std::move(session);
    c->codec_ = std::move(*codec);
    c->tev_pt_ = params.telephone_event_payload_type;
    c->events_ = events;
    c->stats_ = std::make_shared<published_statistics>();
    c->dtmf_rx_ = std::make_unique<dtmf_detector>();
    c->dtmf_tx_ = std::make_unique<dtmf_generator>();
    c->answer_tone_ = std::make_unique<answer_tone_detector>();
    // The canceller is built even when off, so that MDCX can turn it on without allocating.
    c->ec_ = std::make_unique<echo_canceller>(tick_samples,
                                              static_cast<unsigned>(params.echo_tail.count()));
    c->ec_on_ = params.echo_canceller;
    c->work_.assign(tick_samples, 0);
    if (params.telephone_event_payload_type && params.dtmf_lookahead.count() > 0) {
        const auto ticks = (static_cast<std::size_t>(params.dtmf_lookahead.count()) * 8 + tick_samples - 1) / tick_samples;
        c->lookahead_.assign(ticks * tick_samples, 0);
    }
    // RFC 3550 §5.1: the initial timestamp is random (drawn here, on the control thread).
    c->tx_ts_ = initial_timestamp();
    c->fifo_.assign(fifo_capacity, 0);
    c->timeout_ticks_ = static_cast<unsigned>(params.rtp_timeout.count() * 8 / tick_samples);
    if (params.remote) {
        if (!c->session_->set_remote(params.remote->address, params.remote->port))
            return make_unexpected(media_error::bad_address);
        c->state_ = state::connected;
    }
    return c;
}

connection::~connection() = default;

void connection::emit(media_event_kind kind, char digit) noexcept {
    if (events_ != nullptr) events_->notify(media_event{kind, endpoint_, id_, digit});
}

// ---- RTP -> linear ----------------------------------------------------------------------------

void connection::fifo_push(std::span<const std::int16_t> pcm) noexcept {
    const std::size_t n = std::min(pcm.size(), fifo_.size() - fifo_fill_);
    std::copy_n(pcm.begin(), n, fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_fill_));
    fifo_fill_ += n;
}

void connection::conceal(std::size_t samples) noexcept {
    const std::size_t spf = codec_->choice.codec->info().samples_per_frame;
    std::size_t n = (samples + spf - 1) / spf * spf;
    n = std::min(n, codec_->decode_buffer.size() / spf * spf);
    if (n == 0) return;
    auto r = codec_->decoder->conceal(std::span<std::int16_t>(codec_->decode_buffer.data(), n));
    if (!r) return;
    fifo_push(std::span<const std::int16_t>(codec_->decode_buffer.data(), *r));
    rx_expected_ts_ += static_cast<std::uint32_t>(*r);
    rx_concealed_ += static_cast<std::uint32_t>(*r);
    stats_->frames_concealed.fetch_add(n / spf, std::memory_order_relaxed);
}

void connection::handle_packet(const rtp::received_packet& p) noexcept {
    if (mode_ == connection_mode::netwtest) {
        // RFC 3435 network continuity test: packets go back as they came, no transcoding.
        (void)session_->echo(p);
        return;
    }
    if (!plays_to_line(mode_) && mode_ != connection_mode::netwloop) return;  // read and dropped
    if (codec_->choice.comfort_noise_payload_type && p.payload_type == *codec_->choice.comfort_noise_payload_type)
        return handle_comfort_noise(p);
    if (p.payload_type != codec_->choice.payload_type) {
        stats_->decode_errors.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    cn_active_ = false;  // audio again: the noise stops
    if (!rx_started_) {
        rx_started_ = true;
        rx_expected_ts_ = p.timestamp;
    }
    const auto delta = static_cast<std::int32_t>(p.timestamp - rx_expected_ts_);
    if (delta < 0 && static_cast<std::uint32_t>(-delta) <= rx_concealed_) {
        // Late only because we concealed while waiting for it (a tick of jitter, or a jitter
        // buffer that grew): it is the packet the stream owed us, not an old or duplicated one.
        // Play it; the playout slips by what was concealed instead of losing this packet and
        // the next ones until the re-anchoring below (60 ms lost for 10 ms late at 30 ms ptime).
        stats_->playout_resyncs.fetch_add(1, std::memory_order_relaxed);
        rx_expected_ts_ = p.timestamp;
    } else if (delta < 0) {
        // Already concealed (the packet came after its playout time): the stream stays
        // continuous, the packet is counted and dropped. A late packet is not audio received,
        // so concealment still runs out after max_conceal_ticks.
        stats_->late_packets.fetch_add(1, std::memory_order_relaxed);
        // Why re-anchor: after a sender stalls and then bursts, concealment has run our
        // expected timestamp ahead of the stream, and it would stay ahead for good (each
        // tick conceals as much as the stream advances), dropping every packet as late and
        // playing silence for the rest of the call. Several late packets in a row mean the
        // stream, not one packet, is behind: follow the stream again.
        if (++rx_late_run_ < resync_late_packets) return;
        stats_->playout_resyncs.fetch_add(1, std::memory_order_relaxed);
        rx_expected_ts_ = p.timestamp;
    }
    rx_late_run_ = 0;
    rx_idle_ticks_ = 0;
    if (delta > 0) {
        if (static_cast<std::uint32_t>(delta) <= max_gap_samples) conceal(static_cast<std::size_t>(delta));
        rx_expected_ts_ = p.timestamp;  // a longer gap (a new talkspurt) is not invented
    }
    auto n = codec_->decoder->decode(p.payload, codec_->decode_buffer);
    if (!n) {
        stats_->decode_errors.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    fifo_push(std::span<const std::int16_t>(codec_->decode_buffer.data(), *n));
    rx_expected_ts_ += static_cast<std::uint32_t>(*n);
    rx_concealed_ = 0;
    const auto& info = codec_->choice.codec->info();
    // A packet ending in a SID frame (G.729 Annex B): keep making comfort noise in the gap.
    rx_comfort_noise_ = info.sid_bytes > 0 && p.payload.size() % info.bytes_per_frame == info.sid_bytes;
}

void connection::handle_comfort_noise(const rtp::received_packet& p) noexcept {
    // RFC 3389 §3: the first octet is the noise level in -dBov (0..127; bit 7 reserved); the
    // spectral parameters after it are not used (the noise is white).
    if (p.payload.empty()) {
        stats_->decode_errors.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const unsigned level = p.payload[0] & 0x7fu;
    // RFC 3389 §3.1: 0 dBov is a full-scale square wave (µ-law: ±8031 of 14 bits, ±32124 in
    // our 16-bit samples). Uniform noise of that RMS has a peak sqrt(3) times higher.
    cn_peak_ = 32124.0 * std::pow(10.0, -static_cast<double>(level) / 20.0) * std::sqrt(3.0);
    cn_active_ = true;
    if (!rx_started_) {
        rx_started_ = true;
        rx_expected_ts_ = p.timestamp;
    }
    rx_idle_ticks_ = 0;
    rx_late_run_ = 0;
    stats_->comfort_noise_received.fetch_add(1, std::memory_order_relaxed);
}

void connection::comfort_noise(std::size_t samples) noexcept {
    std::array<std::int16_t, 160> noise{};
    while (samples > 0) {
        const std::size_t n = std::min(samples, noise.size());
        for (std::size_t i = 0; i < n; ++i) {
            cn_state_ ^= cn_state_ << 13;
            cn_state_ ^= cn_state_ >> 17;
            cn_state_ ^= cn_state_ << 5;
            const double u = static_cast<double>(cn_state_) / 4294967295.0 * 2.0 - 1.0;  // [-1, 1]
            noise[i] = static_cast<std::int16_t>(std::clamp(u * cn_peak_, -32767.0, 32767.0));
        }
        fifo_push(std::span<const std::int16_t>(noise.data(), n));
        rx_expected_ts_ += static_cast<std::uint32_t>(n);
        samples -= n;
    }
}

bool connection::receive(std::span<std::int16_t> out) noexcept {
    std::fill(out.begin(), out.end(), std::int16_t{0});
    if (state_ == state::deleted) return false;
    // With readiness tracking, a session with nothing to read and nothing queued costs no
    // system call (9,000 idle connections polled every tick took a whole core).
    const bool poll = !readiness_tracked_ || readable_ || session_->has_pending() ||
                      ++unpolled_ticks_ >= idle_poll_ticks;
    readable_ = false;
    if (poll) {
        unpolled_ticks_ = 0;
        for (int i = 0; i < 4; ++i) {  // more than one only after a jitter-buffer resize
            auto p = session_->poll(rx_clock_, this);
            if (!p) break;
            handle_packet(*p);
        }
    }
    rx_clock_ += tick_;
    if (state_ == state::created && session_->has_remote()) state_ = state::connected;  // latched

    // RTP timeout (reported once, re-armed by the next packet).
    const auto seen = session_->packets_received();
    if (seen != rx_packets_seen_) {
        rx_packets_seen_ = seen;
        silent_ticks_ = 0;
        if (timed_out_) {
            timed_out_ = false;
            emit(media_event_kind::rtp_resumed);
        }
    } else if (timeout_ticks_ > 0 && !timed_out_ && expects_media() && ++silent_ticks_ >= timeout_ticks_) {
        timed_out_ = true;
        emit(media_event_kind::rtp_timeout);
    }

    const bool plays = plays_to_line(mode_) || mode_ == connection_mode::netwloop;
    bool audible = false;
    if (plays && rx_started_) {
        ++rx_idle_ticks_;
        if (fifo_fill_ < tick_ && cn_active_)
            comfort_noise(tick_ - fifo_fill_);
        else if (fifo_fill_ < tick_ && (rx_idle_ticks_ <= max_conceal_ticks || rx_comfort_noise_))
            conceal(tick_ - fifo_fill_);
        const std::size_t n = std::min<std::size_t>(fifo_fill_, tick_);
        std::copy_n(fifo_.begin(), n, out.begin());
        std::copy(fifo_.begin() + static_cast<std::ptrdiff_t>(n),
                  fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_fill_), fifo_.begin());
        fifo_fill_ -= n;
        audible = n > 0;
    }
    if (plays_to_line(mode_) && tev_playing_) {
        // RFC 4733 §2.5.2: the regenerated tone replaces whatever audio covers the event.
        if (++tev_idle_ticks_ > tev_timeout_ticks) dtmf_tx_->stop();
        if (dtmf_tx_->generate(out)) audible = true;
        else tev_playing_ = false;
    }
    publish();
    return audible;
}

unsigned connection::quiet_ticks() const noexcept {
    if (!readiness_tracked_ || state_ == state::deleted || readable_) return 0;
    if (sends_to_network(mode_) || mode_ == connection_mode::netwloop || mode_ == connection_mode::netwtest) return 0;
    if (tev_playing_ || relay_digit_ != 0 || session_->has_pending()) return 0;
    const bool plays = plays_to_line(mode_) || mode_ == connection_mode::netwloop;
    if (plays && rx_started_ &&
        (fifo_fill_ > 0 || rx_idle_ticks_ <= max_conceal_ticks || rx_comfort_noise_ || cn_active_))
        return 0;
    // The tick that reaches idle_poll_ticks (or the timeout) must run.
    // Without a remote address oRTP has no report to send: only a readable socket (woken by
    // the engine) or the RTP timeout needs a tick then.
    unsigned q = !session_->has_remote()           ? std::numeric_limits<unsigned>::max()
                 : unpolled_ticks_ + 1 < idle_poll_ticks ? idle_poll_ticks - 1 - unpolled_ticks_
                                                         : 0;
    if (timeout_ticks_ > 0 && !timed_out_ && expects_media())
        q = std::min(q, silent_ticks_ + 1 < timeout_ticks_ ? timeout_ticks_ - 1 - silent_ticks_ : 0);
    return q;
}

void connection::skipped(unsigned ticks) noexcept {
    rx_clock_ += ticks * tick_;
    unpolled_ticks_ += ticks;
    if (rx_started_) rx_idle_ticks_ += ticks;
    if (timeout_ticks_ > 0 && !timed_out_ && expects_media()) silent_ticks_ += ticks;
}

void connection::on_telephone_event(const rtp::telephone_event& ev) {
    if (!plays_to_line(mode_)) return;
    const char d = digit_of_event(ev.event);
    if (d == 0) return;  // not a DTMF event (RFC 4733 §3 other events): ignored
    stats_->events_received.fetch_add(1, std::memory_order_relaxed);
    if (ev.timestamp == tev_last_ts_ && (tev_playing_ || tev_ended_)) {
        // An update or a retransmitted end of the event already playing (RFC 4733 §2.5.1).
        tev_idle_ticks_ = 0;
        if (ev.end && !tev_ended_) {
            tev_ended_ = true;
            dtmf_tx_->stop();
        }
        return;
    }
    tev_last_ts_ = ev.timestamp;
    tev_ended_ = ev.end;
    tev_idle_ticks_ = 0;
    if (dtmf_tx_->start(d)) {
        tev_playing_ = true;
        if (ev.end) dtmf_tx_->stop();
    }
}

// ---- linear -> RTP ----------------------------------------------------------------------------

void connection::encode_block(std::span<const std::int16_t> pcm) noexcept {
    auto& c = *codec_;
    std::size_t done = 0;
    while (done < pcm.size()) {
        const std::size_t n = std::min(pcm.size() - done, c.samples_per_packet - encode_fill_);
        std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(done), n,
                    c.encode_buffer.begin() + static_cast<std::ptrdiff_t>(encode_fill_));
        encode_fill_ += n;
        done += n;
        if (encode_fill_ < c.samples_per_packet) break;
        encode_fill_ = 0;
        auto bytes = c.encoder->encode(c.encode_buffer, c.payload_buffer);
        const bool suppressed = relay_digit_ != 0 && tev_pt_.has_value();
        if (bytes && *bytes > 0 && !suppressed && state_ == state::connected) {
            (void)session_->send_audio(std::span<const std::uint8_t>(c.payload_buffer.data(), *bytes),
                                       tx_ts_, marker_next_);
            marker_next_ = false;
        } else {
            marker_next_ = true;  // VAD silence or an event: the next audio starts a talkspurt
        }
        tx_ts_ += static_cast<std::uint32_t>(c.samples_per_packet);
    }
}

void connection::relay_dtmf(const dtmf_detector::result& r) noexcept {
    auto send = [this](bool marker, bool end) {
        if (state_ != state::connected) return;
        rtp::telephone_event ev;
        ev.event = event_of_digit(relay_digit_);
        ev.end = end;
        ev.volume = tev_volume;
        ev.duration = static_cast<std::uint16_t>(std::min<std::uint32_t>(relay_samples_, 0xFFFF));
        ev.marker = marker;
        (void)session_->send_event(ev, relay_ts_);
    };
    if (r.ended && relay_digit_ != 0) {
        // RFC 4733 §2.5.1.4: the final packet is sent three times.
        for (int i = 0; i < 3; ++i) send(false, true);
        relay_digit_ = 0;
    }
    if (r.started != 0) {
        emit(media_event_kind::dtmf_digit, r.started);
        stats_->digits_detected.fetch_add(1, std::memory_order_relaxed);
        if (tev_pt_ && event_of_digit(r.started) != 255) {
            relay_digit_ = r.started;
            relay_ts_ = tx_ts_ + static_cast<std::uint32_t>(encode_fill_);
            relay_samples_ = tick_;
            relay_since_update_ = 0;
            send(true, false);  // RFC 4733 §2.5.1.2: marker on the first packet of an event
            return;
        }
    }
    if (relay_digit_ != 0) {
        relay_samples_ += tick_;
        relay_since_update_ += tick_;
        if (relay_since_update_ >= codec_->samples_per_packet) {
            relay_since_update_ = 0;
            send(false, false);
        }
    }
}

void connection::transmit(std::span<const std::int16_t> line, std::span<const std::int16_t> line_ref,
                          std::span<const std::int16_t> mix) noexcept {
    if (state_ == state::deleted) return;
    if (!sends_to_network(mode_) && mode_ != connection_mode::netwloop) return;
    if (line.size() == tick_) {
        if (ec_on_ && line_ref.size() == tick_) ec_->process(line, line_ref, work_);
        else std::copy(line.begin(), line.end(), work_.begin());
        // G.168 §9: the answer tone disables the canceller (modems run their own).
        if (ec_on_ && answer_tone_->process(line)) {
            ec_on_ = false;
            emit(media_event_kind::answer_tone);
        }
        relay_dtmf(dtmf_rx_->process(work_));
    } else {
        std::fill(work_.begin(), work_.end(), std::int16_t{0});
    }
    if (mix.size() == tick_)
        for (std::size_t i = 0; i < tick_; ++i) work_[i] = sat_add(work_[i], mix[i]);
    const bool relaying = relay_digit_ != 0 && tev_pt_.has_value();
    if (!lookahead_.empty()) {
        // Delay line: the tick goes in, the oldest tick comes out to the encoder. While a digit
        // is relayed everything in it is silenced, including the digit's first milliseconds
        // that arrived before the detector recognised it (RFC 4733 §2.6: no DTMF in the audio).
        if (relaying) std::fill(lookahead_.begin(), lookahead_.end(), std::int16_t{0});
        auto slot = lookahead_.begin() + static_cast<std::ptrdiff_t>(lookahead_pos_);
        std::swap_ranges(work_.begin(), work_.end(), slot);
        lookahead_pos_ = (lookahead_pos_ + tick_) % lookahead_.size();
    }
    if (relaying) std::fill(work_.begin(), work_.end(), std::int16_t{0});
    encode_block(work_);
    publish();  // again, so that PS/OS include this tick's packet
}

// ---- control ----------------------------------------------------------------------------------

std::unique_ptr<codec_pipeline> connection::apply(const connection_changes& c,
                                                  std::unique_ptr<codec_pipeline> codec) noexcept {
    if (state_ == state::deleted) return codec;
    if (c.mode) mode_ = *c.mode;
    if (c.echo_canceller) {
        ec_on_ = *c.echo_canceller;
        if (ec_on_) {
            ec_->reset();
            answer_tone_->reset();
        }
    }
    if (c.remote && session_->set_remote(c.remote->address, c.remote->port))
        state_ = state::connected;
    if (codec) {
        if (!session_->set_payload_type(codec->choice.payload_type, codec->choice.codec->info().clock_rate))
            return codec;  // refused (e.g. the telephone-event type): keep the current codec
        std::swap(codec_, codec);
        encode_fill_ = 0;
        fifo_fill_ = 0;
        rx_started_ = false;
        rx_late_run_ = 0;
        rx_concealed_ = 0;
        cn_active_ = false;
        marker_next_ = true;
    }
    return codec;  // the old pipeline (or null): freed by the control thread
}

void connection::close() noexcept {
    state_ = state::deleted;
    publish_due_ = true;
    publish();
}

void connection::publish() noexcept {
    // Most ticks of a quiet connection change nothing: skip the copy.
    const auto activity = session_->activity();
    if (!publish_due_ && activity == published_activity_) return;
    publish_due_ = false;
    published_activity_ = activity;
    const auto s = session_->statistics();
    auto& p = *stats_;
    p.packets_sent.store(s.packets_sent, std::memory_order_relaxed);
    p.octets_sent.store(s.octets_sent, std::memory_order_relaxed);
    p.packets_received.store(s.packets_received, std::memory_order_relaxed);
    p.octets_received.store(s.octets_received, std::memory_order_relaxed);
    p.packets_lost.store(s.packets_lost, std::memory_order_relaxed);
    p.jitter_ms.store(s.jitter_ms, std::memory_order_relaxed);
    p.latency_ms.store(s.latency_ms, std::memory_order_relaxed);
    p.events_sent.store(s.events_sent, std::memory_order_relaxed);
    p.rtcp_sent.store(s.rtcp_sent, std::memory_order_relaxed);
    p.rtcp_received.store(s.rtcp_received, std::memory_order_relaxed);
}

}  // namespace tandem::gateway::media
