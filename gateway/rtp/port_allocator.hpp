#pragma once
/// Local RTP port allocation from a configured range (RTP on even ports, RTCP on the next odd
/// one, RFC 3550 §11). A port is taken when a connection is created and given back when it is
/// deleted; it is reused afterwards, and never leaks: `release` of a port that is not taken is
/// an error value, not a silent no-op.
///
/// Threading: owned by the control plane (one thread). Sockets are not opened here: the RTP
/// adapter binds, and a port whose bind fails is marked unusable for a while by the caller
/// (`release` then `try_next`), so a port held by another process does not stall allocation.
#include <cstdint>
#include <vector>

#include "common/expected.hpp"

namespace tandem::gateway::rtp {

enum class port_error {
    exhausted,      ///< every even port of the range is taken
    not_allocated,  ///< release of a port that is not currently taken
    bad_range,      ///< empty range or first > last
};

struct port_range {
    std::uint16_t first = 16384;  ///< lowest port (rounded up to even)
    std::uint16_t last = 32767;   ///< highest port (an RTCP port must fit: last odd port)
};

class port_allocator {
public:
    /// Errors: bad_range (fewer than one even/odd pair inside the range).
    static expected<port_allocator, port_error> create(port_range range);

    /// The next free even port after the last one handed out (round robin, so a just-freed port
    /// is reused last: a late packet for a deleted connection does not hit the next call).
    expected<std::uint16_t, port_error> allocate();
    /// Gives a port back. Errors: not_allocated.
    expected<void, port_error> release(std::uint16_t port);

    [[nodiscard]] std::size_t capacity() const noexcept { return taken_.size(); }
    [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }

private:
    explicit port_allocator(std::uint16_t first, std::size_t pairs);
    std::uint16_t first_ = 0;
    std::vector<bool> taken_;  ///< one entry per even port
    std::size_t next_ = 0;
    std::size_t in_use_ = 0;
};

}  // namespace tandem::gateway::rtp
