#pragma once
/// An endpoint of the media plane: one E1/T1 timeslot (`ds/e1-1/5`) or a virtual RTP endpoint
/// (`rtp/1`) that only joins connections (IP-IP transcoding), with the connections on it.
///
/// Audio paths per tick (RFC 3435 §2.3.5 connection modes, docs/media.md):
///   line out  = sum of what the connections in sendrecv/recvonly/confrnce received, or the
///               line in itself when a connection is in loopback/conttest;
///   to RTP k  = line in (echo-cancelled, DTMF removed) + what the other connections received
///               when k and they are confrnce, or always on a virtual endpoint (which has no
///               line); in netwloop, what k itself received.
///
/// Threading: owned by the media thread; built (with every buffer) on the control thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/media/connection.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::media {

class endpoint {
public:
    /// `slot`: position in the span's blocks, nullopt for a virtual endpoint.
    endpoint(std::string name, std::optional<unsigned> slot, tdm::companding_law law,
             unsigned max_connections, unsigned tick_samples);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::optional<unsigned> slot() const noexcept { return slot_; }
    [[nodiscard]] unsigned max_connections() const noexcept {
        return static_cast<unsigned>(connections_.size());
    }

    // ---- media thread ------------------------------------------------------------------------
    /// Takes a connection; false when every slot is taken (the control plane prevents it).
    bool attach(std::unique_ptr<connection>& c) noexcept;
    /// Gives the connection back (nullptr when unknown).
    std::unique_ptr<connection> detach(connection_id id) noexcept;
    [[nodiscard]] connection* find(connection_id id) noexcept;
    /// One tick. `rx`/`tx`: this endpoint's companded samples of the span block, or empty for
    /// a virtual endpoint.
    void tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx) noexcept;

private:
    std::string name_;
    std::optional<unsigned> slot_;
    tdm::companding_law law_;
    unsigned tick_;
    std::vector<std::unique_ptr<connection>> connections_;  ///< fixed number of slots
    std::vector<std::int16_t> received_;  ///< tick samples per slot
    std::vector<bool> audible_;
    std::vector<std::int16_t> line_in_, line_out_, mix_;
};

}  // namespace tandem::gateway::media
