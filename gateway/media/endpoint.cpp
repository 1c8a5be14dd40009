#include "gateway/media/endpoint.hpp"

#include <algorithm>

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
}  // namespace

endpoint::endpoint(std::string name, std::optional<unsigned> slot, tdm::companding_law law,
                   unsigned max_connections, unsigned tick_samples)
    : name_(std::move(name)), slot_(slot), law_(law), tick_(tick_samples),
      connections_(max_connections), received_(std::size_t{max_connections} * tick_samples, 0),
      audible_(max_connections, false), line_in_(tick_samples, 0), line_out_(tick_samples, 0),
      mix_(tick_samples, 0) {}

bool endpoint::attach(std::unique_ptr<connection>& c) noexcept {
    for (auto& slot : connections_)
        if (!slot) {
            slot = std::move(c);
            return true;
        }
    return false;
}

std::unique_ptr<connection> endpoint::detach(connection_id id) noexcept {
    for (auto& slot : connections_)
        if (slot && slot->id() == id) return std::move(slot);
    return nullptr;
}

connection* endpoint::find(connection_id id) noexcept {
    for (auto& slot : connections_)
        if (slot && slot->id() == id) return slot.get();
    return nullptr;
}

void endpoint::tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx) noexcept {
    const bool has_line = rx.size() == tick_ && tx.size() == tick_;
    const bool is_virtual = !slot_.has_value();
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
    bool loop = false;
    for (std::size_t k = 0; k < n; ++k) {
        if (!connections_[k]) continue;
        if (loops_line(connections_[k]->mode())) loop = true;
        else if (audible_[k] && plays_to_line(connections_[k]->mode())) add_into(line_out_, received(k));
    }
    if (loop && has_line) std::copy(line_in_.begin(), line_in_.end(), line_out_.begin());
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
