#include "gateway/media/endpoint.hpp"

#include <algorithm>
#include <limits>

#include "codecs/g711.hpp"

namespace tandem::gateway::media {

namespace {
void add_into(std::span<std::int16_t> acc, std::span<const std::int16_t> x) noexcept {
    for (std::size_t i = 0; i < acc.size(); ++i)
        acc[i] = static_cast<std::int16_t>(std::clamp(acc[i] + x[i], -32768, 32767));
}
bool loops_line(connection_mode m) noexcept {
    return m == connection_mode::loopback || m == connection_mode::conttest;
}
/// Ticks a continuity tone must be heard before it counts (Q.724 §7 asks for recognition
/// within tens of ms; 30 ms keeps a burst of speech from passing).
constexpr unsigned continuity_ticks = 3;
/// Ticks the transponder keeps answering after the go tone stops (a short drop-out).
constexpr unsigned transponder_hangover_ticks = 3;
}  // namespace

endpoint::endpoint(std::string name, std::optional<unsigned> slot, tdm::companding_law law,
                   unsigned max_connections, unsigned tick_samples, endpoint_index index,
                   media_event_notifier* events)
    : name_(std::move(name)), slot_(slot), law_(law), tick_(tick_samples),
      connections_(max_connections), received_(std::size_t{max_connections} * tick_samples, 0),
      audible_(max_connections, false), line_in_(tick_samples, 0), line_out_(tick_samples, 0),
      mix_(tick_samples, 0), index_(index), events_(events), line_buf_(tick_samples, 0),
      net_buf_(tick_samples, 0) {}

void endpoint::play(signal_tone t, char digit, connection_id on) noexcept {
    if (on.value() != 0) {
        if (find(on) == nullptr) return;  // the connection went away meanwhile
        net_target_ = on;
        if (t == signal_tone::dtmf) net_tone_.queue_digit(digit);
        else net_tone_.start(t);
        net_return_ticks_ = 0;
        net_continuity_reported_ = false;
        return;
    }
    switch (t) {
        case signal_tone::none: return;
        case signal_tone::loopback: line_loop_ = true; return;
        case signal_tone::dtmf: line_tone_.queue_digit(digit); break;
        default: line_tone_.start(t); break;
    }
    if (t == signal_tone::continuity || t == signal_tone::continuity_go) {
        return_ticks_ = 0;
        continuity_reported_ = false;
    }
}

void endpoint::stop_signal(signal_tone t, connection_id on) noexcept {
    const bool all = t == signal_tone::none;
    if (all || (on.value() != 0 && on == net_target_ && net_tone_.current() == t)) {
        net_tone_.stop();
        net_target_ = connection_id{};
    }
    if (all || t == signal_tone::loopback) line_loop_ = false;
    if (all || (on.value() == 0 && line_tone_.current() == t)) line_tone_.stop();
}

void endpoint::run_network_continuity() noexcept {
    const auto playing = net_tone_.current();
    if (playing != signal_tone::continuity && playing != signal_tone::continuity_go) return;
    for (std::size_t k = 0; k < connections_.size(); ++k) {
        if (!connections_[k] || connections_[k]->id() != net_target_) continue;
        const bool heard = audible_[k] && return_tone_.present(std::span<const std::int16_t>(
                                              received_.data() + k * tick_, tick_));
        net_return_ticks_ = heard ? net_return_ticks_ + 1 : 0;
        if (net_return_ticks_ >= continuity_ticks && !net_continuity_reported_) {
            net_continuity_reported_ = true;
            if (events_ != nullptr)
                events_->notify(media_event{media_event_kind::continuity_tone, index_, net_target_, 0});
        }
    }
}

void endpoint::run_continuity(bool has_line, bool conttest) noexcept {
    if (!has_line) return;
    // Originating side of a continuity check: T/co1 sends 2010 Hz and hears it looped back;
    // T/co2 sends 1780 Hz and hears the transponder's 2010 Hz (RFC 3660 §2.3).
    const auto playing = line_tone_.current();
    if (playing == signal_tone::continuity || playing == signal_tone::continuity_go) {
        return_ticks_ = return_tone_.present(line_in_) ? return_ticks_ + 1 : 0;
        if (return_ticks_ >= continuity_ticks && !continuity_reported_) {
            continuity_reported_ = true;
            if (events_ != nullptr)
                events_->notify(media_event{media_event_kind::continuity_tone, index_, {}, 0});
        }
    }
    // Terminating side in conttest: the dual-tone transponder answers 1780 Hz with 2010 Hz.
    if (!conttest) {
        go_ticks_ = 0;
        go_hangover_ = 0;
        transponder_.stop();
        return;
    }
    if (go_tone_.present(line_in_)) {
        if (++go_ticks_ >= continuity_ticks) go_hangover_ = transponder_hangover_ticks;
    } else {
        go_ticks_ = 0;
        if (go_hangover_ > 0) --go_hangover_;
    }
    if (go_hangover_ > 0 && !transponder_.active()) transponder_.start(signal_tone::continuity);
    if (go_hangover_ == 0) transponder_.stop();
}

bool endpoint::attach(std::unique_ptr<connection>& c) noexcept {
    for (auto& slot : connections_)
        if (!slot) {
            slot = std::move(c);
            return true;
        }
    return false;
}

std::unique_ptr<connection> endpoint::detach(connection_id id) noexcept {
    if (id == net_target_) {  // its signal goes with it
        net_tone_.stop();
        net_target_ = connection_id{};
    }
    for (auto& slot : connections_)
        if (slot && slot->id() == id) return std::move(slot);
    return nullptr;
}

connection* endpoint::find(connection_id id) noexcept {
    for (auto& slot : connections_)
        if (slot && slot->id() == id) return slot.get();
    return nullptr;
}

unsigned endpoint::quiet_ticks() const noexcept {
    if (slot_ || line_loop_ || line_tone_.active() || net_tone_.active() || transponder_.active()) return 0;
    unsigned q = std::numeric_limits<unsigned>::max();
    for (const auto& c : connections_)
        if (c) q = std::min(q, c->quiet_ticks());
    return q;
}

void endpoint::skipped(unsigned ticks) noexcept {
    for (auto& c : connections_)
        if (c) c->skipped(ticks);
}

void endpoint::tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx) noexcept {
    const bool has_line = rx.size() == tick_ && tx.size() == tick_;
    const bool is_virtual = !slot_.has_value();
    // Nothing to hear, nothing to send, nothing playing: a free virtual endpoint (thousands of
    // them wait for CRCX rtp/$) costs this test and no more.
    if (!has_line && !line_loop_ && !line_tone_.active() && !net_tone_.active() && !transponder_.active() &&
        std::none_of(connections_.begin(), connections_.end(), [](const auto& c) { return c != nullptr; }))
        return;
    if (has_line) {
        if (law_ == tdm::companding_law::alaw) codecs::g711::decode_alaw(rx, line_in_);
        else codecs::g711::decode_ulaw(rx, line_in_);
    }
    const std::size_t n = connections_.size();
    auto received = [&](std::size_t k) {
        return std::span<std::int16_t>(received_.data() + k * tick_, tick_);
    };

    // 1. RTP -> linear for every connection.
    for (std::size_t k = 0; k < n; ++k)
        audible_[k] = connections_[k] && connections_[k]->receive(received(k));

    // 2. What the line hears.
    std::fill(line_out_.begin(), line_out_.end(), std::int16_t{0});
    bool loop = line_loop_;
    bool conttest = false;
    for (std::size_t k = 0; k < n; ++k) {
        if (!connections_[k]) continue;
        if (connections_[k]->mode() == connection_mode::conttest) conttest = true;
        if (loops_line(connections_[k]->mode())) loop = true;
        else if (audible_[k] && plays_to_line(connections_[k]->mode())) add_into(line_out_, received(k));
    }
    run_continuity(has_line, conttest);
    run_network_continuity();
    if (loop && has_line) std::copy(line_in_.begin(), line_in_.end(), line_out_.begin());
    if (transponder_.generate(line_buf_)) std::copy(line_buf_.begin(), line_buf_.end(), line_out_.begin());
    // A signal toward the line replaces what the line would hear (docs/media.md "Signals").
    const bool line_signal = line_tone_.generate(line_buf_);
    if (line_signal && has_line) std::copy(line_buf_.begin(), line_buf_.end(), line_out_.begin());
    const bool net_signal = net_tone_.generate(net_buf_);
    if (!net_signal) net_target_ = connection_id{};
    if (has_line) {
        if (law_ == tdm::companding_law::alaw) codecs::g711::encode_alaw(line_out_, tx);
        else codecs::g711::encode_ulaw(line_out_, tx);
    }

    // 3. linear -> RTP for every connection.
    for (std::size_t k = 0; k < n; ++k) {
        auto* c = connections_[k].get();
        if (c == nullptr) continue;
        const auto mode = c->mode();
        if (mode == connection_mode::netwloop) {
            c->transmit({}, {}, received(k));
            continue;
        }
        if (!sends_to_network(mode)) continue;
        if (net_signal && c->id() == net_target_) {
            c->transmit({}, {}, net_buf_);  // G/rbk@c, R/co1@c: the tone replaces the audio
            continue;
        }
        if (line_signal && !has_line) {
            c->transmit({}, {}, line_buf_);  // no line: a line signal goes to every connection
            continue;
        }
        std::fill(mix_.begin(), mix_.end(), std::int16_t{0});
        bool mixed = false;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == k || !connections_[j] || !audible_[j]) continue;
            const auto other = connections_[j]->mode();
            const bool joins = is_virtual ? plays_to_line(other)
                                          : (mode == connection_mode::confrnce &&
                                             other == connection_mode::confrnce);
            if (joins) {
                add_into(mix_, received(j));
                mixed = true;
            }
        }
        c->transmit(has_line ? std::span<const std::int16_t>(line_in_) : std::span<const std::int16_t>{},
                    has_line ? std::span<const std::int16_t>(line_out_) : std::span<const std::int16_t>{},
                    mixed ? std::span<const std::int16_t>(mix_) : std::span<const std::int16_t>{});
    }
}

}  // namespace tandem::gateway::media
