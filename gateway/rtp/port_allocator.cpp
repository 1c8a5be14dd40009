#include "gateway/rtp/port_allocator.hpp"

namespace tandem::gateway::rtp {

port_allocator::port_allocator(std::uint16_t first, std::size_t pairs)
    : first_(first), taken_(pairs, false) {}

expected<port_allocator, port_error> port_allocator::create(port_range range) {
    const unsigned first = (range.first + 1u) & ~1u;  // RTP on even ports (RFC 3550 §11)
    if (range.last < range.first || first + 1u > range.last)
        return make_unexpected(port_error::bad_range);
    const std::size_t pairs = (range.last - first + 1u) / 2u;
    return port_allocator(static_cast<std::uint16_t>(first), pairs);
}

expected<std::uint16_t, port_error> port_allocator::allocate() {
    for (std::size_t n = 0; n < taken_.size(); ++n) {
        const std::size_t i = (next_ + n) % taken_.size();
        if (!taken_[i]) {
            taken_[i] = true;
            ++in_use_;
            next_ = (i + 1) % taken_.size();
            return static_cast<std::uint16_t>(first_ + 2 * i);
        }
    }
    return make_unexpected(port_error::exhausted);
}

expected<void, port_error> port_allocator::release(std::uint16_t port) {
    if (port < first_ || (port - first_) % 2 != 0) return make_unexpected(port_error::not_allocated);
    const std::size_t i = (port - first_) / 2u;
    if (i >= taken_.size() || !taken_[i]) return make_unexpected(port_error::not_allocated);
    taken_[i] = false;
    --in_use_;
    return {};
}

}  // namespace tandem::gateway::rtp
